/**
 * A path into a span's attributes as a filter value: `llm.model_name`, `attributes['x.y']`,
 * `metadata['topic']`. Paths to nothing are not errors (Phoenix's rule: unknown attributes
 * match nothing), since every instrumentation adds its own.
 */
import type { SubscriptKey, SubscriptNode } from './filter-ast.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import type { FilterValue, RowSource } from './filter-value.js';
import {
  attributeKeyPaths,
  isInputOrOutputValue,
  splitAttributeKey,
  type JsonPath,
  type JsonPathSegment,
} from './json-path.js';
import { identifier, sql } from './sql-fragment.js';

/** The value at `paths` (alternatives, first existing wins) in span row `alias`'s attributes. */
export function spanAttributeValue(
  alias: string,
  paths: readonly JsonPath[],
  column: number,
  label: string,
  sources: readonly RowSource[],
  context: FilterCompileContext,
): FilterValue {
  const attributes = sql`${identifier(alias)}.attributes`;
  if (paths.length > 1) {
    return {
      kind: 'json',
      document: context.dialect.jsonFirstOf(attributes, paths),
      path: [],
      column,
      sources,
      label,
    };
  }
  const path = paths[0]!;
  const field = isInputOrOutputValue(path);
  return {
    kind: 'json',
    document: attributes,
    path,
    column,
    sources,
    label,
    fullText: field === undefined ? undefined : { alias, field },
  };
}

/**
 * `attributes['llm.input_messages'][0]['message.content']`: the first key is a dotted attribute
 * key, later ones are single keys or indices. `metadata['a.b']`: every key is a single key,
 * since metadata is user JSON whose keys may contain dots.
 */
export function subscriptPaths(node: SubscriptNode): JsonPath[] {
  const base = node.base.segments[node.base.segments.length - 1];
  const [first, ...rest] = node.keys;
  const segment = (key: SubscriptKey): JsonPathSegment =>
    key.isIndex ? { index: key.value } : { key: key.value };
  const tail = rest.map(segment);
  if (base === 'metadata') return [[{ key: 'metadata' }, segment(first!), ...tail]];
  if (first!.isIndex) {
    throw new FilterSyntaxError(
      "attributes[…] starts with a quoted attribute key, as in attributes['llm.model_name']",
      first!.column,
    );
  }
  const segments = splitAttributeKey(first!.value);
  if (tail.length === 0) return attributeKeyPaths(segments);
  // Followed by more keys, every digit segment of the dotted key is an array index.
  const [head] = attributeKeyPaths([...segments, '_']);
  return [[...head!.slice(0, -1), ...tail]];
}
