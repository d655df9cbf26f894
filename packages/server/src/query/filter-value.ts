/**
 * What a compiled sub-expression is, before it becomes part of a condition: a typed SQL value,
 * a condition, or one of the few things that only make sense in one position (a list after
 * `in`, a bare `annotations['x']`, `parent_span`).
 *
 * Typing happens at compile time because SQL is loosely typed where filters must not be: the
 * compiler picks the typed JSON accessor from the other side of a comparison
 * (`llm.token_count.total > 100` reads a number, `llm.model_name == 'x'` a string) and refuses
 * comparisons that can never be meaningful (`latency_ms == 'fast'`).
 */
import type { JsonPath } from './json-path.js';
import type { SqlFragment } from './sql-fragment.js';

/**
 * Rows a value is read from besides the filtered row itself (an annotation, a trace's root
 * span). A comparison that uses such values becomes `EXISTS (SELECT 1 FROM <sources> WHERE …)`:
 * "some annotation named x has label 'good'", and false when there is none.
 */
export interface RowSource {
  /** Identifies the same source used twice in one comparison (e.g. `a.score > 0 and`…). */
  key: string;
  /** FROM item(s), with generated aliases: `span_annotations AS f3`. */
  from: SqlFragment;
  /** Correlation with the outer row and the source's own conditions. */
  where: SqlFragment;
}

interface Sourced {
  /** Where the error for misusing this value should point. */
  column: number;
  sources: readonly RowSource[];
  /** The name as written (`llm.model_name`), for messages. */
  label?: string;
}

/** Full-text search applies: the value is `input.value`/`output.value` of span row `alias`. */
export interface FullTextTarget {
  alias: string;
  field: 'input' | 'output';
}

export type FilterValue =
  | (Sourced & {
      kind: 'text';
      sql: SqlFragment;
      nullable: boolean;
      /** Set for string literals: datetimes and enum names are read from it. */
      literal?: string;
      /** A column holding upper-case names (span_kind, status_code): literals are upper-cased. */
      upperCase?: boolean;
      /** JSON text of a whole document (`attributes`, `events`): only searched with `in`. */
      searchOnly?: boolean;
    })
  | (Sourced & {
      kind: 'number';
      sql: SqlFragment;
      nullable: boolean;
      /** Written as a literal (a list may only hold literals). */
      literal?: boolean;
      /** `True`/`False` written as literals, which also stand alone as conditions. */
      booleanLiteral?: boolean;
    })
  /** Nanoseconds since the epoch (INTEGER); compared with ISO datetime literals. */
  | (Sourced & { kind: 'time'; sql: SqlFragment; nullable: boolean })
  /** An attribute path whose JSON type is only known at run time. */
  | (Sourced & {
      kind: 'json';
      document: SqlFragment;
      path: JsonPath;
      fullText?: FullTextTarget;
    })
  | { kind: 'null'; column: number; sources: readonly RowSource[] }
  | { kind: 'list'; column: number; elements: FilterValue[]; sources: readonly RowSource[] }
  /** A boolean condition; never SQL NULL (three-valued logic is resolved where it arises). */
  | { kind: 'condition'; column: number; sql: SqlFragment; sources: readonly RowSource[] }
  /**
   * `annotations['x']`: true when the rows exist. `is None` negates it; it has no value to
   * compare (that is what `.label`, `.score` and `.explanation` are for).
   */
  | {
      kind: 'existence';
      column: number;
      sources: readonly RowSource[];
      exists: SqlFragment;
      description: string;
    }
  /** `parent_span`: only `parent_span is None` / `is not None` (root span or not). */
  | { kind: 'parent-span'; column: number; sources: readonly RowSource[]; isRoot: SqlFragment };

export type ValueKind = FilterValue['kind'];

export function describeKind(value: FilterValue): string {
  switch (value.kind) {
    case 'text':
      return 'text';
    case 'number':
      return 'a number';
    case 'time':
      return 'a time';
    case 'json':
      return 'an attribute';
    case 'null':
      return 'None';
    case 'list':
      return 'a list';
    case 'condition':
      return 'a condition';
    case 'existence':
      return value.description;
    case 'parent-span':
      return 'parent_span';
  }
}
