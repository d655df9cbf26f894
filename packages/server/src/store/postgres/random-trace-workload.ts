/**
 * For tests: reproducible random traces (seeded) with the shapes that make rollups hard —
 * nested spans, LLM spans with tokens and wrappers copying them, errors, orphans, several roots,
 * equal start times, sessions shared by many traces and traces whose spans name different
 * sessions — and helpers to deliver them out of order in random batches.
 */
import type { SpanRecord } from '../../spans/span-record.js';
import { BASE_TIME, spanRecord } from '../../testing/span-record-fixture.js';

const MS = 1_000_000n;

/** mulberry32: a small seeded generator; the same seed gives the same workload. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorkloadOptions {
  seed: number;
  traces: number;
  /** Prefix of every trace id (hex), so workloads in one database never share traces. */
  tracePrefix: string;
  projects: string[];
  /** Session ids drawn per project (several traces share each). */
  sessionsPerProject: number;
  maxSpansPerTrace: number;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function randomTraces(options: WorkloadOptions): SpanRecord[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const spans: SpanRecord[] = [];
  for (let t = 0; t < options.traces; t++) {
    const id = options.tracePrefix + hex(t, 32 - options.tracePrefix.length);
    const project = pick(options.projects);
    const count = 1 + Math.floor(random() * options.maxSpansPerTrace);
    const traceStart = BASE_TIME + BigInt(Math.floor(random() * 1_000_000)) * MS;
    const ids: string[] = [];
    for (let s = 0; s < count; s++) {
      const spanId = hex(t * 1000 + s + 1, 16);
      // Mostly a tree under the first span; sometimes a second root or a missing parent.
      const shape = random();
      const parentId =
        s === 0
          ? random() < 0.15
            ? hex(0xdead0000 + t, 16) // orphan: its parent never arrives
            : null
          : shape < 0.08
            ? null
            : shape < 0.15
              ? hex(0xbeef0000 + t * 10 + s, 16)
              : pick(ids);
      // Coarse start times, so equal starts (ties broken by span id) happen.
      const start = traceStart + BigInt(Math.floor(random() * 6)) * 10n * MS;
      const end = start + BigInt(1 + Math.floor(random() * 200)) * MS;
      const kind = random() < 0.35 ? 'LLM' : pick(['CHAIN', 'TOOL', 'RETRIEVER'] as const);
      const tokens = kind === 'LLM' || random() < 0.2;
      const prompt = Math.floor(random() * 500);
      const completion = Math.floor(random() * 300);
      const session =
        random() < 0.55
          ? `session-${project}-${Math.floor(random() * options.sessionsPerProject)}`
          : null;
      spans.push(
        spanRecord({
          projectName: project,
          traceId: id,
          spanId,
          parentId,
          name: `span-${s}`,
          spanKind: kind,
          statusCode: random() < 0.15 ? 'ERROR' : 'OK',
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          sessionId: session,
          promptTokens: tokens ? prompt : null,
          completionTokens: tokens ? completion : null,
          totalTokens: tokens ? prompt + completion : null,
          attributes: { input: { value: `question ${t}.${s}` }, n: s },
        }),
      );
      ids.push(spanId);
    }
  }
  return spans;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Consecutive batches of 1..maxSize items. */
export function randomBatches<T>(items: T[], maxSize: number, random: () => number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length;) {
    const size = 1 + Math.floor(random() * maxSize);
    batches.push(items.slice(i, i + size));
    i += size;
  }
  return batches;
}
