/**
 * What the filter compilers need from a database beyond plain SQL: reading typed values out of
 * JSON, text containment, casts and the arithmetic corners where databases disagree (integer
 * division, modulo sign, division by zero, overflow). The compilers build everything else with
 * portable SQL; everything database-specific lives behind this interface, one implementation
 * per database (sqlite-dialect.ts, postgres-dialect.ts).
 *
 * Conventions every implementation keeps:
 * - A value that is missing, JSON null, or of the wrong type is SQL NULL. The compilers rely on
 *   NULL to make comparisons false; no method may raise a database error for any input.
 * - "number" includes JSON true/false as 1/0, because in Python (whose syntax filters use)
 *   `True == 1`.
 * - Paths and needles are parameters, never SQL text.
 */
import type { SqlDialectName } from './compiled-filter.js';
import type { JsonPath } from './json-path.js';
import type { SqlFragment } from './sql-fragment.js';

export interface SqlDialect {
  readonly name: SqlDialectName;

  /**
   * A JSON document holding the value at the first of `paths` that exists in `document`, to be
   * read with the root path `[]`. Used when a path may be spelt two ways (`tags.0`).
   */
  jsonFirstOf(document: SqlFragment, paths: readonly JsonPath[]): SqlFragment;
  /** The value at `path` if it is a JSON string, else NULL. */
  jsonString(document: SqlFragment, path: JsonPath): SqlFragment;
  /** The value at `path` if it is a JSON number or boolean (1/0), else NULL. */
  jsonNumber(document: SqlFragment, path: JsonPath): SqlFragment;
  /** Python's `str()` of the value: strings as they are, numbers in decimal, True/False. */
  jsonToText(document: SqlFragment, path: JsonPath): SqlFragment;
  /** Python's `float()`: numbers, booleans and strings that spell a JSON number; else NULL. */
  jsonToFloat(document: SqlFragment, path: JsonPath): SqlFragment;
  /** Python's `int()`: integers, numbers truncated toward zero, integer strings; else NULL. */
  jsonToInteger(document: SqlFragment, path: JsonPath): SqlFragment;
  /** True when the path is missing or holds JSON null (never NULL itself). */
  jsonIsNull(document: SqlFragment, path: JsonPath): SqlFragment;
  /**
   * Python's `needle in value`: for a string (or an object, searched as its JSON text) a case-
   * and accent-insensitive substring test; for an array, exact membership of a string element.
   * NULL when the value is missing or of another type.
   */
  jsonContains(document: SqlFragment, path: JsonPath, needle: SqlFragment): SqlFragment;

  /** Case- and accent-insensitive substring test; NULL when either side is NULL. */
  textContains(haystack: SqlFragment, needle: SqlFragment): SqlFragment;
  textToFloat(text: SqlFragment): SqlFragment;
  textToInteger(text: SqlFragment): SqlFragment;
  numberToText(number: SqlFragment): SqlFragment;
  numberToFloat(number: SqlFragment): SqlFragment;
  numberToInteger(number: SqlFragment): SqlFragment;

  /** `+`, `-`, `*` as Python does them on ints and floats; never an overflow error. */
  arithmetic(operator: '+' | '-' | '*', left: SqlFragment, right: SqlFragment): SqlFragment;
  /** Unary minus; never an overflow error. */
  negate(operand: SqlFragment): SqlFragment;
  /** True division (`7 / 2` is 3.5), NULL when dividing by zero. */
  divide(dividend: SqlFragment, divisor: SqlFragment): SqlFragment;
  /** Python's modulo (sign of the divisor), NULL when dividing by zero. */
  modulo(dividend: SqlFragment, divisor: SqlFragment): SqlFragment;
  /** Integer sum over rows that can neither overflow nor be NULL (0 for no rows). */
  total(expression: SqlFragment): SqlFragment;
  /** TRUE for true, FALSE for false and NULL: turns three-valued logic into two. */
  isTrue(condition: SqlFragment): SqlFragment;
}
