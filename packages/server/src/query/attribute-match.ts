/**
 * Phoenix's `attribute=key:value` span filter (`GET /v1/projects/{id}/spans`): the dotted key
 * names an attribute, the value is read as JSON — an integer also matches the same float (3 and
 * 3.0), booleans match booleans, anything else is a string ("…" forces a string: `"12345"`).
 * Lists, objects and null cannot be matched.
 */
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';

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
  if (dialect !== 'sqlite') throw new Error(`attribute match is not implemented for ${dialect}`);
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
