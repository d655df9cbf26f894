/**
 * The Parquet layout of exported spans: the columns of Phoenix's spans dataframe (reference §8)
 * — `name, span_kind, parent_id, start_time, end_time, status_code, status_message, events,
 * context.span_id, context.trace_id` — and one `attributes.<key>` column per flattened
 * attribute key. Times are UTC nanosecond timestamps (pandas: datetime64[ns, UTC]), so nothing
 * is rounded. An attribute column is typed by the values it holds (all strings → string, all
 * integers → int64, numbers → double, all booleans → bool); a column holding arrays or mixed
 * kinds is JSON text, as are `events`.
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
    for (const [key, value] of Object.entries(flattenAttributes(span.attributes))) {
      if (value === null) continue;
      let kinds = this.kinds.get(key);
      if (!kinds) this.kinds.set(key, (kinds = new Set()));
      kinds.add(valueKind(value));
    }
  }

  /** Columns in a stable order: the fixed ones, then attribute keys sorted. */
  columns(): [string, ParquetColumnKind][] {
    const attributes = [...this.kinds.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, kinds]): [string, ParquetColumnKind] => [
        ATTRIBUTE_COLUMN_PREFIX + key,
        columnKind(kinds),
      ]);
    return [...FIXED_COLUMNS, ...attributes];
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

type ColumnValue = string | number | bigint | boolean | null | AttributeValue;

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
    for (const [key, value] of Object.entries(flattenAttributes(span.attributes))) {
      const name = ATTRIBUTE_COLUMN_PREFIX + key;
      const column = index.get(name);
      if (column === undefined || value === null) continue;
      data[column]![row] = columns[column]![1] === 'int64' ? BigInt(value as number) : value;
    }
  });
  return columns.map(([name], i) => ({ name, data: data[i]! }));
}
