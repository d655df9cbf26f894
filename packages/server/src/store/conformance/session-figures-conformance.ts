/**
 * The figures a session row carries for the sessions table and the session page: cost (sum
 * of its traces' costs, null when none is priced), the median trace latency, the first
 * input and last output previews and the user — computed by the store over ALL the session's
 * traces, the same on every backend.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { SessionRow, Store } from '../store.js';
import { storePerBlock, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf } from './trace-fixtures.js';

/** 2025-12-01: after the built-in gpt-4o-mini price took effect. */
const T0 = BigInt(Date.parse('2025-12-01T00:00:00Z')) * 1_000_000n;

interface TurnSpec {
  traceNo: number;
  session: string;
  latencyMs: number;
  input: string | null;
  output: string | null;
  user?: string;
  /** Adds a priced LLM child (gpt-4o-mini, 1000 + 500 tokens). */
  priced?: boolean;
}

/** A CHAIN root with the turn's previews, and an LLM child when priced. */
function turn(spec: TurnSpec): SpanRecord[] {
  const start = T0 + BigInt(spec.traceNo) * 60_000n * MS;
  const common = {
    projectName: 'figures',
    traceId: traceIdOf(spec.traceNo),
    sessionId: spec.session,
  };
  const root = spanRecord({
    ...common,
    spanId: spanIdOf(spec.traceNo * 10),
    name: 'turn',
    spanKind: 'CHAIN',
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(spec.latencyMs) * MS,
    attributes: { input: { value: spec.input }, output: { value: spec.output } },
    inputPreview: spec.input,
    outputPreview: spec.output,
    userId: spec.user ?? null,
  });
  if (!spec.priced) return [root];
  const llm = spanRecord({
    ...common,
    spanId: spanIdOf(spec.traceNo * 10 + 1),
    parentId: root.spanId,
    name: 'llm',
    spanKind: 'LLM',
    startTimeUnixNano: start + MS,
    endTimeUnixNano: start + 2n * MS,
    attributes: {
      llm: { model_name: 'gpt-4o-mini', token_count: { prompt: 1000, completion: 500 } },
    },
    modelName: 'gpt-4o-mini',
    promptTokens: 1000,
    completionTokens: 500,
    totalTokens: 1500,
  });
  return [root, llm];
}

/**
 * Session `conv-a`: four turns of 40, 10, 30, 20 ms (median by nearest rank: 20), turns 2 and
 * 3 priced, the user named from turn 2 on. Session `conv-b`: three unpriced turns of 5, 50,
 * 7 ms (median 7), the last one without output. Spans arrive newest turn first, children
 * before parents, so nothing depends on arrival order.
 */
const TURNS: TurnSpec[] = [
  { traceNo: 1, session: 'conv-a', latencyMs: 40, input: 'first question', output: 'a1' },
  {
    traceNo: 2,
    session: 'conv-a',
    latencyMs: 10,
    input: 'q2',
    output: 'a2',
    user: 'alice',
    priced: true,
  },
  { traceNo: 3, session: 'conv-a', latencyMs: 30, input: 'q3', output: 'a3', priced: true },
  { traceNo: 4, session: 'conv-a', latencyMs: 20, input: 'q4', output: 'last answer' },
  { traceNo: 5, session: 'conv-b', latencyMs: 5, input: 'hello', output: 'hi' },
  { traceNo: 6, session: 'conv-b', latencyMs: 50, input: 'more', output: 'sure' },
  { traceNo: 7, session: 'conv-b', latencyMs: 7, input: 'bye', output: null },
];

async function seed(store: Store): Promise<void> {
  const spans = TURNS.flatMap(turn).reverse();
  for (const span of spans) await store.insertSpans([span]);
}

async function listed(store: Store, sessionId: string): Promise<SessionRow> {
  const project = await projectIdOf(store, 'figures');
  const page = await store.listSessions(project, { limit: 100, order: 'asc' });
  const row = page.items.find((session) => session.sessionId === sessionId);
  assert.ok(row, `session ${sessionId} listed`);
  return row;
}

export function sessionFiguresConformance(factory: StoreFactory): void {
  describe('session figures', () => {
    const store = storePerBlock(factory, seed);

    it('sums the costs of all the session traces, null when none is priced', async () => {
      const a = await listed(store(), 'conv-a');
      const traces = await store().listSessionTraces(a.rowid);
      const priced = traces.filter((trace) => trace.cost !== null);
      assert.deepEqual(
        priced.map((trace) => trace.traceId),
        [traceIdOf(2), traceIdOf(3)],
      );
      const expected = priced.reduce((sum, trace) => sum + trace.cost!, 0);
      assert.ok(expected > 0, 'gpt-4o-mini has a built-in price');
      assert.ok(
        a.cost !== null && Math.abs(a.cost - expected) < 1e-12,
        `cost ${a.cost} ≠ ${expected}`,
      );
      assert.equal((await listed(store(), 'conv-b')).cost, null);
    });

    it('takes the nearest-rank median of the trace latencies', async () => {
      assert.equal((await listed(store(), 'conv-a')).latencyMsP50, 20);
      assert.equal((await listed(store(), 'conv-b')).latencyMsP50, 7);
    });

    it('previews the first input and the last output, and names the user', async () => {
      const a = await listed(store(), 'conv-a');
      assert.equal(a.firstInputPreview, 'first question');
      assert.equal(a.lastOutputPreview, 'last answer');
      assert.equal(a.userId, 'alice');
      const b = await listed(store(), 'conv-b');
      assert.equal(b.firstInputPreview, 'hello');
      assert.equal(b.lastOutputPreview, null, 'the last turn has no output');
      assert.equal(b.userId, null);
    });

    it('gives the same figures from every session read', async () => {
      const a = await listed(store(), 'conv-a');
      const project = await projectIdOf(store(), 'figures');
      assert.deepEqual(await store().getSession(project, 'conv-a'), a);
      assert.deepEqual(await store().getSessionByRowid(a.rowid), a);
      assert.deepEqual(await store().findSessionsBySessionId('conv-a'), [a]);
    });
  });
}
