/**
 * The wire format of Phoenix ≤13's evaluations (reference §3.6, §7): an Arrow IPC stream of the
 * evaluation dataframe, its schema metadata key `arize` = `{eval_id, eval_name, eval_type}`.
 * The dataframe's index names the targets: `context.span_id`/`span_id` (SpanEvaluations),
 * `context.trace_id`/`trace_id` (TraceEvaluations), span id plus
 * `document_position`/`position` (DocumentEvaluations); its columns are `score`, `label` and
 * `explanation` (any of them). Decoding reads those; encoding writes what
 * `Evaluations.from_pyarrow_reader` turns back into the same dataframe (pandas metadata with
 * the index, as pandas-arrow.ts writes it).
 */
import { randomUUID } from 'node:crypto';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import type { DataColumn } from '../query/data-table.js';
import { ApiError } from './api-error.js';
import { encodePandasArrow } from './pandas-arrow.js';

export const LEGACY_EVAL_TYPES = [
  'SpanEvaluations',
  'TraceEvaluations',
  'DocumentEvaluations',
] as const;
export type LegacyEvalType = (typeof LEGACY_EVAL_TYPES)[number];

export interface LegacyEvaluationRow {
  /** span_id (span, document evaluations) or trace_id (trace evaluations). */
  targetId: string;
  documentPosition?: number;
  score: number | null;
  label: string | null;
  explanation: string | null;
}

export interface LegacyEvaluations {
  evalName: string;
  evalType: LegacyEvalType;
  rows: LegacyEvaluationRow[];
}

const ID_COLUMNS: Record<LegacyEvalType, string[]> = {
  SpanEvaluations: ['context.span_id', 'span_id'],
  DocumentEvaluations: ['context.span_id', 'span_id'],
  TraceEvaluations: ['context.trace_id', 'trace_id'],
};
const POSITION_COLUMNS = ['document_position', 'position'];

function column(table: Table, names: string[]) {
  for (const name of names) {
    const vector = table.getChild(name);
    if (vector) return vector;
  }
  return null;
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function number(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'bigint' ? Number(value) : Number(value);
  // pandas writes a missing score as NaN.
  return Number.isFinite(n) ? n : null;
}

export function decodeLegacyEvaluations(body: Uint8Array): LegacyEvaluations {
  let table: Table;
  try {
    table = tableFromIPC(body);
  } catch (error) {
    throw new ApiError(422, `The body is not an Arrow IPC stream: ${(error as Error).message}`);
  }
  const raw = table.schema.metadata.get('arize');
  if (raw === undefined) {
    throw new ApiError(422, 'The Arrow schema has no "arize" metadata naming the evaluation');
  }
  let meta: { eval_name?: unknown; eval_type?: unknown };
  try {
    meta = JSON.parse(raw) as typeof meta;
  } catch {
    throw new ApiError(422, 'The "arize" schema metadata is not JSON');
  }
  const evalName = typeof meta.eval_name === 'string' ? meta.eval_name.trim() : '';
  if (evalName === '') throw new ApiError(422, 'eval_name must be a non-empty string');
  const evalType = meta.eval_type as LegacyEvalType;
  if (!LEGACY_EVAL_TYPES.includes(evalType)) {
    throw new ApiError(422, `eval_type must be one of ${LEGACY_EVAL_TYPES.join(', ')}`);
  }
  const ids = column(table, ID_COLUMNS[evalType]);
  if (!ids) {
    throw new ApiError(
      422,
      `${evalType} need an index or column named ${ID_COLUMNS[evalType].join(' or ')}`,
    );
  }
  const positions = evalType === 'DocumentEvaluations' ? column(table, POSITION_COLUMNS) : null;
  if (evalType === 'DocumentEvaluations' && !positions) {
    throw new ApiError(
      422,
      `DocumentEvaluations need a column named ${POSITION_COLUMNS.join(' or ')}`,
    );
  }
  const scores = table.getChild('score');
  const labels = table.getChild('label');
  const explanations = table.getChild('explanation');
  const rows: LegacyEvaluationRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const targetId = text(ids.get(i));
    if (targetId === null || targetId === '') continue;
    const row: LegacyEvaluationRow = {
      targetId: targetId.toLowerCase(),
      score: number(scores?.get(i)),
      label: text(labels?.get(i)),
      explanation: text(explanations?.get(i)),
    };
    if (positions) {
      const position = number(positions.get(i));
      if (position === null || !Number.isInteger(position) || position < 0) {
        throw new ApiError(422, `Row ${i + 1}: document_position must be a non-negative integer`);
      }
      row.documentPosition = position;
    }
    rows.push(row);
  }
  return { evalName, evalType, rows };
}

/** One evaluation (name and type) as the Arrow IPC stream Phoenix's GET answered with. */
export function encodeLegacyEvaluations(evaluations: LegacyEvaluations): Uint8Array {
  const { rows, evalType } = evaluations;
  const index: DataColumn[] = [
    {
      name: evalType === 'TraceEvaluations' ? 'context.trace_id' : 'context.span_id',
      kind: 'string',
      values: rows.map((r) => r.targetId),
    },
  ];
  if (evalType === 'DocumentEvaluations') {
    index.push({
      name: 'document_position',
      kind: 'int64',
      values: rows.map((r) => r.documentPosition ?? 0),
    });
  }
  const columns: DataColumn[] = [
    { name: 'label', kind: 'string', values: rows.map((r) => r.label) },
    { name: 'score', kind: 'float64', values: rows.map((r) => r.score) },
    { name: 'explanation', kind: 'string', values: rows.map((r) => r.explanation) },
  ];
  const table = tableFromIPC(encodePandasArrow({ index, columns }));
  table.schema.metadata.set(
    'arize',
    JSON.stringify({ eval_id: randomUUID(), eval_name: evaluations.evalName, eval_type: evalType }),
  );
  return tableToIPC(table, 'stream');
}
