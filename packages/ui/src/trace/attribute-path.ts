/**
 * Reading OpenInference fields out of nested span attributes. `attributeAt(attributes,
 * 'llm.token_count.prompt')` walks the nesting; where Heron's unflatten kept a dotted key (a
 * value that is also a prefix, e.g. `{"a": 1, "a.b": 2}`), the remaining dotted key is tried
 * as it is.
 */
import type { JsonObject, JsonValue } from './trace-api';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function attributeAt(root: JsonValue | undefined, path: string): JsonValue | undefined {
  if (root === undefined) return undefined;
  const segments = path.split('.');
  let at: JsonValue | undefined = root;
  for (let i = 0; i < segments.length; i++) {
    if (!isJsonObject(at)) return undefined;
    const rest = segments.slice(i).join('.');
    if (i < segments.length - 1 && Object.hasOwn(at, rest)) return at[rest];
    at = Object.hasOwn(at, segments[i]!) ? at[segments[i]!] : undefined;
  }
  return at;
}

export function stringAt(root: JsonValue | undefined, path: string): string | undefined {
  const value = attributeAt(root, path);
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function numberAt(root: JsonValue | undefined, path: string): number | undefined {
  const value = attributeAt(root, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A list attribute (`llm.input_messages`) as an array; objects keyed "0", "1"… count too. */
export function listAt(root: JsonValue | undefined, path: string): JsonValue[] {
  const value = attributeAt(root, path);
  if (Array.isArray(value)) return value;
  if (isJsonObject(value) && Object.keys(value).every((key) => /^\d+$/.test(key))) {
    return Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => value[key]!);
  }
  return [];
}

/**
 * A value that instrumentations may send as a JSON string (invocation parameters, tool call
 * arguments, tool schemas) parsed when it parses, else returned as it is.
 */
export function parsedJson(value: JsonValue | undefined): JsonValue | undefined {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed) as JsonValue;
  } catch {
    return value;
  }
}

/** Nested attributes as dotted key/value pairs (objects in arrays by index), for the flat table. */
export function flattenAttributes(root: JsonObject): [string, JsonValue][] {
  const pairs: [string, JsonValue][] = [];
  const stack: [string, JsonValue][] = Object.entries(root).reverse();
  while (stack.length > 0) {
    const [key, value] = stack.pop()!;
    // Arrays of plain values (`tag.tags`) are one attribute value; arrays of objects nest.
    const entries = Array.isArray(value)
      ? value.some(isJsonObject)
        ? value.map((item, index) => [String(index), item] as [string, JsonValue])
        : null
      : isJsonObject(value)
        ? Object.entries(value)
        : null;
    if (entries === null || entries.length === 0) pairs.push([key, value]);
    else
      for (let i = entries.length - 1; i >= 0; i--)
        stack.push([`${key}.${entries[i]![0]}`, entries[i]![1]]);
  }
  return pairs;
}
