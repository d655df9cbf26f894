/**
 * Phoenix's `attribute=key:value` span filter (`GET /v1/projects/{id}/spans`): the dotted key
 * names an attribute, the value is read as JSON — an integer also matches the same float (3 and
 * 3.0), booleans match booleans, anything else is a string ("…" forces a string: `"12345"`).
 * Lists, objects and null cannot be matched.
 */
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import type { JsonPath } from './json-path.js';
import { postgresJsonPath } from './postgres-dialect.js';

export type AttributeMatchValue = string | number | boolean;

export class AttributeMatchError extends Error {}

/** Parses one `key:value` parameter (split on the first colon). */
export function parseAttributeMatch(raw: string): { key: string; value: AttributeMatchValue } {
  const colon = raw.indexOf(':');
  if (colon <= 0) {
    throw new AttributeMatchError(`attribute filter must look like key:value, got "${raw}"`);
  }
  const key = raw.slice(0, colon);
  const text = raw.slice(colon + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: the text itself is the string to match.
  }
  if (value === null || typeof value === 'object') {
    throw new AttributeMatchError(
      `attribute filter ${key} cannot match a list, an object or null; got "${text}"`,
    );
  }
  return { key, value: value as AttributeMatchValue };
}

/**
 * The SQLite JSON path of a dotted attribute key in the stored (un-flattened) attributes:
 * a digit segment followed by more segments is an array index, as the unflatten rules make it.
 * Null when the key cannot be expressed (a segment containing a double quote).
 */
export function sqliteJsonPath(key: string): string | null {
  const segments = key.split('.');
  let path = '$';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (/^\d+$/.test(segment) && i < segments.length - 1) path += `[${Number(segment)}]`;
    else if (segment.includes('"')) return null;
    else path += `."${segment}"`;
  }
  return path;
}

/**
 * Attributes with an indexed derived column (spans/span-normalizer.ts): a match implies the
 * column holds the value as text (ids: strings as they are, numbers as decimal text; model
 * name: non-empty strings), so the column narrows the rows by index and the JSON condition
 * keeps the exact semantics.
 */
const DERIVED_COLUMNS: Record<string, { column: string; numbers: boolean }> = {
  'user.id': { column: 'user_id', numbers: true },
  'session.id': { column: 'session_id', numbers: true },
  'llm.model_name': { column: 'model_name', numbers: false },
};

export function attributeMatchCondition(
  dialect: SqlDialectName,
  alias: string,
  key: string,
  value: AttributeMatchValue,
): CompiledFilter {
  const exact = jsonMatchCondition(dialect, alias, key, value);
  const derived = DERIVED_COLUMNS[key];
  const usable =
    derived !== undefined &&
    ((typeof value === 'string' && value !== '') ||
      (typeof value === 'number' && derived.numbers && Number.isFinite(value)));
  if (!usable) return exact;
  return {
    sql: `(${alias}.${derived.column} = ? AND ${exact.sql})`,
    params: [String(value), ...exact.params],
  };
}

function jsonMatchCondition(
  dialect: SqlDialectName,
  alias: string,
  key: string,
  value: AttributeMatchValue,
): CompiledFilter {
  if (dialect === 'postgres') return postgresJsonMatchCondition(alias, key, value);
  const path = sqliteJsonPath(key);
  if (path === null) return { sql: '0', params: [] };
  const column = `${alias}.attributes`;
  if (typeof value === 'boolean') {
    return { sql: `json_type(${column}, ?) = ?`, params: [path, value ? 'true' : 'false'] };
  }
  if (typeof value === 'number') {
    return {
      sql: `(json_type(${column}, ?) IN ('integer', 'real') AND json_extract(${column}, ?) = ?)`,
      params: [path, path, value],
    };
  }
  return {
    sql: `(json_type(${column}, ?) = 'text' AND json_extract(${column}, ?) = ?)`,
    params: [path, path, value],
  };
}

/** The key's path as `sqliteJsonPath` reads it (digit segments before the last are indices). */
function attributeJsonPath(key: string): JsonPath {
  const segments = key.split('.');
  return segments.map((segment, i) =>
    /^\d+$/.test(segment) && i < segments.length - 1
      ? { index: String(BigInt(segment)) }
      : { key: segment },
  );
}

/**
 * The same match on JSONB: the value at the path (strict SQL/JSON path, so types never
 * coerce) compared as a JSON boolean, a JSON number (numerically: 3 matches 3.0) or a string.
 * Keys SQLite cannot address (a double quote in a segment) match nothing here too.
 */
function postgresJsonMatchCondition(
  alias: string,
  key: string,
  value: AttributeMatchValue,
): CompiledFilter {
  const path = key.split('.').some((segment) => segment.includes('"'))
    ? null
    : postgresJsonPath(attributeJsonPath(key));
  if (path === null) return { sql: '(1 = 0)', params: [] };
  const at = `jsonb_path_query_first(${alias}.attributes, CAST(? AS jsonpath), '{}', true)`;
  if (typeof value === 'boolean') {
    return { sql: `(${at} = CAST(? AS jsonb))`, params: [path, value ? 'true' : 'false'] };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { sql: '(1 = 0)', params: [] };
    return {
      sql: `(SELECT jsonb_typeof(hf_match.v) = 'number' AND CAST(hf_match.v AS numeric) = CAST(? AS numeric) FROM (SELECT ${at} AS v) AS hf_match) IS TRUE`,
      params: [String(value), path],
    };
  }
  return {
    sql: `(SELECT jsonb_typeof(hf_match.v) = 'string' AND hf_match.v #>> '{}' = CAST(? AS text) FROM (SELECT ${at} AS v) AS hf_match) IS TRUE`,
    params: [value, path],
  };
}
