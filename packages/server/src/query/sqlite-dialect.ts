/**
 * The filter compilers' SQL for SQLite (see sql-dialect.ts for the contract).
 *
 * JSON: `json_extract` returns SQL-typed values (text, integer, real; true/false as 1/0;
 * objects and arrays as JSON text), so every typed read checks `json_type` first — comparing
 * the text 'abc' with 100 is not an error in SQLite, it is silently true (text sorts after
 * numbers). SQLite caches parsed JSON per statement, so the second call costs little.
 *
 * Paths go in as parameters in SQLite's path syntax, each key as a JSON string literal
 * (`$."llm"."model_name"[0]`): SQLite compares a quoted label with the key as it is escaped in
 * the document, which is exactly how JSON.stringify escapes it, so any key is addressable.
 *
 * Expressions that would have to appear twice in a CASE (casts of arbitrary expressions,
 * modulo) are bound once in a one-row subquery, so nested casts grow the SQL linearly, not
 * exponentially.
 *
 * Text containment needs Unicode case folding, which SQLite's lower() lacks (ASCII only), so it
 * calls `heron_text_contains`, registered on every connection that runs filters by
 * `registerSqliteFilterFunctions`.
 */
import type Database from 'better-sqlite3';
import type { JsonPath } from './json-path.js';
import type { SqlDialect } from './sql-dialect.js';
import { param, raw, sql, type SqlFragment } from './sql-fragment.js';
import { foldForSearch } from '../spans/span-search-text.js';

/** `heron_text_contains(haystack, needle)`: 1 when the folded needle is in the folded haystack. */
export const TEXT_CONTAINS_FUNCTION = 'heron_text_contains';

/** Registers the SQL functions compiled filters call; run on every connection that reads. */
export function registerSqliteFilterFunctions(db: Database.Database): void {
  // The needle is the same for every row of a query: fold it once.
  let lastNeedle: string | undefined;
  let lastFolded = '';
  db.function(
    TEXT_CONTAINS_FUNCTION,
    { deterministic: true },
    (haystack: unknown, needle: unknown): number | null => {
      if (haystack === null || needle === null) return null;
      if (typeof haystack !== 'string' || typeof needle !== 'string') return null;
      if (needle !== lastNeedle) {
        lastNeedle = needle;
        lastFolded = foldForSearch(needle);
      }
      return foldForSearch(haystack).includes(lastFolded) ? 1 : 0;
    },
  );
}

export function sqliteJsonPath(path: JsonPath): string {
  let text = '$';
  for (const segment of path) {
    text += 'key' in segment ? `.${JSON.stringify(segment.key)}` : `[${segment.index}]`;
  }
  return text;
}

function pathParam(path: JsonPath): SqlFragment {
  return param(sqliteJsonPath(path));
}

/** `CASE json_type(doc, path) … END` with the path bound as often as it is used. */
function typed(document: SqlFragment, path: JsonPath): { type: SqlFragment; value: SqlFragment } {
  return {
    type: sql`json_type(${document}, ${pathParam(path)})`,
    value: sql`json_extract(${document}, ${pathParam(path)})`,
  };
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',

  jsonFirstOf(document, paths) {
    if (paths.length === 1) return sql`(${document} -> ${pathParam(paths[0]!)})`;
    const each = paths.map((path) => sql`${document} -> ${pathParam(path)}`);
    let list = each[0]!;
    for (const next of each.slice(1)) list = sql`${list}, ${next}`;
    return sql`COALESCE(${list})`;
  },

  jsonString(document, path) {
    const { type, value } = typed(document, path);
    return sql`(CASE WHEN ${type} = 'text' THEN ${value} END)`;
  },

  jsonNumber(document, path) {
    const { type, value } = typed(document, path);
    return sql`(CASE WHEN ${type} IN ('integer', 'real', 'true', 'false') THEN ${value} END)`;
  },

  jsonToText(document, path) {
    const { type, value } = typed(document, path);
    return sql`(CASE ${type} WHEN 'true' THEN 'True' WHEN 'false' THEN 'False' WHEN 'null' THEN NULL ELSE CAST(${value} AS TEXT) END)`;
  },

  jsonToFloat(document, path) {
    const { type, value } = typed(document, path);
    return sql`(CASE ${type} WHEN 'integer' THEN CAST(${value} AS REAL) WHEN 'real' THEN ${value} WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 WHEN 'text' THEN ${this.textToFloat(value)} END)`;
  },

  jsonToInteger(document, path) {
    const { type, value } = typed(document, path);
    return sql`(CASE ${type} WHEN 'integer' THEN ${value} WHEN 'real' THEN CAST(${value} AS INTEGER) WHEN 'true' THEN 1 WHEN 'false' THEN 0 WHEN 'text' THEN ${this.textToInteger(value)} END)`;
  },

  jsonIsNull(document, path) {
    return sql`(json_extract(${document}, ${pathParam(path)}) IS NULL)`;
  },

  jsonContains(document, path, needle) {
    const { type, value } = typed(document, path);
    const contains = sql`${fn(TEXT_CONTAINS_FUNCTION)}(${value}, ${needle})`;
    return sql`(CASE ${type} WHEN 'text' THEN ${contains} WHEN 'object' THEN ${contains} WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(${document}, ${pathParam(path)}) WHERE type = 'text' AND value = ${needle}) END)`;
  },

  textContains(haystack, needle) {
    return sql`${fn(TEXT_CONTAINS_FUNCTION)}(${haystack}, ${needle})`;
  },

  textToFloat(text) {
    // A JSON number is the safe test: json_type() on anything that is not JSON is an error.
    return sql`(SELECT CASE WHEN json_valid(v) THEN CASE WHEN json_type(v) IN ('integer', 'real') THEN CAST(json_extract(v, '$') AS REAL) END END FROM (SELECT ${text} AS v))`;
  },

  textToInteger(text) {
    return sql`(SELECT CASE WHEN json_valid(v) THEN CASE WHEN json_type(v) = 'integer' THEN json_extract(v, '$') END END FROM (SELECT ${text} AS v))`;
  },

  numberToText(number) {
    return sql`CAST(${number} AS TEXT)`;
  },

  numberToFloat(number) {
    return sql`CAST(${number} AS REAL)`;
  },

  numberToInteger(number) {
    return sql`CAST(${number} AS INTEGER)`;
  },

  arithmetic(operator, left, right) {
    // SQLite turns an integer overflow into a REAL result rather than an error.
    return sql`(${left} ${raw(operator)} ${right})`;
  },

  negate(operand) {
    return sql`(- ${operand})`;
  },

  divide(dividend, divisor) {
    // SQLite divides integers as integers and yields NULL for a zero divisor.
    return sql`(CAST(${dividend} AS REAL) / ${divisor})`;
  },

  modulo(dividend, divisor) {
    // SQLite's % truncates reals to integers and takes the dividend's sign; Python's takes the
    // divisor's. Integers stay exact; reals use floor division.
    return sql`(SELECT CASE WHEN typeof(a) = 'integer' AND typeof(b) = 'integer' THEN ((a % b) + b) % b ELSE a - b * floor(CAST(a AS REAL) / b) END FROM (SELECT ${dividend} AS a, ${divisor} AS b))`;
  },

  total(expression) {
    // TOTAL is SUM that never raises "integer overflow" and gives 0.0 for no rows; counts are
    // integers, so the result is made one again (saturating rather than failing at 2^63).
    return sql`CAST(TOTAL(${expression}) AS INTEGER)`;
  },

  isTrue(condition) {
    return sql`((${condition}) IS TRUE)`;
  },
};

function fn(name: string): SqlFragment {
  return { sql: name, params: [] };
}
