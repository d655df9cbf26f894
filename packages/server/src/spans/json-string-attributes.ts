/**
 * Attributes that OpenInference instrumentations send as JSON-encoded strings because OTLP has no
 * map-valued attribute that every SDK supports (`metadata`, `tool.parameters`, ...).
 *
 * Phoenix (`load_json_strings` in src/phoenix/trace/attributes.py) decodes them at ingest so
 * they can be queried as nested JSON, and re-encodes them when it flattens attributes for the
 * REST API. The key test is a plain `endsWith` on the whole dotted key, so
 * `retrieval.documents.0.document.metadata` and even `foo_metadata` qualify, exactly as there.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import { MAX_DECODED_JSON_DEPTH, nestsDeeperThan } from './nesting-depth.js';

const METADATA = 'metadata';
const PROMPT_TEMPLATE_VARIABLES = 'llm.prompt_template.variables';
const TOOL_PARAMETERS = 'tool.parameters';
// `document.metadata` needs no entry of its own: it already ends with `metadata`.

const CHAR_A = 0x61; // 'a'
const CHAR_S = 0x73; // 's'

/** Whether `key` names a JSON-string attribute (checked per key on the hot path). */
export function isJsonStringAttributeKey(key: string): boolean {
  // One charCode comparison rejects almost every key before any endsWith runs.
  const last = key.charCodeAt(key.length - 1);
  if (last === CHAR_A) return key.endsWith(METADATA);
  if (last === CHAR_S)
    return key.endsWith(PROMPT_TEMPLATE_VARIABLES) || key.endsWith(TOOL_PARAMETERS);
  return false;
}

/** Marker returned by `decodeJsonStringAttribute` when the attribute must be dropped. */
export const DROP_ATTRIBUTE: unique symbol = Symbol('drop attribute');

/**
 * Decode one JSON-string attribute value.
 *
 * - A non-string value is returned unchanged (already structured, e.g. a kvlist).
 * - A string that is not valid JSON, or nests deeper than MAX_DECODED_JSON_DEPTH, is returned
 *   unchanged.
 * - A value that decodes to something empty (`{}`, `[]`, `""`, `0`, `null`, `false`) is dropped:
 *   Phoenix keeps the decoded value only `if dict_value:`, and Python treats all of those as false.
 */
export function decodeJsonStringAttribute(
  value: AttributeValue,
): AttributeValue | typeof DROP_ATTRIBUTE {
  if (typeof value !== 'string') return value;
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    return value;
  }
  if (nestsDeeperThan(decoded, MAX_DECODED_JSON_DEPTH)) return value;
  return isPythonFalsy(decoded) ? DROP_ATTRIBUTE : (decoded as AttributeValue);
}

function isPythonFalsy(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/**
 * Decode every JSON-string attribute of a flat attribute map in place.
 * Deleting and overwriting entries while iterating a Map is well defined in JavaScript.
 */
export function decodeJsonStringAttributes(attributes: Map<string, AttributeValue>): void {
  for (const [key, value] of attributes) {
    if (typeof value !== 'string' || !isJsonStringAttributeKey(key)) continue;
    const decoded = decodeJsonStringAttribute(value);
    if (decoded === DROP_ATTRIBUTE) attributes.delete(key);
    else if (decoded !== value) attributes.set(key, decoded);
  }
}
