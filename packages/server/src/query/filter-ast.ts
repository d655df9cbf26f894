/**
 * The parsed form of a span filter expression. It stays close to the syntax (the compiler, not
 * the parser, decides what a name means in SQL) but already separates the things Phoenix treats
 * specially: built-in names, attribute paths, annotation references and the three casts.
 * Every node carries the 1-based column where it starts, for error messages.
 */

export type ComparisonOperator =
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in'
  | 'is'
  | 'is not';

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

/** Undotted names with a fixed meaning; anything else is an attribute path. */
export const BUILTIN_NAMES = [
  'span_id',
  'trace_id',
  'parent_id',
  'name',
  'span_kind',
  'status_code',
  'status_message',
  'latency_ms',
  'cumulative_llm_token_count_prompt',
  'cumulative_llm_token_count_completion',
  'cumulative_llm_token_count_total',
  'start_time',
  'end_time',
  'events',
  'parent_span',
] as const;

export type BuiltinName = (typeof BUILTIN_NAMES)[number];

export type AnnotationField = 'label' | 'score' | 'explanation';

export type CastFunction = 'str' | 'float' | 'int';

export type FilterNode =
  | { type: 'or'; operands: FilterNode[]; column: number }
  | { type: 'and'; operands: FilterNode[]; column: number }
  | { type: 'not'; operand: FilterNode; column: number }
  /** `a < b <= c` is one node with two links, as in Python (`a < b and b <= c`). */
  | { type: 'compare'; left: FilterNode; links: ComparisonLink[]; column: number }
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
  | { type: 'builtin'; name: BuiltinName; column: number }
  /**
   * A path into the span's (nested) attributes. `source` says how it was written: a dotted name
   * (`llm.model_name`, which the compiler may map to a column), `attributes[...]` (always the
   * raw attribute) or `metadata[...]` (the path starts with `metadata`). Number segments are
   * array indices.
   */
  | {
      type: 'attribute';
      path: (string | number)[];
      source: 'name' | 'attributes' | 'metadata';
      column: number;
    }
  /** `annotations['name']` (field null: "has such an annotation") or `….label|score|explanation`. */
  | {
      type: 'annotation';
      source: 'annotations' | 'evals';
      name: string;
      field: AnnotationField | null;
      column: number;
    }
  | { type: 'call'; func: CastFunction; argument: FilterNode; column: number }
  /** Only valid on the right of `in` / `not in`; elements are literals. */
  | { type: 'list'; elements: FilterNode[]; column: number };

export interface ComparisonLink {
  operator: ComparisonOperator;
  right: FilterNode;
  column: number;
}

export type FilterAst = FilterNode;
