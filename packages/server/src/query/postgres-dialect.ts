/**
 * The filter compilers' SQL for PostgreSQL (see sql-dialect.ts for the contract), over the
 * schema in store/postgres/migrations (JSONB `attributes`, BIGINT nanosecond times).
 *
 * Parameters stay `?` (CompiledFilter's contract); the store turns them into `$n` with
 * `toPostgresPlaceholders(sql, offset, params)`, which also gives each one the SQL type of its
 * JavaScript value — PostgreSQL infers an untyped parameter's type from its context, and
 * `? + ?` or `bigint_column > ?` (with '0.5') would be errors. Integers (BigInt) are NUMERIC,
 * other numbers DOUBLE PRECISION, strings TEXT.
 *
 * Numbers. Integers are NUMERIC, so they are exact and unbounded like Python's; JSON numbers
 * are read as NUMERIC too (JSONB stores them so). `+ - *` on NUMERIC never overflow, and
 * everything this module converts to DOUBLE PRECISION goes through `safeFloat`, which gives
 * ±Infinity / 0 instead of PostgreSQL's "value out of range" errors. Division and modulo are
 * computed on NUMERIC (float inputs converted through their shortest exact text), so an error
 * is impossible and results outside the float range are clamped to ±Infinity.
 *
 * JSON paths: a SQL/JSON path in strict mode evaluated silently, so `."0"` never indexes an
 * array (PostgreSQL's `#>` would), `[0]` never reads an object's key "0", and a type mismatch
 * is NULL, never an error — the same addressing as SQLite's `$."k"[0]`.
 *
 * Text containment folds both sides the way `foldForSearch` does as far as SQL can: NFD, drop
 * combining marks that follow a Latin letter, NFC, `lower()`. Differences are listed in
 * docs/filter-language.md ("On PostgreSQL").
 */
import type { JsonPath } from './json-path.js';
import type { SqlDialect } from './sql-dialect.js';
import { toWellFormed } from './postgres-placeholders.js';
import { param, raw, sql, type SqlFragment } from './sql-fragment.js';

const INT32_MAX = 2_147_483_647n;

/**
 * A strict SQL/JSON path text, or null when no document can have a value there (an index
 * beyond what PostgreSQL can address, a key holding NUL, which JSONB cannot store).
 */
export function postgresJsonPath(path: JsonPath): string | null {
  let text = 'strict $';
  for (const segment of path) {
    if ('key' in segment) {
      if (segment.key.includes('\u0000')) return null;
      // Unpaired surrogates are stored as U+FFFD (postgres-span-row.ts), so they are looked
      // up as U+FFFD; JSON.stringify's escapes are SQL/JSON path string escapes.
      text += `.${JSON.stringify(toWellFormed(segment.key))}`;
    } else {
      if (BigInt(segment.index) > INT32_MAX) return null;
      text += `[${segment.index}]`;
    }
  }
  return text;
}

/** The JSONB value at `path`, or NULL. */
function jsonAt(document: SqlFragment, path: JsonPath): SqlFragment {
  if (path.length === 0) return document;
  const text = postgresJsonPath(path);
  if (text === null) return raw('CAST(NULL AS jsonb)');
  return sql`jsonb_path_query_first(${document}, CAST(${param(text)} AS jsonpath), '{}', true)`;
}

/**
 * `(SELECT <body> FROM (SELECT <value> AS v OFFSET 0) AS hf_bound)`: a value used several
 * times in a CASE is computed once, and nested conversions grow the SQL linearly. OFFSET 0
 * keeps the planner from pulling the subquery up, which would paste <value> into every use
 * and make nested conversions exponential to plan (and exhaust the server's memory).
 */
function bound(value: SqlFragment, body: (v: SqlFragment) => SqlFragment): SqlFragment {
  return sql`(SELECT ${body(raw('hf_bound.v'))} FROM (SELECT ${value} AS v OFFSET 0) AS hf_bound)`;
}

/** The JSONB value's type and the value, bound once. */
function typedJson(
  document: SqlFragment,
  path: JsonPath,
  body: (type: SqlFragment, value: SqlFragment) => SqlFragment,
): SqlFragment {
  return bound(jsonAt(document, path), (v) => body(sql`jsonb_typeof(${v})`, v));
}

/** NUMERIC of a JSONB number or boolean; its type must have been checked. */
function jsonNumeric(type: SqlFragment, value: SqlFragment): SqlFragment {
  return sql`CASE ${type} WHEN 'number' THEN CAST(${value} AS numeric) WHEN 'boolean' THEN CASE WHEN CAST(${value} AS boolean) THEN 1::numeric ELSE 0::numeric END END`;
}

const FLOAT_MAX = '1.7976931348623157e308';
const FLOAT_MIN_NORMAL = '2.2250738585072014e-308';

/** NUMERIC to DOUBLE PRECISION without range errors (±Infinity, 0 for tiny values). */
function safeFloat(numeric: SqlFragment): SqlFragment {
  return bound(
    sql`CAST(${numeric} AS numeric)`,
    (v) =>
      sql`CASE WHEN ${v} IS NULL THEN NULL WHEN ${v} = 'NaN' THEN CAST('NaN' AS float8) WHEN ${v} > ${raw(FLOAT_MAX)} THEN CAST('Infinity' AS float8) WHEN ${v} < -${raw(FLOAT_MAX)} THEN CAST('-Infinity' AS float8) WHEN abs(${v}) < ${raw(FLOAT_MIN_NORMAL)} THEN CAST(0 AS float8) ELSE CAST(${v} AS float8) END`,
  );
}

/**
 * A NUMERIC beyond DOUBLE PRECISION's range as ±Infinity, so comparing it with a float column
 * (which casts it to DOUBLE PRECISION) cannot fail; an integer that large is the only thing
 * that loses from it.
 */
function clampToFloatRange(numeric: SqlFragment): SqlFragment {
  return bound(
    numeric,
    (v) =>
      sql`CASE WHEN ${v} = 'NaN' THEN ${v} WHEN ${v} > ${raw(FLOAT_MAX)} THEN CAST('Infinity' AS numeric) WHEN ${v} < -${raw(FLOAT_MAX)} THEN CAST('-Infinity' AS numeric) ELSE ${v} END`,
  );
}

/**
 * Any number as NUMERIC. A DOUBLE PRECISION converts through its shortest exact text (the
 * direct cast keeps only 15 digits); NUMERIC keeps Infinity and NaN.
 */
function toNumeric(number: SqlFragment): SqlFragment {
  return bound(
    number,
    (v) =>
      sql`CASE WHEN pg_typeof(${v}) IN ('double precision'::regtype, 'real'::regtype) THEN CAST(CAST(${v} AS text) AS numeric) ELSE CAST(${v} AS numeric) END`,
  );
}

/** A JSON number spelt as text (what SQLite's json_valid + json_type accept), length-bounded. */
const JSON_NUMBER = '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]{1,4})?$';
const JSON_INTEGER = '^-?(0|[1-9][0-9]{0,18})$';
/** Longest text read as a number: NUMERIC holds far more, and a huge cast would be slow. */
const MAX_NUMBER_TEXT = 1000;

/**
 * Python's `str()` of a float as far as it differs from PostgreSQL's: integral values get
 * '.0', non-finite ones Python's spelling.
 */
/** NUMERIC as text, with Python's spelling of the non-finite values. */
function numericText(value: SqlFragment): SqlFragment {
  return bound(
    sql`CAST(${value} AS text)`,
    (t) =>
      sql`CASE WHEN ${t} = 'Infinity' THEN 'inf' WHEN ${t} = '-Infinity' THEN '-inf' WHEN ${t} = 'NaN' THEN 'nan' ELSE ${t} END`,
  );
}

function floatText(value: SqlFragment): SqlFragment {
  return bound(
    sql`CAST(${value} AS text)`,
    (t) =>
      sql`CASE WHEN ${t} = 'Infinity' THEN 'inf' WHEN ${t} = '-Infinity' THEN '-inf' WHEN ${t} = 'NaN' THEN 'nan' WHEN ${t} ~ '^-?[0-9]+$' THEN ${t} || '.0' ELSE ${t} END`,
  );
}

/** Case folding as `foldForSearch` does it, as far as SQL can (see the module comment). */
function fold(text: SqlFragment): SqlFragment {
  // Base letters of the Latin script after NFD (ASCII, Latin-1, Extended-A/B, IPA, Extended
  // Additional, C, D, E, fullwidth), each followed by combining marks to drop.
  const latin =
    'A-Za-z\\u00AA\\u00BA\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02AF\\u1D00-\\u1D7F\\u1E00-\\u1EFF\\u2C60-\\u2C7F\\uA720-\\uA7FF\\uAB30-\\uAB6F\\uFF21-\\uFF3A\\uFF41-\\uFF5A';
  const marks = '\\u0300-\\u036F\\u1AB0-\\u1AFF\\u1DC0-\\u1DFF\\u20D0-\\u20FF\\uFE20-\\uFE2F';
  return sql`lower(normalize(regexp_replace(normalize(CAST(${text} AS text), NFD), ${raw(`'([${latin}])[${marks}]+'`)}, '\\1', 'g'), NFC))`;
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',

  jsonFirstOf(document, paths) {
    const each = paths.map((path) => jsonAt(document, path));
    if (each.length === 1) return sql`(${each[0]!})`;
    let list = each[0]!;
    for (const next of each.slice(1)) list = sql`${list}, ${next}`;
    return sql`COALESCE(${list})`;
  },

  jsonString(document, path) {
    return typedJson(
      document,
      path,
      (type, value) => sql`CASE WHEN ${type} = 'string' THEN ${value} #>> '{}' END`,
    );
  },

  jsonNumber(document, path) {
    return typedJson(document, path, (type, value) => jsonNumeric(type, value));
  },

  jsonToText(document, path) {
    return typedJson(
      document,
      path,
      (type, value) =>
        sql`CASE ${type} WHEN 'string' THEN ${value} #>> '{}' WHEN 'number' THEN ${value} #>> '{}' WHEN 'boolean' THEN CASE WHEN CAST(${value} AS boolean) THEN 'True' ELSE 'False' END WHEN 'object' THEN CAST(${value} AS text) WHEN 'array' THEN CAST(${value} AS text) END`,
    );
  },

  jsonToFloat(document, path) {
    return typedJson(
      document,
      path,
      (type, value) =>
        sql`CASE WHEN ${type} IN ('number', 'boolean') THEN ${safeFloat(jsonNumeric(type, value))} WHEN ${type} = 'string' THEN ${this.textToFloat(sql`${value} #>> '{}'`)} END`,
    );
  },

  jsonToInteger(document, path) {
    return typedJson(
      document,
      path,
      (type, value) =>
        sql`CASE WHEN ${type} IN ('number', 'boolean') THEN trunc(${jsonNumeric(type, value)}) WHEN ${type} = 'string' THEN ${this.textToInteger(sql`${value} #>> '{}'`)} END`,
    );
  },

  jsonIsNull(document, path) {
    return typedJson(document, path, (type) => sql`(${type} IS NULL OR ${type} = 'null')`);
  },

  jsonContains(document, path, needle) {
    return typedJson(
      document,
      path,
      (type, value) =>
        sql`CASE WHEN ${type} = 'string' THEN ${this.textContains(sql`${value} #>> '{}'`, needle)} WHEN ${type} = 'object' THEN ${this.textContains(sql`CAST(${value} AS text)`, needle)} WHEN ${type} = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${value}) AS hf_element(e) WHERE jsonb_typeof(hf_element.e) = 'string' AND hf_element.e #>> '{}' = CAST(${needle} AS text)) END`,
    );
  },

  textContains(haystack, needle) {
    return sql`(strpos(${fold(haystack)}, ${fold(needle)}) > 0)`;
  },

  textToFloat(text) {
    return bound(
      sql`CAST(${text} AS text)`,
      (t) =>
        sql`CASE WHEN length(${t}) <= ${raw(String(MAX_NUMBER_TEXT))} AND ${t} ~ ${raw(`'${JSON_NUMBER}'`)} THEN ${safeFloat(sql`CAST(${t} AS numeric)`)} END`,
    );
  },

  textToInteger(text) {
    return bound(
      sql`CAST(${text} AS text)`,
      (t) => sql`CASE WHEN ${t} ~ ${raw(`'${JSON_INTEGER}'`)} THEN CAST(${t} AS numeric) END`,
    );
  },

  numberToText(number) {
    return bound(
      number,
      (v) =>
        sql`CASE WHEN pg_typeof(${v}) IN ('double precision'::regtype, 'real'::regtype) THEN ${floatText(v)} ELSE ${numericText(v)} END`,
    );
  },

  numberToFloat(number) {
    return safeFloat(toNumeric(number));
  },

  numberToInteger(number) {
    // NUMERIC's trunc() keeps Infinity and NaN rather than raising, as a BIGINT cast would.
    return sql`trunc(${toNumeric(number)})`;
  },

  arithmetic(operator, left, right) {
    return clampToFloatRange(sql`(${toNumeric(left)} ${raw(operator)} ${toNumeric(right)})`);
  },

  negate(operand) {
    return sql`(- ${toNumeric(operand)})`;
  },

  divide(dividend, divisor) {
    return bound(sql`${toNumeric(dividend)} / NULLIF(${toNumeric(divisor)}, 0)`, (q) =>
      safeFloat(q),
    );
  },

  modulo(dividend, divisor) {
    // NUMERIC's mod() takes the dividend's sign; Python's % takes the divisor's. Infinite
    // operands behave as Python's floats do.
    return sql`(SELECT CASE WHEN hf_mod.b IS NULL OR hf_mod.b = 0 THEN NULL WHEN hf_mod.a = 'NaN' OR hf_mod.b = 'NaN' OR hf_mod.a IN ('Infinity', '-Infinity') THEN 'NaN'::numeric WHEN hf_mod.b IN ('Infinity', '-Infinity') THEN CASE WHEN hf_mod.a = 0 OR (hf_mod.a > 0) = (hf_mod.b > 0) THEN hf_mod.a ELSE hf_mod.b END ELSE mod(mod(hf_mod.a, hf_mod.b) + hf_mod.b, hf_mod.b) END FROM (SELECT ${toNumeric(dividend)} AS a, ${toNumeric(divisor)} AS b OFFSET 0) AS hf_mod)`;
  },

  total(expression) {
    // SUM of BIGINT is NUMERIC: it cannot overflow.
    return sql`COALESCE(SUM(${expression}), 0)`;
  },

  isTrue(condition) {
    return sql`((${condition}) IS TRUE)`;
  },
};
