/**
 * Dotted attribute keys <-> nested objects, with Arize Phoenix's exact rules
 * (`unflatten` / `flatten` in src/phoenix/trace/attributes.py), because Phoenix clients read the
 * nested form back (GraphQL, span queries) and the REST API returns the flattened form.
 *
 * Unflatten builds a prefix tree of the key segments and walks it. The rules that fall out of
 * Phoenix's trie, all replicated here:
 * - `null` values are skipped.
 * - An all-digit segment followed by more segments is an array index; `int()` normalises leading
 *   zeros (`01` -> 1) and the array is the sorted indices compacted (0 and 2 -> two elements).
 * - An all-digit terminal segment stays an object key (`tags.0` -> `{tags: {"0": ...}}`).
 * - Last write wins for the same key; a trailing `.` ends the key (`a.` is `a`).
 * - A node that has a value never has indices: indices seen before or after the value become
 *   plain branches.
 * - A node that is both a value and a prefix keeps the value under its own key and its branches
 *   as dotted keys one level up: `a`=1, `a.b`=2 -> `{"a": 1, "a.b": 2}`.
 * - A node with indices and other branches yields the array and the branches as dotted keys:
 *   `a.0.x`=1, `a.b`=2 -> `{"a": [{"x": 1}], "a.b": 2}`.
 * - Values that are already objects (kvlist) or arrays are terminal: never merged or split.
 *
 * Only ASCII digits count as digits; Python's `str.isdigit` also accepts other Unicode digits,
 * which no real instrumentation emits and which would make Phoenix itself fail in `int()`.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import { isJsonStringAttributeKey } from './json-string-attributes.js';
import { MAX_KEY_SEGMENTS } from './nesting-depth.js';
import { isAttributeObject, setOwn, type AttributeRecord } from './own-property.js';

class TrieNode {
  /** `undefined` means "no value" (Phoenix's `None`); attribute values are never undefined. */
  value: AttributeValue | undefined = undefined;
  children: Map<string, TrieNode> | undefined = undefined;
  /**
   * Array indices as canonical decimal strings (no leading zeros), so indices of any size stay
   * exact and share the children map with branch names (a non-digit branch name can never be
   * equal to a canonical index).
   */
  indices: Set<string> | undefined = undefined;
  /** Object keys, in first-insertion order (Phoenix uses a set, whose order is arbitrary). */
  branches: Set<string> | undefined = undefined;

  child(key: string): TrieNode {
    if (this.children === undefined) this.children = new Map();
    let node = this.children.get(key);
    if (node === undefined) {
      node = new TrieNode();
      this.children.set(key, node);
    }
    return node;
  }

  setValue(value: AttributeValue): void {
    this.value = value;
    // Value and indices must not coexist: the indices become ordinary object keys.
    if (this.indices !== undefined && this.indices.size > 0) {
      const branches = this.branchSet();
      for (const index of this.indices) branches.add(index);
      this.indices.clear();
    }
  }

  addIndex(index: string): TrieNode {
    if (this.value !== undefined) this.branchSet().add(index);
    else if (this.branches === undefined || !this.branches.has(index)) {
      if (this.indices === undefined) this.indices = new Set();
      this.indices.add(index);
    }
    return this.child(index);
  }

  addBranch(branch: string): TrieNode {
    this.indices?.delete(branch);
    this.branchSet().add(branch);
    return this.child(branch);
  }

  private branchSet(): Set<string> {
    if (this.branches === undefined) this.branches = new Set();
    return this.branches;
  }
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = '.';

/** The canonical index for an all-digit segment (`"007"` -> `"7"`), or null if not all digits. */
function canonicalIndex(segment: string): string | null {
  const length = segment.length;
  if (length === 0) return null;
  let firstNonZero = -1;
  for (let i = 0; i < length; i++) {
    const c = segment.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return null;
    if (firstNonZero === -1 && c !== DIGIT_0) firstNonZero = i;
  }
  if (firstNonZero === 0) return segment;
  return firstNonZero === -1 ? '0' : segment.slice(firstNonZero);
}

/** Numeric order for canonical decimal strings of any length. */
function compareIndices(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildTrie(pairs: Iterable<readonly [string, AttributeValue]>): TrieNode {
  const root = new TrieNode();
  for (const [key, value] of pairs) {
    if (value === null || value === undefined) continue;
    let node = root;
    let start = 0;
    let segments = 0;
    for (;;) {
      const dot = key.indexOf(DOT, start);
      // Past MAX_KEY_SEGMENTS the rest of the key is one segment (see nesting-depth.ts).
      const last = ++segments === MAX_KEY_SEGMENTS;
      // Like Python's str.partition, a separator with nothing after it ends the key.
      const terminal = dot === -1 || dot === key.length - 1 || last;
      const segment =
        dot === -1 || last ? (start === 0 ? key : key.slice(start)) : key.slice(start, dot);
      const index = canonicalIndex(segment);
      if (index === null) node = node.addBranch(segment);
      else node = terminal ? node.addBranch(index) : node.addIndex(index);
      if (terminal) break;
      start = dot + 1;
    }
    node.setValue(value);
  }
  return root;
}

function nodeToRecord(node: TrieNode): AttributeRecord {
  const out: AttributeRecord = {};
  emit(node, '', out);
  return out;
}

function childOf(node: TrieNode, key: string): TrieNode {
  // Every index and branch was registered through `child()`, so the lookup cannot miss.
  return (node.children as Map<string, TrieNode>).get(key) as TrieNode;
}

/** Phoenix's `_walk`: writes the entries this node contributes to its enclosing object. */
function emit(node: TrieNode, prefix: string, out: AttributeRecord): void {
  if (node.value !== undefined) {
    setOwn(out, prefix, node.value);
  } else if (node.indices !== undefined && node.indices.size > 0) {
    const sorted = Array.from(node.indices).sort(compareIndices);
    if (prefix !== '') {
      const array: AttributeValue[] = new Array(sorted.length);
      for (let i = 0; i < sorted.length; i++) {
        array[i] = nodeToRecord(childOf(node, sorted[i] as string));
      }
      setOwn(out, prefix, array);
    } else {
      // Indices directly under the root or under an array element have no name to hang an
      // array on; Phoenix emits each element under its index as an object key.
      for (const index of sorted) emit(childOf(node, index), index, out);
    }
  } else if (prefix !== '') {
    setOwn(out, prefix, nodeToRecord(node));
    return;
  }
  if (node.branches === undefined) return;
  for (const branch of node.branches) {
    emit(childOf(node, branch), prefix === '' ? branch : prefix + DOT + branch, out);
  }
}

/** Dotted key/value pairs -> nested attributes (see the rules at the top of this file). */
export function unflattenAttributes(
  pairs: Iterable<readonly [string, AttributeValue]>,
): Record<string, AttributeValue> {
  return nodeToRecord(buildTrie(pairs));
}

/**
 * Nested attributes -> dotted key/value pairs, as Phoenix's REST API returns them
 * (`flatten(..., recurse_on_sequence=True, json_string_attributes=...)`):
 * - objects recurse with dotted keys, except under a JSON-string key (`metadata`,
 *   `tool.parameters`, ...) where the object is re-serialised so a round trip gives back the
 *   JSON string that was sent;
 * - an array containing at least one object is flattened with index segments (its non-object
 *   elements are dropped, as in Phoenix); other arrays are kept whole;
 * - null values are skipped.
 */
export function flattenAttributes(
  nested: Record<string, AttributeValue>,
): Record<string, AttributeValue> {
  const out: AttributeRecord = {};
  flattenObject(nested, '', out);
  return out;
}

function flattenObject(
  object: { [key: string]: AttributeValue },
  prefix: string,
  out: AttributeRecord,
): void {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === null || value === undefined) continue;
    const path = prefix === '' ? key : prefix + DOT + key;
    if (isAttributeObject(value)) {
      if (isJsonStringAttributeKey(path)) setOwn(out, path, JSON.stringify(value));
      else flattenObject(value, path, out);
    } else if (Array.isArray(value)) {
      flattenArray(value, path, out);
    } else {
      setOwn(out, path, value);
    }
  }
}

function flattenArray(array: AttributeValue[], prefix: string, out: AttributeRecord): void {
  if (!array.some(isAttributeObject)) {
    setOwn(out, prefix, array);
    return;
  }
  for (let i = 0; i < array.length; i++) {
    const element = array[i];
    if (isAttributeObject(element)) {
      flattenObject(element, prefix === '' ? String(i) : prefix + DOT + i, out);
    }
  }
}
