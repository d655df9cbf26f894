/**
 * The rollup of a trace computed from all of its span rows, for traces whose spans all arrived
 * in one batch. It must agree exactly with the SQL recomputation in span-batch-writer.ts.
 */
import { SPAN_ROW_COLUMNS, type SpanRow } from './span-row.js';

/** Index of each column in a SpanRow ([projectName, ...SPAN_ROW_COLUMNS]). */
export const ROW = {
  projectName: 0,
  traceId: 1 + SPAN_ROW_COLUMNS.indexOf('trace_id'),
  spanId: 1 + SPAN_ROW_COLUMNS.indexOf('span_id'),
  parentId: 1 + SPAN_ROW_COLUMNS.indexOf('parent_id'),
  spanKind: 1 + SPAN_ROW_COLUMNS.indexOf('span_kind'),
  startTime: 1 + SPAN_ROW_COLUMNS.indexOf('start_time'),
  endTime: 1 + SPAN_ROW_COLUMNS.indexOf('end_time'),
  statusCode: 1 + SPAN_ROW_COLUMNS.indexOf('status_code'),
  sessionId: 1 + SPAN_ROW_COLUMNS.indexOf('session_id'),
  promptTokens: 1 + SPAN_ROW_COLUMNS.indexOf('prompt_tokens'),
  completionTokens: 1 + SPAN_ROW_COLUMNS.indexOf('completion_tokens'),
  totalTokens: 1 + SPAN_ROW_COLUMNS.indexOf('total_tokens'),
  cost: 1 + SPAN_ROW_COLUMNS.indexOf('cost'),
  costPrompt: 1 + SPAN_ROW_COLUMNS.indexOf('cost_prompt'),
  costCompletion: 1 + SPAN_ROW_COLUMNS.indexOf('cost_completion'),
} as const;

export interface TraceRollup {
  startTime: bigint;
  endTime: bigint;
  spanCount: number;
  errorCount: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Sums of the LLM spans' own costs; null while none of them has a price (as SQL's SUM). */
  cost: number | null;
  costPrompt: number | null;
  costCompletion: number | null;
  rootSpanId: string | null;
  sessionId: string | null;
}

/** Orders by (start time, span id), the tie-break the SQL uses. */
function earlier(a: SpanRow, b: SpanRow): boolean {
  const sa = a[ROW.startTime] as bigint;
  const sb = b[ROW.startTime] as bigint;
  return sa < sb || (sa === sb && (a[ROW.spanId] as string) < (b[ROW.spanId] as string));
}

export function computeTraceRollup(rows: SpanRow[]): TraceRollup {
  // A span sent twice in one batch is stored once, with its last version.
  const bySpanId = new Map<string, SpanRow>();
  for (const row of rows) bySpanId.set(row[ROW.spanId] as string, row);

  let startTime: bigint | null = null;
  let endTime: bigint | null = null;
  let errorCount = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let totalTokens = 0;
  let cost: number | null = null;
  let costPrompt: number | null = null;
  let costCompletion: number | null = null;
  let root: SpanRow | null = null;
  let rootHasParent = true;
  let session: SpanRow | null = null;
  for (const row of bySpanId.values()) {
    const start = row[ROW.startTime] as bigint;
    const end = row[ROW.endTime] as bigint;
    if (startTime === null || start < startTime) startTime = start;
    if (endTime === null || end > endTime) endTime = end;
    if (row[ROW.statusCode] === 'ERROR') errorCount++;
    // Only LLM spans count: wrapper spans often copy their children's token counts.
    if (row[ROW.spanKind] === 'LLM') {
      promptTokens += (row[ROW.promptTokens] as number | null) ?? 0;
      completionTokens += (row[ROW.completionTokens] as number | null) ?? 0;
      totalTokens += (row[ROW.totalTokens] as number | null) ?? 0;
      const spanCost = row[ROW.cost] as number | null;
      if (spanCost !== null) {
        cost = (cost ?? 0) + spanCost;
        costPrompt = (costPrompt ?? 0) + (row[ROW.costPrompt] as number);
        costCompletion = (costCompletion ?? 0) + (row[ROW.costCompletion] as number);
      }
    }
    // Root: a span without parent, else the earliest orphan (parent not in the trace).
    const parentId = row[ROW.parentId] as string | null;
    if (parentId === null || !bySpanId.has(parentId)) {
      const hasParent = parentId !== null;
      if (
        root === null ||
        (!hasParent && rootHasParent) ||
        (hasParent === rootHasParent && earlier(row, root))
      ) {
        root = row;
        rootHasParent = hasParent;
      }
    }
    if (row[ROW.sessionId] !== null && (session === null || earlier(row, session))) session = row;
  }
  return {
    startTime: startTime ?? 0n,
    endTime: endTime ?? 0n,
    spanCount: bySpanId.size,
    errorCount,
    promptTokens,
    completionTokens,
    totalTokens,
    cost,
    costPrompt,
    costCompletion,
    rootSpanId: root === null ? null : (root[ROW.spanId] as string),
    sessionId: session === null ? null : (session[ROW.sessionId] as string),
  };
}
