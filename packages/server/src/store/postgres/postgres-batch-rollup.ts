/**
 * The rollup of a trace from its spans in one batch, for the PostgreSQL writer's new traces: a
 * trace the batch creates has no other stored spans (another writer adding spans to it would be
 * waiting for its row), so its rollup is known before anything is written and its row is
 * inserted final — no recomputation from the stored rows, no second row version.
 *
 * The same definitions and tie-breaks as sqlite/trace-rollup.ts and the SQL recomputation in
 * postgres-trace-rollup.ts (the writer tests compare all three on random workloads).
 */
import type { SpanRecord } from '../../spans/span-record.js';
import type { TraceRollup } from '../sqlite/trace-rollup.js';

/** Token counts as the row stores them: safe integers, anything else NULL (counted as 0). */
function tokens(value: number | null): number {
  return value !== null && Number.isSafeInteger(value) ? value : 0;
}

/** Orders by (start time, span id), the tie-break the SQL uses (ids are lower-case hex). */
function earlier(a: SpanRecord, b: SpanRecord): boolean {
  return (
    a.startTimeUnixNano < b.startTimeUnixNano ||
    (a.startTimeUnixNano === b.startTimeUnixNano && a.spanId < b.spanId)
  );
}

/** `spans`: one trace's spans, one per span id (the batch's last version of each). */
export function batchTraceRollup(spans: readonly SpanRecord[]): TraceRollup {
  const spanIds = new Set(spans.map((span) => span.spanId));
  let startTime: bigint | null = null;
  let endTime: bigint | null = null;
  let errorCount = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let totalTokens = 0;
  let cost: number | null = null;
  let costPrompt: number | null = null;
  let costCompletion: number | null = null;
  let root: SpanRecord | null = null;
  let rootHasParent = true;
  let session: SpanRecord | null = null;
  for (const span of spans) {
    if (startTime === null || span.startTimeUnixNano < startTime)
      startTime = span.startTimeUnixNano;
    if (endTime === null || span.endTimeUnixNano > endTime) endTime = span.endTimeUnixNano;
    if (span.statusCode === 'ERROR') errorCount++;
    // Only LLM spans count: wrapper spans often copy their children's token counts.
    if (span.spanKind === 'LLM') {
      promptTokens += tokens(span.promptTokens);
      completionTokens += tokens(span.completionTokens);
      totalTokens += tokens(span.totalTokens);
      if (span.cost !== undefined) {
        cost = (cost ?? 0) + span.cost.total;
        costPrompt = (costPrompt ?? 0) + span.cost.prompt;
        costCompletion = (costCompletion ?? 0) + span.cost.completion;
      }
    }
    // Root: a span without parent, else the earliest orphan (parent not in the trace).
    if (span.parentId === null || !spanIds.has(span.parentId)) {
      const hasParent = span.parentId !== null;
      if (
        root === null ||
        (!hasParent && rootHasParent) ||
        (hasParent === rootHasParent && earlier(span, root))
      ) {
        root = span;
        rootHasParent = hasParent;
      }
    }
    if (span.sessionId !== null && (session === null || earlier(span, session))) session = span;
  }
  return {
    startTime: startTime ?? 0n,
    endTime: endTime ?? 0n,
    spanCount: spans.length,
    errorCount,
    promptTokens,
    completionTokens,
    totalTokens,
    cost,
    costPrompt,
    costCompletion,
    rootSpanId: root?.spanId ?? null,
    sessionId: session?.sessionId ?? null,
  };
}
