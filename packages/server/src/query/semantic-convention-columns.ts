/**
 * The `attributes.*` columns of Phoenix's spans dataframe (`_flatten_semantic_conventions` in
 * src/phoenix/trace/dsl/query.py): the stored attributes are flattened, JSON-string attributes
 * decoded, and the result un-flattened again with every OpenInference semantic-convention name
 * kept whole. So `llm.token_count.prompt` is one column, `llm.input_messages` is a list of
 * `{"message.role": ..., "message.content": ...}` dicts, and a custom `my.app.flag` becomes one
 * column `my` holding `{"app": {"flag": ...}}`.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import {
  decodeJsonStringAttribute,
  DROP_ATTRIBUTE,
  isJsonStringAttributeKey,
} from '../spans/json-string-attributes.js';
import { isAttributeObject, setOwn, type AttributeRecord } from '../spans/own-property.js';
import { unflattenAttributes } from '../spans/unflatten.js';
import { SEMANTIC_CONVENTIONS } from './semantic-conventions.js';

/**
 * Stands for a dot inside a semantic-convention name while the key goes through the ordinary
 * un-flattener, which splits at every dot; restored in the keys it produces. (U+0000 never
 * occurs in real attribute keys.)
 */
const KEPT_DOT = '\u0000';

/** Top-level column key (without the `attributes.` prefix) → value. */
export function semanticConventionColumns(
  attributes: Record<string, AttributeValue>,
): AttributeRecord {
  const pairs: [string, AttributeValue][] = [];
  flattenInto(attributes, '', pairs);
  const marked: [string, AttributeValue][] = [];
  for (const [key, value] of pairs) {
    const decoded = isJsonStringAttributeKey(key) ? decodeJsonString(value) : value;
    if (decoded !== DROP_ATTRIBUTE) marked.push([markConventions(key), decoded]);
  }
  return restoreDots(unflattenAttributes(marked));
}

/**
 * Phoenix's `flatten(recurse_on_sequence=True, json_string_attributes=...)`: objects recurse
 * with dotted keys, except under a JSON-string key where the object is one value; an array that
 * holds objects recurses with index segments (its other elements are dropped); other arrays
 * are one value; nulls are dropped.
 */
function flattenInto(
  object: { [key: string]: AttributeValue },
  prefix: string,
  out: [string, AttributeValue][],
): void {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === null || value === undefined) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isAttributeObject(value)) {
      if (isJsonStringAttributeKey(path)) out.push([path, value]);
      else flattenInto(value, path, out);
    } else if (Array.isArray(value) && value.some(isAttributeObject)) {
      value.forEach((element, i) => {
        if (isAttributeObject(element)) flattenInto(element, `${path}.${i}`, out);
      });
    } else {
      out.push([path, value]);
    }
  }
}

/**
 * Phoenix's `load_json_strings` after its flatten re-encoded objects as JSON: an object under a
 * JSON-string key survives unless empty, a string is decoded when it is JSON.
 */
function decodeJsonString(value: AttributeValue): AttributeValue | typeof DROP_ATTRIBUTE {
  if (isAttributeObject(value)) return Object.keys(value).length > 0 ? value : DROP_ATTRIBUTE;
  return decodeJsonStringAttribute(value);
}

/** Semantic-convention names by their first segment, longest first. */
const CONVENTIONS_BY_FIRST_SEGMENT = new Map<string, string[]>();
for (const name of SEMANTIC_CONVENTIONS) {
  const first = name.split('.', 1)[0]!;
  const list = CONVENTIONS_BY_FIRST_SEGMENT.get(first) ?? [];
  list.push(name);
  CONVENTIONS_BY_FIRST_SEGMENT.set(first, list);
}

/**
 * Rewrites the key so that each semantic-convention name found where a segment starts (Phoenix's
 * `_partition_with_prefix_exclusion`, longest name first) stays one segment.
 */
function markConventions(key: string): string {
  const segments: string[] = [];
  let rest = key;
  for (;;) {
    const dot = rest.indexOf('.');
    const head = dot === -1 ? rest : rest.slice(0, dot);
    const convention = CONVENTIONS_BY_FIRST_SEGMENT.get(head)?.find(
      (name) => rest.startsWith(name) && (rest.length === name.length || rest[name.length] === '.'),
    );
    if (convention !== undefined) {
      segments.push(convention.replaceAll('.', KEPT_DOT));
      rest = rest.slice(convention.length + 1);
    } else {
      segments.push(head);
      rest = dot === -1 ? '' : rest.slice(dot + 1);
    }
    if (rest === '') return segments.join('.');
  }
}

function restoreDots(record: AttributeRecord): AttributeRecord {
  const out: AttributeRecord = {};
  for (const key of Object.keys(record)) {
    setOwn(out, key.replaceAll(KEPT_DOT, '.'), restoreValue(record[key]!));
  }
  return out;
}

function restoreValue(value: AttributeValue): AttributeValue {
  if (Array.isArray(value)) return value.map(restoreValue);
  if (isAttributeObject(value)) return restoreDots(value);
  return value;
}
