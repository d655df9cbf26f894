/**
 * The Parquet layout of exported spans: the columns of Phoenix's spans dataframe (reference §8)
 * — `name, span_kind, parent_id, start_time, end_time, status_code, status_message, events,
 * context.span_id, context.trace_id` — and one `attributes.<key>` column per flattened
 * attribute key. Times are UTC nanosecond timestamps (pandas: datetime64[ns, UTC]), so nothing
 * is rounded. An attribute column is typed by the values it holds (all strings → string, all
 * integers → int64, numbers → double, all booleans → bool); a column holding arrays or mixed
 * kinds is JSON text, as are `events`.
 *
 * What Phoenix's dataframe has no column for — OTel span kind, trace state, links, resource
 * and instrumentation scope — follows in `heron.<field>` JSON columns, laid out as
 * `TraceDataset.save` (@heron/client) writes them: `{"v": <the field as the REST span JSON
 * has it>}`. pandas reads them as text columns beside Phoenix's, and `heron import` restores
 * them, so a Parquet export imports back to the same spans as a jsonl one.
 *
 * The columns must be known before the first row group is written, so an export reads the
 * spans twice: once for the attribute keys and their kinds, once to write.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import { flattenAttributes } from '../spans/unflatten.js';
import type { StoredSpan } from '../store/store.js';
import { isoFromUnixNano } from '../api/timestamps.js';

export type ParquetColumnKind = 'string' | 'int64' | 'double' | 'bool' | 'json' | 'timestamp';

export interface ParquetSchemaElement {
  name: string;
  type?: 'BYTE_ARRAY' | 'INT64' | 'DOUBLE' | 'BOOLEAN';
  converted_type?: 'UTF8' | 'JSON';
  logical_type?: { type: 'TIMESTAMP'; isAdjustedToUTC: boolean; unit: 'NANOS' };
  repetition_type?: 'OPTIONAL';
  num_children?: number;
}

const FIXED_COLUMNS: [string, ParquetColumnKind][] = [
  ['name', 'string'],
  ['span_kind', 'string'],
  ['parent_id', 'string'],
  ['start_time', 'timestamp'],
  ['end_time', 'timestamp'],
  ['status_code', 'string'],
  ['status_message', 'string'],
  ['events', 'json'],
  ['context.span_id', 'string'],
  ['context.trace_id', 'string'],
];

export const ATTRIBUTE_COLUMN_PREFIX = 'attributes.';
export const HERON_COLUMN_PREFIX = 'heron.';

/** The span fields kept in `heron.<field>` columns, each as the REST span JSON has it. */
const HERON_FIELDS: [string, (span: StoredSpan) => unknown][] = [
  ['links', (span) => span.links.map(linkJson)],
  ['otel_kind', (span) => span.otelKind],
  ['resource', (span) => ({ attributes: span.resourceAttributes })],
  ['scope', (span) => ({ name: span.scopeName, version: span.scopeVersion })],
  ['trace_state', (span) => span.traceState],
];

/** The span's flattened attributes that have a value, in their stored order. */
function attributeEntries(span: StoredSpan): [string, AttributeValue][] {
  return Object.entries(flattenAttributes(span.attributes)).filter(
    (entry): entry is [string, AttributeValue] => entry[1] !== null,
  );
}

function linkJson(link: StoredSpan['links'][number]) {
  return {
    trace_id: link.traceId,
    span_id: link.spanId,
    trace_state: link.traceState,
    attributes: link.attributes,
  };
}

/**
 * `heron.attribute_keys` holds the span's attribute keys in their stored order, which the
 * attribute columns (sorted, shared by all spans) cannot keep: an import stores the attributes
 * in the same order, so every export of them is byte-identical.
 */
export const ATTRIBUTE_KEYS_FIELD = 'attribute_keys';

const HERON_COLUMNS = [ATTRIBUTE_KEYS_FIELD, ...HERON_FIELDS.map(([field]) => field)].map(
  (field): [string, ParquetColumnKind] => [HERON_COLUMN_PREFIX + field, 'json'],
);

type ValueKind = 'string' | 'int' | 'double' | 'bool' | 'other';

function valueKind(value: AttributeValue): ValueKind {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  return 'other';
}

/** Attribute keys seen so far, each with the kinds of value it held. */
export class AttributeColumnSurvey {
  private readonly kinds = new Map<string, Set<ValueKind>>();

  add(span: StoredSpan): void {
    for (const [key, value] of attributeEntries(span)) {
      let kinds = this.kinds.get(key);
      if (!kinds) this.kinds.set(key, (kinds = new Set()));
      kinds.add(valueKind(value));
    }
  }

  /** Columns in a stable order: Phoenix's fixed ones, attribute keys sorted, Heron's fields. */
  columns(): [string, ParquetColumnKind][] {
    const attributes = [...this.kinds.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, kinds]): [string, ParquetColumnKind] => [
        ATTRIBUTE_COLUMN_PREFIX + key,
        columnKind(kinds),
      ]);
    return [...FIXED_COLUMNS, ...attributes, ...HERON_COLUMNS];
  }
}

function columnKind(kinds: Set<ValueKind>): ParquetColumnKind {
  if (kinds.size === 1) {
    const [only] = kinds;
    if (only === 'string') return 'string';
    if (only === 'int') return 'int64';
    if (only === 'double') return 'double';
    if (only === 'bool') return 'bool';
  }
  if (kinds.size === 2 && kinds.has('int') && kinds.has('double')) return 'double';
  return 'json';
}

export function parquetSchema(columns: [string, ParquetColumnKind][]): ParquetSchemaElement[] {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map(([name, kind]): ParquetSchemaElement => {
      const optional = { name, repetition_type: 'OPTIONAL' as const };
      switch (kind) {
        case 'string':
          return { ...optional, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
        case 'json':
          return { ...optional, type: 'BYTE_ARRAY', converted_type: 'JSON' };
        case 'int64':
          return { ...optional, type: 'INT64' };
        case 'double':
          return { ...optional, type: 'DOUBLE' };
        case 'bool':
          return { ...optional, type: 'BOOLEAN' };
        case 'timestamp':
          return {
            ...optional,
            type: 'INT64',
            logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' },
          };
      }
    }),
  ];
}

type ColumnValue = string | number | bigint | boolean | null | AttributeValue | { v: unknown };

/** One page of spans as column arrays in the order of `columns`. */
export function spanColumnData(
  spans: StoredSpan[],
  columns: [string, ParquetColumnKind][],
): { name: string; data: ColumnValue[] }[] {
  const data = columns.map((): ColumnValue[] => new Array<ColumnValue>(spans.length).fill(null));
  const index = new Map(columns.map(([name], i) => [name, i]));
  spans.forEach((span, row) => {
    const set = (name: string, value: ColumnValue) => {
      const column = index.get(name);
      if (column !== undefined) data[column]![row] = value;
    };
    set('name', span.name);
    set('span_kind', span.spanKind);
    set('parent_id', span.parentId);
    set('start_time', span.startTimeUnixNano);
    set('end_time', span.endTimeUnixNano);
    set('status_code', span.statusCode);
    set('status_message', span.statusMessage);
    set(
      'events',
      span.events.map((event) => ({
        name: event.name,
        timestamp: isoFromUnixNano(BigInt(event.timeUnixNano)),
        attributes: event.attributes,
      })),
    );
    set('context.span_id', span.spanId);
    set('context.trace_id', span.traceId);
    for (const [field, value] of HERON_FIELDS) set(HERON_COLUMN_PREFIX + field, { v: value(span) });
    const attributes = attributeEntries(span);
    set(HERON_COLUMN_PREFIX + ATTRIBUTE_KEYS_FIELD, { v: attributes.map(([key]) => key) });
    for (const [key, value] of attributes) {
      const name = ATTRIBUTE_COLUMN_PREFIX + key;
      const column = index.get(name);
      if (column === undefined) continue;
      data[column]![row] = columns[column]![1] === 'int64' ? BigInt(value as number) : value;
    }
  });
  return columns.map(([name], i) => ({ name, data: data[i]! }));
}
