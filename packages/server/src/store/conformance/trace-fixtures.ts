/** Traces the conformance tests store, built from testing/span-record-fixture.ts. */
import assert from 'node:assert/strict';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { Store, StoredSpan } from '../store.js';

export const MS = 1_000_000n;

/**
 * A root CHAIN (in session `session-a` unless told otherwise), an LLM child with tokens and an
 * ERROR tool grandchild that copies the LLM's token counts (as wrappers do), spanning
 * [start, start + 130 ms) (start: BASE_TIME unless told otherwise).
 * Span ids are traceNo * 10 + 1, 2, 3.
 */
export function threeSpanTrace(
  traceNo: number,
  project: string,
  options: { start?: bigint; sessionId?: string } = {},
): SpanRecord[] {
  const traceId = traceIdOf(traceNo);
  const start = options.start ?? BASE_TIME;
  const sessionId = options.sessionId ?? 'session-a';
  return [
    spanRecord({
      projectName: project,
      traceId,
      spanId: spanIdOf(traceNo * 10 + 1),
      name: 'root',
      startTimeUnixNano: start,
      endTimeUnixNano: start + 100n * MS,
      sessionId,
    }),
    spanRecord({
      projectName: project,
      traceId,
      spanId: spanIdOf(traceNo * 10 + 2),
      parentId: spanIdOf(traceNo * 10 + 1),
      name: 'llm',
      spanKind: 'LLM',
      startTimeUnixNano: start + 10n * MS,
      endTimeUnixNano: start + 60n * MS,
      promptTokens: 150,
      completionTokens: 75,
      totalTokens: 225,
    }),
    spanRecord({
      projectName: project,
      traceId,
      spanId: spanIdOf(traceNo * 10 + 3),
      parentId: spanIdOf(traceNo * 10 + 2),
      name: 'tool',
      spanKind: 'TOOL',
      statusCode: 'ERROR',
      startTimeUnixNano: start + 20n * MS,
      endTimeUnixNano: start + 130n * MS,
      promptTokens: 150,
      completionTokens: 75,
      totalTokens: 225,
    }),
  ];
}

export interface TwoSpanTraceOptions {
  session?: string;
  input?: string;
  /** The root's latency (default 100 ms). */
  latencyMs?: number;
  /** Tokens of the LLM child (default 10 prompt + 5 completion). */
  promptTokens?: number;
  completionTokens?: number;
}

/**
 * A root (with `input.value`, in a session when given) starting at BASE_TIME + no seconds, and
 * an LLM child with tokens. Span ids are no * 10 + 1 and no * 10 + 2.
 */
export function twoSpanTrace(
  no: number,
  project: string,
  options: TwoSpanTraceOptions = {},
): SpanRecord[] {
  const start = BASE_TIME + BigInt(no) * 1000n * MS;
  const promptTokens = options.promptTokens ?? 10;
  const completionTokens = options.completionTokens ?? 5;
  return [
    spanRecord({
      projectName: project,
      traceId: traceIdOf(no),
      spanId: spanIdOf(no * 10 + 1),
      name: 'root',
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(options.latencyMs ?? 100) * MS,
      sessionId: options.session ?? null,
      attributes: { input: { value: options.input ?? `question ${no}` } },
    }),
    spanRecord({
      projectName: project,
      traceId: traceIdOf(no),
      spanId: spanIdOf(no * 10 + 2),
      parentId: spanIdOf(no * 10 + 1),
      name: 'llm',
      spanKind: 'LLM',
      startTimeUnixNano: start + MS,
      endTimeUnixNano: start + 2n * MS,
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
    }),
  ];
}

/** The rowid of a project that must exist. */
export async function projectIdOf(store: Store, name: string): Promise<number> {
  const project = await store.getProjectByName(name);
  assert.ok(project, `project ${name} exists`);
  return project.rowid;
}

/** The one stored span with this span id (the fixtures never reuse one unless a test says so). */
export async function spanBySpanId(store: Store, spanId: string): Promise<StoredSpan> {
  const spans = await store.findSpansBySpanId(spanId);
  assert.equal(spans.length, 1, `one span ${spanId}`);
  return spans[0]!;
}
