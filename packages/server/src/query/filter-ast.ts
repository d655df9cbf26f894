/**
 * The parsed form of a filter expression (span, trace or session filters share one grammar).
 *
 * The tree stays syntactic: it records names, subscripts and calls as written and leaves their
 * meaning to the compiler of each filter language, because the same name means different things
 * in a span filter (`latency_ms` of the span) and a trace filter (`latency_ms` of the trace), and
 * because only the language knows its vocabulary well enough to suggest a spelling.
 * Every node carries the 1-based column (UTF-16 units) where it starts, for error messages.
 */

export type ComparisonOperator =
  '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

export type FilterNode =
  | { type: 'or'; operands: FilterNode[]; column: number }
  | { type: 'and'; operands: FilterNode[]; column: number }
  | { type: 'not'; operand: FilterNode; column: number }
  /** `a < b <= c` is one node with two links, as in Python (`a < b and b <= c`, b once). */
  | { type: 'compare'; left: FilterNode; links: ComparisonLink[]; column: number }
  /** `column` is the operator's, where type errors point. */
  | {
      type: 'arithmetic';
      operator: ArithmeticOperator;
      left: FilterNode;
      right: FilterNode;
      column: number;
    }
  | { type: 'negate'; operand: FilterNode; column: number }
  | { type: 'string'; value: string; column: number }
  /** `text` is the literal as written (underscores removed), exact for large integers. */
  | { type: 'number'; value: number; text: string; integer: boolean; column: number }
  | { type: 'boolean'; value: boolean; column: number }
  | { type: 'none'; column: number }
  /** A name or dotted path as written: `latency_ms`, `llm.model_name`, `span.name`. */
  | { type: 'name'; segments: string[]; column: number }
  /**
   * `base[k1][k2]…` where base is a name (`attributes`, `metadata`, `annotations`, …) and each
   * key a string or integer literal.
   */
  | { type: 'subscript'; base: NameNode; keys: SubscriptKey[]; column: number }
  /** `annotations['x'].label`: a field of a subscript. */
  | { type: 'member'; object: SubscriptNode; member: string; memberColumn: number; column: number }
  /** `str(x)`, `any(spans, cond)`, `any(cond for span in spans)`: the compiler checks names. */
  | { type: 'call'; func: string; args: FilterNode[]; column: number }
  /** `<element> for <variable> in <collection>`, only as the sole argument of a call. */
  | {
      type: 'comprehension';
      element: FilterNode;
      variable: string;
      collection: NameNode;
      column: number;
    }
  /** `[…]` or `(…, …)`; the compiler only accepts it on the right of `in` / `not in`. */
  | { type: 'list'; elements: FilterNode[]; column: number };

export type NameNode = Extract<FilterNode, { type: 'name' }>;
export type SubscriptNode = Extract<FilterNode, { type: 'subscript' }>;

/** A quoted key, or an array index (`[0]`) as canonical decimal digits, exact at any size. */
export interface SubscriptKey {
  value: string;
  isIndex: boolean;
  column: number;
}

export interface ComparisonLink {
  operator: ComparisonOperator;
  right: FilterNode;
  /** The operator's column. */
  column: number;
}

export type FilterAst = FilterNode;
