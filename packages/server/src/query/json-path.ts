/**
 * Paths into a span's stored attributes, which are nested JSON (spans/unflatten.ts builds them
 * from the dotted OTel keys). A path is a list of object keys and array indices; each dialect
 * turns it into its own path syntax, always as a query parameter.
 */

export type JsonPathSegment = { key: string } | { index: string };

/** Keys and indices from the document root; `[]` is the root itself. */
export type JsonPath = readonly JsonPathSegment[];

const DIGITS = /^[0-9]+$/;

/** `"007"` -> `"7"`: indices stay decimal strings so huge ones stay exact (and match nothing). */
function canonicalIndex(digits: string): string {
  const trimmed = digits.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

/**
 * The paths a dotted attribute key (`llm.input_messages.0.message.content`) may live at, most
 * likely first. Mirrors the unflatten rules: an all-digit segment followed by more segments is
 * an array index; an all-digit last segment was stored as an object key (`tags.0`), unless the
 * value was sent as an array, so both are tried.
 */
export function attributeKeyPaths(segments: readonly string[], prefix: JsonPath = []): JsonPath[] {
  // A trailing '.' ends a key when it is stored (`a.` is `a`), so it does when it is looked up.
  const parts =
    segments.length > 1 && segments[segments.length - 1] === '' ? segments.slice(0, -1) : segments;
  const path: JsonPathSegment[] = [...prefix];
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    path.push(DIGITS.test(part) ? { index: canonicalIndex(part) } : { key: part });
  }
  const last = parts[parts.length - 1]!;
  if (!DIGITS.test(last)) return [[...path, { key: last }]];
  return [
    [...path, { key: canonicalIndex(last) }],
    [...path, { index: canonicalIndex(last) }],
  ];
}

/** A dotted key (`'llm.model_name'`) as written in `attributes['…']`. */
export function splitAttributeKey(key: string): string[] {
  return key.split('.');
}

export function isInputOrOutputValue(path: JsonPath): 'input' | 'output' | undefined {
  if (path.length !== 2) return undefined;
  const [first, second] = path;
  if (!first || !second || !('key' in first) || !('key' in second)) return undefined;
  if (second.key !== 'value') return undefined;
  return first.key === 'input' || first.key === 'output' ? first.key : undefined;
}
