/**
 * Reads a spans Parquet file (Heron's export, a Phoenix TraceDataset, a dataframe saved with
 * `df.to_parquet`) one row group at a time and turns each row back into an OTLP span: the
 * Phoenix columns (reference §8) and every `attributes.<key>` column. A column value that is an
 * object (Phoenix keeps `attributes.llm.input_messages`-style columns as lists of dicts) is
 * flattened back to dotted keys. Heron's own `heron.<field>` columns (parquet-span-columns.ts;
 * also in a `TraceDataset` saved by @heron/client) bring back the OTel span kind, trace state,
 * links, resource and scope; a file without them (Phoenix's) imports with none.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AttributeValue, OtlpKeyValue, OtlpSpan } from '../otlp/otlp-types.js';
import { unixNanoFromIso } from '../api/timestamps.js';
import { ImportLineError, type ImportedSpan } from './heron-span-json-to-otlp.js';
import {
  ATTRIBUTE_COLUMN_PREFIX,
  ATTRIBUTE_KEYS_FIELD,
  HERON_COLUMN_PREFIX,
} from './parquet-span-columns.js';

const STATUS_NUMBERS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

/** Every timestamp as integer nanoseconds, whatever unit the file stored. */
const EXACT_TIME_PARSERS = {
  timestampFromMilliseconds: (v: bigint) => v * 1_000_000n,
  timestampFromMicroseconds: (v: bigint) => v * 1_000n,
  timestampFromNanoseconds: (v: bigint) => v,
};

export interface ParquetSpanFile {
  rowCount: number;
  rowGroups(): AsyncGenerator<ImportedSpan[]>;
}

export async function openParquetSpanFile(path: string): Promise<ParquetSpanFile> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  return {
    rowCount: Number(metadata.num_rows),
    async *rowGroups() {
      let rowStart = 0;
      for (const group of metadata.row_groups) {
        const rowEnd = rowStart + Number(group.num_rows);
        const rows = await parquetReadObjects({
          file,
          metadata,
          rowStart,
          rowEnd,
          parsers: EXACT_TIME_PARSERS,
        });
        rowStart = rowEnd;
        yield rows.map((row, i) => parquetRowToOtlp(row, rowStart - rows.length + i));
      }
    },
  };
}

function nanos(value: unknown, column: string, row: number): bigint {
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) return BigInt(value.getTime()) * 1_000_000n;
  const parsed = typeof value === 'string' ? unixNanoFromIso(value) : null;
  if (parsed === null) throw new ImportLineError(`row ${row + 1}: ${column} is not a timestamp`);
  return parsed;
}

function flattenInto(value: unknown, key: string, out: OtlpKeyValue[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'bigint') {
    out.push({ key, value: Number(value) });
  } else if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
    value.forEach((element, i) => flattenInto(element, `${key}.${i}`, out));
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [child, v] of Object.entries(value)) flattenInto(v, `${key}.${child}`, out);
  } else {
    out.push({ key, value: value as AttributeValue });
  }
}

function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

/** The value of a `heron.<field>` column (`{"v": …}`), or undefined when the row has none. */
function heronField(row: Json, field: string): unknown {
  const cell = parsedJson(row[HERON_COLUMN_PREFIX + field]);
  return cell === null || cell === undefined ? undefined : object(cell)['v'];
}

function keyValues(value: unknown): OtlpKeyValue[] {
  return Object.entries(object(value)).map(([key, v]) => ({ key, value: v as AttributeValue }));
}

/**
 * Puts `attributes` (read in column order) in the order the exporting store held them, when the
 * file says (`heron.attribute_keys`); keys it does not list keep their place after the listed.
 */
function inStoredOrder(attributes: OtlpKeyValue[], keys: unknown): void {
  if (!Array.isArray(keys)) return;
  const position = new Map(keys.map((key, i) => [String(key), i]));
  const rank = (key: string) => position.get(key) ?? keys.length;
  attributes.sort((a, b) => rank(a.key) - rank(b.key));
}

export function parquetRowToOtlp(row: Record<string, unknown>, index: number): ImportedSpan {
  const attributes: OtlpKeyValue[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith(ATTRIBUTE_COLUMN_PREFIX)) {
      flattenInto(value, column.slice(ATTRIBUTE_COLUMN_PREFIX.length), attributes);
    }
  }
  inStoredOrder(attributes, heronField(row, ATTRIBUTE_KEYS_FIELD));
  const spanKind = typeof row['span_kind'] === 'string' ? row['span_kind'] : '';
  if (
    spanKind &&
    spanKind !== 'UNKNOWN' &&
    !attributes.some((a) => a.key === 'openinference.span.kind')
  ) {
    attributes.push({ key: 'openinference.span.kind', value: spanKind });
  }
  const rawEvents = parsedJson(row['events']);
  const events = Array.isArray(rawEvents) ? (rawEvents as Record<string, unknown>[]) : [];
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const otelKind = heronField(row, 'otel_kind');
  const links = heronField(row, 'links');
  const scope = object(heronField(row, 'scope'));
  const span: OtlpSpan = {
    traceId: text(row['context.trace_id']),
    spanId: text(row['context.span_id']),
    parentSpanId: text(row['parent_id']),
    traceState: text(heronField(row, 'trace_state')),
    name: text(row['name']),
    kind: typeof otelKind === 'number' ? otelKind : 1,
    startTimeUnixNano: nanos(row['start_time'], 'start_time', index),
    endTimeUnixNano: nanos(row['end_time'], 'end_time', index),
    attributes,
    droppedAttributesCount: 0,
    events: events.map((event) => {
      const eventAttributes: OtlpKeyValue[] = [];
      const raw = event['attributes'];
      if (raw && typeof raw === 'object') {
        for (const [key, v] of Object.entries(raw))
          eventAttributes.push({ key, value: v as AttributeValue });
      }
      return {
        name: text(event['name']),
        timeUnixNano: nanos(event['timestamp'], 'events[].timestamp', index),
        attributes: eventAttributes,
        droppedAttributesCount: 0,
      };
    }),
    droppedEventsCount: 0,
    links: (Array.isArray(links) ? links : []).map((raw) => {
      const link = object(raw);
      return {
        traceId: text(link['trace_id']),
        spanId: text(link['span_id']),
        traceState: text(link['trace_state']),
        attributes: keyValues(link['attributes']),
        droppedAttributesCount: 0,
        flags: 0,
      };
    }),
    droppedLinksCount: 0,
    status: {
      code: STATUS_NUMBERS[text(row['status_code']).toUpperCase()] ?? 0,
      message: text(row['status_message']),
    },
    flags: 0,
  };
  return {
    span,
    resourceAttributes: keyValues(object(heronField(row, 'resource'))['attributes']),
    scopeName: text(scope['name']),
    scopeVersion: text(scope['version']),
  };
}
