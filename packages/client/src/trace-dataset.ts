/**
 * `TraceDataset`: a set of spans (and evaluations of them) saved to and loaded from Parquet
 * files laid out as Phoenix's `TraceDataset.save` writes them (reference §8), so a dataset
 * saved here loads in pandas (`pd.read_parquet`) with Phoenix's spans-dataframe columns:
 *
 * - `trace_dataset-<id>.parquet`: one row per span — `name, span_kind, parent_id, start_time,
 *   end_time, status_code, status_message, events, context.span_id, context.trace_id` and one
 *   `attributes.<key>` column per attribute key; file key-value metadata `arize` =
 *   `{dataset_id, dataset_name, eval_ids}`.
 * - `evaluations-<eval_id>.parquet` per evaluation: index `context.span_id` (+
 *   `document_position`) or `context.trace_id`, columns `label, score, explanation`; metadata
 *   `arize` = `{eval_id, eval_name, eval_type}` and the `pandas` metadata that makes pandas
 *   restore the index.
 *
 * Times are stored as UTC nanosecond timestamps, so nothing is rounded. Span fields beyond
 * Phoenix's (Heron's `latency_ms`, `resource`, `links`…) go in `heron.<field>` JSON columns,
 * so `load` gives back exactly the spans that were saved.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { HeronSpan } from './api-types.js';
import { DocumentEvaluations, SpanEvaluations, TraceEvaluations } from './evaluations.js';
import {
  columnsFromValues,
  isoFromUnixNano,
  readableValue,
  unixNanoFromIso,
  writeParquetColumns,
  type ParquetColumn,
} from './trace-dataset-columns.js';

export type DatasetEvaluations = SpanEvaluations | TraceEvaluations | DocumentEvaluations;
type EvalType = 'SpanEvaluations' | 'TraceEvaluations' | 'DocumentEvaluations';

/** A span as the REST API gives it (`HeronSpan`); `id` and Heron's extra fields are optional. */
export interface DatasetSpan {
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  status_code: HeronSpan['status_code'];
  status_message: string;
  attributes: Record<string, unknown>;
  events: HeronSpan['events'];
  [key: string]: unknown;
}

const PHOENIX_FIELDS = new Set([
  'name',
  'context',
  'span_kind',
  'parent_id',
  'start_time',
  'end_time',
  'status_code',
  'status_message',
  'attributes',
  'events',
]);
const ATTRIBUTES = 'attributes.';
const HERON = 'heron.';

/** `$HERON_WORKING_DIR/trace_datasets`, else `~/.heron/trace_datasets`. */
export function defaultTraceDatasetDir(): string {
  const working = process.env['HERON_WORKING_DIR'];
  return join(working && working !== '' ? working : join(homedir(), '.heron'), 'trace_datasets');
}

export class TraceDataset {
  private constructor(
    readonly id: string,
    readonly name: string,
    readonly spans: readonly DatasetSpan[],
    readonly evaluations: readonly DatasetEvaluations[],
  ) {}

  static fromSpans(
    spans: Iterable<DatasetSpan>,
    options: { name?: string; evaluations?: DatasetEvaluations[] } = {},
  ): TraceDataset {
    const id = randomUUID();
    const list = [...spans];
    for (const [i, span] of list.entries()) {
      if (!span.context?.span_id || !span.context.trace_id) {
        throw new Error(`TraceDataset: span ${i} has no context.span_id / context.trace_id`);
      }
    }
    return new TraceDataset(
      id,
      options.name ?? `trace_dataset-${id}`,
      list,
      options.evaluations ?? [],
    );
  }

  /** A dataset with more evaluations attached (saved alongside). */
  withEvaluations(...evaluations: DatasetEvaluations[]): TraceDataset {
    return new TraceDataset(this.id, this.name, this.spans, [...this.evaluations, ...evaluations]);
  }

  /** Writes the dataset and its evaluations into `dir`; returns the spans file's path. */
  async save(dir: string = defaultTraceDatasetDir()): Promise<string> {
    await mkdir(dir, { recursive: true });
    const evalIds: string[] = [];
    for (const evaluations of this.evaluations) {
      const evalId = randomUUID();
      writeEvaluations(join(dir, `evaluations-${evalId}.parquet`), evalId, evaluations);
      evalIds.push(evalId);
    }
    const path = join(dir, `trace_dataset-${this.id}.parquet`);
    writeParquetColumns(path, spanColumns(this.spans), [
      {
        key: 'arize',
        value: JSON.stringify({ dataset_id: this.id, dataset_name: this.name, eval_ids: evalIds }),
      },
    ]);
    return path;
  }

  static async load(id: string, dir: string = defaultTraceDatasetDir()): Promise<TraceDataset> {
    const path = join(dir, `trace_dataset-${id}.parquet`);
    let file;
    try {
      file = await asyncBufferFromFile(path);
    } catch {
      throw new Error(`TraceDataset: no dataset ${id} in ${dir} (looked for ${path})`);
    }
    const metadata = await parquetMetadataAsync(file);
    const arize = arizeMetadata(metadata.key_value_metadata, path) as {
      dataset_name?: string;
      eval_ids?: string[];
    };
    const rows = await parquetReadObjects({ file, metadata, parsers: EXACT_TIMES });
    const evaluations: DatasetEvaluations[] = [];
    for (const evalId of arize.eval_ids ?? []) {
      evaluations.push(await readEvaluations(join(dir, `evaluations-${evalId}.parquet`)));
    }
    return new TraceDataset(
      id,
      arize.dataset_name ?? `trace_dataset-${id}`,
      rows.map(rowToSpan),
      evaluations,
    );
  }
}

const EXACT_TIMES = {
  timestampFromMilliseconds: (v: bigint) => v * 1_000_000n,
  timestampFromMicroseconds: (v: bigint) => v * 1_000n,
  timestampFromNanoseconds: (v: bigint) => v,
};

function arizeMetadata(kv: { key: string; value?: string }[] | undefined, path: string): object {
  const raw = kv?.find((entry) => entry.key === 'arize')?.value;
  if (raw === undefined) throw new Error(`TraceDataset: ${path} has no "arize" metadata`);
  return JSON.parse(raw) as object;
}

function spanNanos(span: DatasetSpan, which: 'start' | 'end'): bigint {
  const exact = span[`${which}_time_unix_nano`];
  if (typeof exact === 'string' && /^\d+$/.test(exact)) return BigInt(exact);
  const iso = unixNanoFromIso(String(span[`${which}_time`]));
  if (iso === null)
    throw new Error(`TraceDataset: ${which}_time "${span[`${which}_time`]}" is not ISO 8601`);
  return iso;
}

function spanColumns(spans: readonly DatasetSpan[]): ParquetColumn[] {
  const attributeKeys = new Set<string>();
  const extraKeys = new Set<string>();
  for (const span of spans) {
    for (const key of Object.keys(span.attributes ?? {})) attributeKeys.add(key);
    for (const key of Object.keys(span)) if (!PHOENIX_FIELDS.has(key)) extraKeys.add(key);
  }
  const fixed: ParquetColumn[] = [
    { name: 'name', type: 'STRING', data: spans.map((s) => s.name) },
    { name: 'span_kind', type: 'STRING', data: spans.map((s) => s.span_kind) },
    { name: 'parent_id', type: 'STRING', data: spans.map((s) => s.parent_id ?? null) },
    { name: 'start_time', type: 'TIMESTAMP_NANOS', data: spans.map((s) => spanNanos(s, 'start')) },
    { name: 'end_time', type: 'TIMESTAMP_NANOS', data: spans.map((s) => spanNanos(s, 'end')) },
    { name: 'status_code', type: 'STRING', data: spans.map((s) => s.status_code) },
    { name: 'status_message', type: 'STRING', data: spans.map((s) => s.status_message) },
    { name: 'events', type: 'JSON', data: spans.map((s) => s.events ?? []) },
    { name: 'context.span_id', type: 'STRING', data: spans.map((s) => s.context.span_id) },
    { name: 'context.trace_id', type: 'STRING', data: spans.map((s) => s.context.trace_id) },
  ];
  const attributes = [...attributeKeys].sort().map((key) =>
    columnsFromValues(
      ATTRIBUTES + key,
      spans.map((s) => s.attributes?.[key] ?? null),
    ),
  );
  // Heron's own fields: JSON, so every shape comes back exactly.
  const extras = [...extraKeys].sort().map((key): ParquetColumn => ({
    name: HERON + key,
    type: 'JSON',
    data: spans.map((s) => (key in s ? { v: s[key] } : null)),
  }));
  return [...fixed, ...attributes, ...extras];
}

function rowToSpan(row: Record<string, unknown>): DatasetSpan {
  const start = row['start_time'] as bigint;
  const end = row['end_time'] as bigint;
  const span: Record<string, unknown> = {
    name: row['name'],
    context: { trace_id: row['context.trace_id'], span_id: row['context.span_id'] },
    span_kind: row['span_kind'],
    parent_id: row['parent_id'] ?? null,
    start_time: isoFromUnixNano(start),
    end_time: isoFromUnixNano(end),
    status_code: row['status_code'],
    status_message: row['status_message'] ?? '',
    attributes: {},
    events: row['events'] ?? [],
  };
  const attributes = span['attributes'] as Record<string, unknown>;
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith(ATTRIBUTES)) {
      if (value !== null && value !== undefined) {
        attributes[column.slice(ATTRIBUTES.length)] = readableValue(value);
      }
    } else if (column.startsWith(HERON) && value !== null && value !== undefined) {
      span[column.slice(HERON.length)] = (value as { v: unknown }).v;
    }
  }
  return span as DatasetSpan;
}

function evalTypeOf(evaluations: DatasetEvaluations): EvalType {
  if (evaluations instanceof SpanEvaluations) return 'SpanEvaluations';
  if (evaluations instanceof TraceEvaluations) return 'TraceEvaluations';
  if (evaluations instanceof DocumentEvaluations) return 'DocumentEvaluations';
  throw new Error('TraceDataset: only span, trace and document evaluations can be saved');
}

function writeEvaluations(path: string, evalId: string, evaluations: DatasetEvaluations): void {
  const evalType = evalTypeOf(evaluations);
  const rows = evaluations.rows as unknown as readonly Record<string, unknown>[];
  const index: ParquetColumn[] =
    evalType === 'TraceEvaluations'
      ? [{ name: 'context.trace_id', type: 'STRING', data: rows.map((r) => r['traceId']) }]
      : [{ name: 'context.span_id', type: 'STRING', data: rows.map((r) => r['spanId']) }];
  if (evalType === 'DocumentEvaluations') {
    index.push({
      name: 'document_position',
      type: 'INT64',
      data: rows.map((r) => BigInt(r['documentPosition'] as number)),
    });
  }
  const columns: ParquetColumn[] = [
    { name: 'label', type: 'STRING', data: rows.map((r) => r['label'] ?? null) },
    { name: 'score', type: 'DOUBLE', data: rows.map((r) => r['score'] ?? null) },
    { name: 'explanation', type: 'STRING', data: rows.map((r) => r['explanation'] ?? null) },
  ];
  writeParquetColumns(
    path,
    [...columns, ...index],
    [
      {
        key: 'arize',
        value: JSON.stringify({
          eval_id: evalId,
          eval_name: evaluations.evalName,
          eval_type: evalType,
        }),
      },
      { key: 'pandas', value: JSON.stringify(pandasMetadata(columns, index)) },
    ],
  );
}

/** What pyarrow writes so pandas restores the index when it reads the file. */
function pandasMetadata(columns: ParquetColumn[], index: ParquetColumn[]) {
  const describe = (c: ParquetColumn) => ({
    name: c.name,
    field_name: c.name,
    pandas_type: c.type === 'STRING' ? 'unicode' : c.type === 'INT64' ? 'int64' : 'float64',
    numpy_type: c.type === 'STRING' ? 'object' : c.type === 'INT64' ? 'int64' : 'float64',
    metadata: null,
  });
  return {
    index_columns: index.map((c) => c.name),
    column_indexes: [],
    columns: [...columns, ...index].map(describe),
    creator: { library: 'heron' },
    pandas_version: '2.2.3',
  };
}

async function readEvaluations(path: string): Promise<DatasetEvaluations> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const arize = arizeMetadata(metadata.key_value_metadata, path) as {
    eval_name: string;
    eval_type: EvalType;
  };
  const rows = await parquetReadObjects({ file, metadata });
  const result = (r: Record<string, unknown>) => ({
    ...(r['label'] !== null && r['label'] !== undefined ? { label: r['label'] as string } : {}),
    ...(r['score'] !== null && r['score'] !== undefined ? { score: r['score'] as number } : {}),
    ...(r['explanation'] !== null && r['explanation'] !== undefined
      ? { explanation: r['explanation'] as string }
      : {}),
  });
  switch (arize.eval_type) {
    case 'TraceEvaluations':
      return new TraceEvaluations(
        arize.eval_name,
        rows.map((r) => ({ traceId: r['context.trace_id'] as string, ...result(r) })),
      );
    case 'DocumentEvaluations':
      return new DocumentEvaluations(
        arize.eval_name,
        rows.map((r) => ({
          spanId: r['context.span_id'] as string,
          documentPosition: Number(r['document_position']),
          ...result(r),
        })),
      );
    default:
      return new SpanEvaluations(
        arize.eval_name,
        rows.map((r) => ({ spanId: r['context.span_id'] as string, ...result(r) })),
      );
  }
}
