/**
 * Phoenix's SpanQuery DSL (src/phoenix/trace/dsl/query.py) over stored spans: the serialized
 * query a client sends (`{select, filter, explode, concat, rename, index}`) is validated into a
 * `SpanQuery`, and `evaluateSpanQuery` turns the spans it matched into the dataframe Phoenix
 * would answer with. Filtering and the time window happen in the store; this file shapes rows.
 *
 * The rules, as Phoenix applies them:
 * - No select, explode or concat: the spans dataframe (see `spansDataframe`), whatever
 *   `index` and `rename` say.
 * - `select` names are un-aliased (`span_id` → `context.span_id`); a selected column with the
 *   index's name becomes the index, so `select: {span_id: {key: 'parent_id'}}` re-indexes rows
 *   by their parent.
 * - `explode` keeps only spans whose value at its key is an array, and gives one row per object
 *   in it, with its position (zero-based, counting every element) as a second index level named
 *   `document_position` for `retrieval.documents`, else `position`. `kwargs` pick values out of
 *   each object (`{reference: 'document.content'}`); without them every flattened key of the
 *   object is a column. A span whose array holds no object keeps one row of nulls.
 * - `concat` joins `str()` of values with `separator` (default two newlines), one column per
 *   kwarg (or one named after the key); on its own it also keeps only spans with the array.
 * - When two steps make the same column, the first non-null value wins (`_outer_join`).
 * - `rename` renames columns, never index levels.
 *
 * Where Heron differs, on purpose: an empty `separator` is honoured (Phoenix silently uses the
 * default), and a concat kwarg column exists even when no span had a value for it.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import { isAttributeObject } from '../spans/own-property.js';
import type { StoredSpan } from '../store/store.js';
import {
  makeColumn,
  type Cell,
  type ColumnKind,
  type DataColumn,
  type DataTable,
} from './data-table.js';
import {
  KEY_ALIASES,
  parseProjectionKey,
  projectSpan,
  ProjectionKeyError,
  unaliasKey,
  eventsOf,
  type Projection,
} from './projection-key.js';
import { pythonStr } from './python-str.js';
import { semanticConventionColumns } from './semantic-convention-columns.js';

/** Anything wrong with a serialized query; the API answers 422 with the message. */
/**
 * The most spans one query may ask for by default (`HERON_MAX_SPAN_QUERY_LIMIT`). Answers are
 * built in memory; this keeps one request from holding more than a few hundred MB.
 */
export const DEFAULT_MAX_SPAN_QUERY_LIMIT = 100_000;

export class SpanQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpanQueryError';
  }
}

export interface KeyedProjection {
  /** The key as written, un-aliased (it names columns, e.g. a concat without kwargs). */
  key: string;
  projection: Projection;
}

export interface SelectedColumn extends KeyedProjection {
  name: string;
}

export interface Explosion extends KeyedProjection {
  /** Output column → key inside each element (dotted, objects only). */
  kwargs: [string, string][];
  primaryIndexKey: string;
  positionName: string;
}

export interface Concatenation extends KeyedProjection {
  kwargs: [string, string][];
  separator: string;
}

export interface SpanQuery {
  select: SelectedColumn[];
  /** The span filter expression, or null. */
  filter: string | null;
  explode: Explosion | null;
  concat: Concatenation | null;
  rename: [string, string][];
  index: KeyedProjection;
}

export const DEFAULT_INDEX_KEY = 'context.span_id';
export const DEFAULT_CONCAT_SEPARATOR = '\n\n';
const RETRIEVAL_DOCUMENTS_KEYS: ReadonlySet<string> = new Set([
  'retrieval.documents',
  'attributes.retrieval.documents',
]);

/** Validates one element of the request's `queries`; `where` names it in error messages. */
export function parseSpanQuery(input: unknown, where = 'query'): SpanQuery {
  const query = objectOrEmpty(input, where);
  const select = Object.entries(objectOrEmpty(query.select, `${where}.select`)).map(
    ([name, value]): SelectedColumn => ({
      name: unaliasKey(name),
      ...keyed(value, `${where}.select.${name}`),
    }),
  );
  const filterObject = objectOrEmpty(query.filter, `${where}.filter`);
  const condition = optionalString(filterObject.condition, `${where}.filter.condition`);
  const indexObject = objectOrEmpty(query.index, `${where}.index`);
  const index = indexObject.key
    ? keyed(indexObject, `${where}.index`)
    : keyed({ key: DEFAULT_INDEX_KEY }, `${where}.index`);

  let explode: Explosion | null = null;
  const explodeObject = objectOrEmpty(query.explode, `${where}.explode`);
  if (explodeObject.key) {
    const target = keyed(explodeObject, `${where}.explode`);
    const primaryIndexKey = unaliasKey(
      optionalString(explodeObject.primary_index_key, `${where}.explode.primary_index_key`) ||
        index.key,
    );
    if (primaryIndexKey !== index.key && !select.some((s) => s.name === primaryIndexKey)) {
      throw new SpanQueryError(
        `${where}.explode.primary_index_key '${primaryIndexKey}' must be the query's index ` +
          `key '${index.key}' or a selected column`,
      );
    }
    explode = {
      ...target,
      kwargs: stringPairs(explodeObject.kwargs, `${where}.explode.kwargs`),
      primaryIndexKey,
      positionName: RETRIEVAL_DOCUMENTS_KEYS.has(target.key) ? 'document_position' : 'position',
    };
  }

  let concat: Concatenation | null = null;
  const concatObject = objectOrEmpty(query.concat, `${where}.concat`);
  if (concatObject.key) {
    const separator = optionalString(concatObject.separator, `${where}.concat.separator`);
    concat = {
      ...keyed(concatObject, `${where}.concat`),
      kwargs: stringPairs(concatObject.kwargs, `${where}.concat.kwargs`),
      separator: separator ?? DEFAULT_CONCAT_SEPARATOR,
    };
  }

  return {
    select,
    filter: condition ? condition : null,
    explode,
    concat,
    rename: stringPairs(query.rename, `${where}.rename`),
    index,
  };
}

function objectOrEmpty(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SpanQueryError(`${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new SpanQueryError(`${where} must be a string`);
  return value;
}

function stringPairs(value: unknown, where: string): [string, string][] {
  return Object.entries(objectOrEmpty(value, where)).map(([name, item]) => {
    if (typeof item !== 'string') throw new SpanQueryError(`${where}.${name} must be a string`);
    return [name, item];
  });
}

function keyed(value: unknown, where: string): KeyedProjection {
  const object = objectOrEmpty(value, where);
  const key = optionalString(object.key, `${where}.key`);
  if (!key) throw new SpanQueryError(`${where}.key: missing expression`);
  const unaliased = unaliasKey(key);
  try {
    return { key: unaliased, projection: parseProjectionKey(unaliased) };
  } catch (error) {
    if (error instanceof ProjectionKeyError)
      throw new SpanQueryError(`${where}.key: ${error.message}`);
    throw error;
  }
}

/** True when the query answers with the plain spans dataframe. */
export function isSpansDataframeQuery(query: SpanQuery): boolean {
  return query.select.length === 0 && !query.explode && !query.concat;
}

/**
 * The array a span must have to appear in the answer at all (Phoenix's `json_type(...) =
 * 'array'` condition), so the caller can count only such spans towards the limit; null when
 * every span counts.
 */
export function requiredArray(query: SpanQuery): Projection | null {
  return (query.explode ?? query.concat)?.projection ?? null;
}

export function spanHasArray(span: StoredSpan, projection: Projection): boolean {
  return Array.isArray(projectSpan(span, projection));
}

/** The dataframe the query answers with, from the spans it matched (in answer order). */
export function evaluateSpanQuery(query: SpanQuery, spans: readonly StoredSpan[]): DataTable {
  if (isSpansDataframeQuery(query)) return spansDataframe(spans);
  const frame = new Frame();
  const indexLabel = query.index.key;
  const indexSelected = query.select.some((column) => column.name === indexLabel);
  // Columns exist even when no span matches, as in Phoenix's empty frames.
  for (const column of query.select) frame.declare(column.name, kindOf(column.projection));
  if (!indexSelected) frame.declare(indexLabel, kindOf(query.index.projection));
  if (query.concat) for (const name of concatNames(query.concat)) frame.declare(name, 'string');
  for (const [name] of query.explode?.kwargs ?? []) frame.declare(name);
  const required = requiredArray(query);
  for (const span of spans) {
    if (required && !spanHasArray(span, required)) continue;
    const row = new Map<string, Cell>();
    for (const column of query.select) {
      merge(row, column.name, projectSpan(span, column.projection));
    }
    if (!indexSelected) merge(row, indexLabel, projectSpan(span, query.index.projection));
    if (query.concat) {
      for (const [name, value] of concatenated(query.concat, span)) merge(row, name, value);
    }
    if (!query.explode) {
      frame.rows.push(row);
      continue;
    }
    const records = explodedRecords(query.explode, span);
    for (const record of records) {
      const exploded = new Map(row);
      for (const [name, value] of record) {
        frame.declare(name);
        merge(exploded, name, value);
      }
      frame.rows.push(exploded);
    }
    if (records.length === 0) frame.rows.push(row);
  }
  const indexNames = query.explode
    ? [query.explode.primaryIndexKey, query.explode.positionName]
    : [indexLabel];
  const table = frame.toTable(indexNames);
  const renames = new Map(query.rename);
  for (const column of table.columns) {
    const unaliased = Object.hasOwn(KEY_ALIASES, column.name)
      ? KEY_ALIASES[column.name]!
      : column.name;
    column.name = renames.get(unaliased) ?? unaliased;
  }
  return table;
}

/** Rows being assembled, with their columns in first-appearance order. */
class Frame {
  readonly rows: Map<string, Cell>[] = [];
  private readonly kinds = new Map<string, ColumnKind | undefined>();

  /** Registers a column; a kind makes its dtype fixed instead of inferred. */
  declare(name: string, kind?: ColumnKind): void {
    if (!this.kinds.has(name)) this.kinds.set(name, kind);
  }

  toTable(indexNames: string[]): DataTable {
    for (const name of indexNames) this.declare(name);
    const columns = new Map<string, DataColumn>();
    for (const [name, kind] of this.kinds) {
      const values = this.rows.map((row) => row.get(name) ?? null);
      columns.set(name, makeColumn(name, values, kind));
    }
    const index = indexNames.map((name) => columns.get(name)!);
    for (const name of indexNames) columns.delete(name);
    return { index, columns: [...columns.values()] };
  }
}

/** Phoenix's `_outer_join` of two frames sharing a column: the first non-null value stays. */
function merge(row: Map<string, Cell>, name: string, value: Cell): void {
  const existing = row.get(name);
  if (existing === undefined || existing === null) row.set(name, value);
}

/** Built-ins have a fixed dtype (so an empty answer still has datetime columns). */
function kindOf(projection: Projection): ColumnKind | undefined {
  if (projection.kind === 'attribute') return undefined;
  switch (projection.name) {
    case 'latency_ms':
      return 'float64';
    case 'start_time':
    case 'end_time':
      return 'datetime';
    case 'events':
    case 'attributes':
      return 'object';
    default:
      return 'string';
  }
}

function explodedRecords(explosion: Explosion, span: StoredSpan): [string, Cell][][] {
  const array = projectSpan(span, explosion.projection);
  if (!Array.isArray(array)) return [];
  const records: [string, Cell][][] = [];
  array.forEach((element, position) => {
    if (!isAttributeObject(element)) return;
    if (explosion.kwargs.length > 0) {
      const record: [string, Cell][] = [[explosion.positionName, position]];
      for (const [name, key] of explosion.kwargs) {
        const value = valueAtDottedKey(element, key);
        if (value !== null) record.push([name, value]);
      }
      records.push(record);
    } else {
      const record: [string, Cell][] = [];
      flattenObject(element, '', record);
      record.push([explosion.positionName, position]);
      records.push(record);
    }
  });
  return records;
}

/** The columns a concat makes: one per kwarg, or one named after its key. */
function concatNames(concatenation: Concatenation): string[] {
  return concatenation.kwargs.length > 0
    ? concatenation.kwargs.map(([name]) => name)
    : [concatenation.key];
}

function concatenated(concatenation: Concatenation, span: StoredSpan): [string, Cell][] {
  const array = projectSpan(span, concatenation.projection);
  if (!Array.isArray(array)) return concatNames(concatenation).map((name) => [name, null]);
  if (concatenation.kwargs.length === 0) {
    return [[concatenation.key, array.map(pythonStr).join(concatenation.separator)]];
  }
  return concatenation.kwargs.map(([name, key]) => {
    const parts: string[] = [];
    for (const element of array) {
      if (!isAttributeObject(element)) continue;
      const value = valueAtDottedKey(element, key);
      if (value !== null) parts.push(pythonStr(value));
    }
    return [name, parts.length > 0 ? parts.join(concatenation.separator) : null];
  });
}

/** Phoenix's `get_attribute_value`: dict lookups along a dotted key, null on any miss. */
function valueAtDottedKey(object: { [key: string]: AttributeValue }, key: string): AttributeValue {
  let current: AttributeValue = object;
  for (const part of key.split('.')) {
    if (!isAttributeObject(current) || !Object.hasOwn(current, part)) return null;
    current = current[part]!;
  }
  return current ?? null;
}

/** Phoenix's plain `flatten(obj)`: nested objects become dotted keys, arrays stay whole. */
function flattenObject(
  object: { [key: string]: AttributeValue },
  prefix: string,
  out: [string, Cell][],
): void {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === null || value === undefined) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isAttributeObject(value)) flattenObject(value, path, out);
    else out.push([path, value]);
  }
}

/** The columns every spans dataframe has, before the `attributes.*` ones. */
const SPANS_DATAFRAME_COLUMNS: readonly [string, ColumnKind, (span: StoredSpan) => Cell][] = [
  ['name', 'string', (span) => span.name],
  ['span_kind', 'string', (span) => span.spanKind],
  ['parent_id', 'string', (span) => span.parentId],
  ['start_time', 'datetime', (span) => span.startTimeUnixNano],
  ['end_time', 'datetime', (span) => span.endTimeUnixNano],
  ['status_code', 'string', (span) => span.statusCode],
  ['status_message', 'string', (span) => span.statusMessage],
  ['events', 'object', (span) => eventsOf(span)],
  ['context.span_id', 'string', (span) => span.spanId],
  ['context.trace_id', 'string', (span) => span.traceId],
];

/**
 * Phoenix's `_get_spans_dataframe`: the span's fields, then one `attributes.<name>` column per
 * semantic-convention name or top-level custom key (first appearance first), indexed by
 * `context.span_id`, which stays a column too.
 */
export function spansDataframe(spans: readonly StoredSpan[]): DataTable {
  const columns = SPANS_DATAFRAME_COLUMNS.map(([name, kind, value]) =>
    makeColumn(name, spans.map(value), kind),
  );
  const attributeRows = spans.map((span) => semanticConventionColumns(span.attributes));
  const attributeKeys = new Set<string>();
  for (const row of attributeRows) for (const key of Object.keys(row)) attributeKeys.add(key);
  for (const key of attributeKeys) {
    const values = attributeRows.map((row) => (Object.hasOwn(row, key) ? row[key]! : null));
    columns.push(makeColumn(`attributes.${key}`, values));
  }
  const spanIds = columns.find((column) => column.name === 'context.span_id')!;
  return { index: [{ ...spanIds, values: [...spanIds.values] }], columns };
}
