/**
 * Ingestion through `Store.insertSpans`: what is stored, idempotent re-sends (last write wins),
 * rollups that do not depend on arrival order or batching, project resolution and sessions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { StoredSpan, TraceRow } from '../store.js';
import { storePerTest, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf, spanBySpanId, threeSpanTrace, twoSpanTrace } from './trace-fixtures.js';

/** What the store must give back for a span it was sent. */
function stored(span: SpanRecord, rowid: number, projectId: number): StoredSpan {
  const { projectName: _projectName, ...rest } = span;
  return { ...rest, rowid, projectId };
}

/** A trace's rollup without its identity, to compare two traces built from the same spans. */
function rollupOf(trace: TraceRow | null): Partial<TraceRow> {
  assert.ok(trace, 'trace exists');
  const { rowid: _rowid, traceId: _traceId, projectId: _projectId, ...rollup } = trace;
  return rollup;
}

/**
 * Twelve spans of one trace (a binary tree under span 1) whose rollup exercises every rule:
 * tokens of LLM spans only, errors, a session named by one span in the middle. Span ids are the
 * same in every trace, so two such traces have equal rollups.
 */
function manySpanTrace(traceNo: number, project: string): SpanRecord[] {
  const traceId = traceIdOf(traceNo);
  return Array.from({ length: 12 }, (_, i) =>
    spanRecord({
      projectName: project,
      traceId,
      spanId: spanIdOf(i + 1),
      parentId: i === 0 ? null : spanIdOf(Math.ceil(i / 2)),
      name: `step-${i}`,
      spanKind: i % 3 === 1 ? 'LLM' : 'CHAIN',
      statusCode: i % 5 === 4 ? 'ERROR' : 'OK',
      startTimeUnixNano: BASE_TIME + BigInt(i) * 7n * MS,
      endTimeUnixNano: BASE_TIME + BigInt(i) * 7n * MS + BigInt(50 + i) * MS,
      sessionId: i === 6 ? 'late-session' : null,
      promptTokens: 10 + i,
      completionTokens: i,
      totalTokens: 10 + 2 * i,
    }),
  );
}

export function ingestConformance(factory: StoreFactory): void {
  describe('ingest', () => {
    const store = storePerTest(factory);

    it('reads a stored span back exactly as it was sent, by every lookup', async () => {
      const root = spanRecord({ projectName: 'exact', traceId: traceIdOf(1), spanId: spanIdOf(1) });
      const child = spanRecord({
        projectName: 'exact',
        traceId: traceIdOf(1),
        spanId: spanIdOf(2),
        parentId: spanIdOf(1),
        name: 'ChatCompletion — «résumé» 東京',
        spanKind: 'LLM',
        otelKind: 3,
        startTimeUnixNano: BASE_TIME + 3n * MS,
        endTimeUnixNano: BASE_TIME + 1_503n * MS + 7n,
        latencyMs: 1500.000007,
        statusCode: 'ERROR',
        statusMessage: 'rate limited',
        attributes: {
          input: { value: 'Grüße 👋', mime_type: 'text/plain' },
          llm: {
            model_name: 'gpt-4o',
            invocation_parameters: '{"temperature":0.2}',
            input_messages: [{ message: { role: 'user', content: 'hi' } }],
            token_count: { prompt: 12, completion: 3, total: 15 },
          },
          metadata: { nested: { list: [1, 2.5, true, null, 'x'] }, empty: {} },
        },
        events: [
          {
            name: 'exception',
            timeUnixNano: String(BASE_TIME + 4n * MS + 1n),
            attributes: { 'exception.message': 'boom', 'exception.escaped': false },
          },
        ],
        links: [
          {
            traceId: traceIdOf(99),
            spanId: spanIdOf(99),
            traceState: 'k=v',
            attributes: { 'link.kind': 'follows' },
          },
        ],
        resourceAttributes: { 'service.name': 'svc', 'host.cores': 8 },
        scopeName: 'openinference.instrumentation.openai',
        scopeVersion: '0.1.2',
        traceState: 'vendor=1',
        flags: 257,
        sessionId: 'session-1',
        userId: 'user-1',
        modelName: 'gpt-4o',
        provider: 'openai',
        promptTokens: 12,
        completionTokens: 3,
        totalTokens: 15,
        inputPreview: 'Grüße 👋',
        outputPreview: null,
      });
      const other = spanRecord({ projectName: 'exact', traceId: traceIdOf(2) });
      assert.deepEqual(await store().insertSpans([]), { spanCount: 0, traceCount: 0 });
      const { spanCount, traceCount } = await store().insertSpans([root, child, other]);
      assert.deepEqual({ spanCount, traceCount }, { spanCount: 3, traceCount: 2 });

      const projectId = await projectIdOf(store(), 'exact');
      const found = await spanBySpanId(store(), spanIdOf(2));
      assert.ok(Number.isSafeInteger(found.rowid) && found.rowid > 0, 'rowid > 0');
      const expected = stored(child, found.rowid, projectId);
      assert.deepEqual(found, expected);
      assert.deepEqual(await store().getSpanByRowid(found.rowid), expected);
      const listed = await store().listSpans(projectId, { limit: 10, spanIds: [spanIdOf(2)] });
      assert.deepEqual(listed.items, [expected]);
      const trace = await store().getTrace(traceIdOf(1));
      assert.ok(trace);
      assert.deepEqual(await store().listTraceSpans(trace.rowid, 10), [
        stored(root, (await spanBySpanId(store(), spanIdOf(1))).rowid, projectId),
        expected,
      ]);
      assert.equal(await store().getSpanByRowid(found.rowid + 1_000_000), null);
      assert.deepEqual(await store().findSpansBySpanId(spanIdOf(404)), []);

      const keys = await store().existingSpanKeys([
        { traceId: traceIdOf(1), spanId: spanIdOf(2) },
        { traceId: traceIdOf(1), spanId: spanIdOf(404) },
        { traceId: traceIdOf(404), spanId: spanIdOf(1) },
      ]);
      assert.deepEqual([...keys], [`${traceIdOf(1)}:${spanIdOf(2)}`]);
    });

    it('keeps nanosecond timestamps exactly', async () => {
      const start = 1_712_345_678_123_456_789n;
      await store().insertSpans([
        spanRecord({
          projectName: 'precision',
          traceId: traceIdOf(6),
          startTimeUnixNano: start,
          endTimeUnixNano: start + 1n,
        }),
      ]);
      const projectId = await projectIdOf(store(), 'precision');
      const [span] = (await store().listSpans(projectId, { limit: 1 })).items;
      assert.equal(span!.startTimeUnixNano, start);
      assert.equal(span!.endTimeUnixNano, start + 1n);
      const trace = (await store().getTrace(traceIdOf(6)))!;
      assert.equal(trace.startTimeUnixNano, start);
      assert.equal(trace.endTimeUnixNano, start + 1n);
    });

    it('never stores a span twice, and a re-sent span replaces the stored one', async () => {
      const span = spanRecord({ projectName: 'idempotent', traceId: traceIdOf(4) });
      await store().insertSpans([span]);
      const first = await spanBySpanId(store(), span.spanId);
      await store().insertSpans([span, span]);
      await store().insertSpans([{ ...span, name: 'renamed', attributes: { late: 'attribute' } }]);
      const projectId = await projectIdOf(store(), 'idempotent');
      const page = await store().listSpans(projectId, { limit: 10 });
      assert.equal(page.items.length, 1);
      assert.equal(page.items[0]!.name, 'renamed');
      assert.deepEqual(page.items[0]!.attributes, { late: 'attribute' });
      assert.equal(page.items[0]!.rowid, first.rowid, 'a replaced span keeps its rowid');
      assert.equal((await store().getTrace(traceIdOf(4)))!.spanCount, 1);

      // Within one batch, too, the last version wins.
      await store().insertSpans([
        { ...span, name: 'first', statusCode: 'ERROR' },
        { ...span, name: 'second' },
      ]);
      const [last] = (await store().listSpans(projectId, { limit: 10 })).items;
      assert.equal(last!.name, 'second');
      const trace = (await store().getTrace(traceIdOf(4)))!;
      assert.equal(trace.spanCount, 1);
      assert.equal(trace.errorCount, 0);
    });

    it('rolls up a trace the same whatever order its spans arrive in', async () => {
      await store().insertSpans(threeSpanTrace(1, 'in-order'));
      for (const span of threeSpanTrace(2, 'reversed').reverse()) await store().insertSpans([span]);
      await store().insertSpans(threeSpanTrace(3, 'reversed-batch').reverse());

      for (const traceNo of [1, 2, 3]) {
        const trace = await store().getTrace(traceIdOf(traceNo));
        assert.ok(trace);
        assert.equal(trace.startTimeUnixNano, BASE_TIME);
        assert.equal(trace.endTimeUnixNano, BASE_TIME + 130n * MS);
        assert.equal(trace.latencyMs, 130);
        assert.equal(trace.spanCount, 3);
        assert.equal(trace.errorCount, 1);
        // Only LLM spans count: the tool copies the LLM's tokens and must not add them again.
        assert.equal(trace.promptTokens, 150);
        assert.equal(trace.completionTokens, 75);
        assert.equal(trace.totalTokens, 225);
        assert.equal(trace.rootSpanId, spanIdOf(traceNo * 10 + 1));
        assert.equal(trace.sessionId, 'session-a');
        assert.equal(trace.cost, null);
      }
    });

    it('uses the earliest orphan as root until the real root arrives', async () => {
      const [root, llm, tool] = threeSpanTrace(3, 'orphans');
      await store().insertSpans([tool!, llm!]);
      assert.equal((await store().getTrace(traceIdOf(3)))!.rootSpanId, llm!.spanId);
      await store().insertSpans([root!]);
      assert.equal((await store().getTrace(traceIdOf(3)))!.rootSpanId, root!.spanId);
    });

    it('rolls up one trace sent over many batches as if it came in one', async () => {
      await store().insertSpans(manySpanTrace(1, 'one-batch'));
      const spans = manySpanTrace(2, 'many-batches');
      // Shuffled deterministically, two spans a batch, mixed with another trace, one re-sent.
      const order = [7, 3, 11, 0, 5, 9, 1, 10, 2, 8, 4, 6];
      for (let i = 0; i < order.length; i += 2) {
        await store().insertSpans([
          spans[order[i]!]!,
          spanRecord({
            projectName: 'many-batches',
            traceId: traceIdOf(3),
            spanId: spanIdOf(i + 1),
          }),
          spans[order[i + 1]!]!,
        ]);
      }
      await store().insertSpans([spans[7]!]);
      const reference = rollupOf(await store().getTrace(traceIdOf(1)));
      assert.deepEqual(rollupOf(await store().getTrace(traceIdOf(2))), reference);
      assert.equal(reference.spanCount, 12);
      assert.equal(reference.rootSpanId, spanIdOf(1));
      assert.equal(reference.sessionId, 'late-session');
      assert.equal(reference.errorCount, 2);
      assert.equal(reference.promptTokens, 11 + 14 + 17 + 20);
      assert.equal((await store().getTrace(traceIdOf(3)))!.spanCount, 6);
      const sessions = await store().findSessionsBySessionId('late-session');
      assert.deepEqual(
        sessions.map((s) => s.traceCount),
        [1, 1],
      );
    });

    it('rolls up one trace written by concurrent batches', async () => {
      await store().insertSpans(manySpanTrace(1, 'sequential'));
      // As from several collector processes at once: the store must not lose an update.
      await Promise.all(manySpanTrace(2, 'concurrent').map((span) => store().insertSpans([span])));
      assert.deepEqual(
        rollupOf(await store().getTrace(traceIdOf(2))),
        rollupOf(await store().getTrace(traceIdOf(1))),
      );
      const projects = await store().listProjects({ limit: 10, nameContains: 'concurrent' });
      assert.equal(projects.items.length, 1, 'one project, however many batches named it');
      const session = await store().getSession(projects.items[0]!.rowid, 'late-session');
      assert.equal(session?.traceCount, 1);
    });

    it('creates a project on first use and reuses an existing one', async () => {
      const made = await store().createProject('made', 'made by hand');
      assert.ok(made);
      await store().insertSpans([
        spanRecord({ projectName: 'made', traceId: traceIdOf(1) }),
        spanRecord({ projectName: 'fresh', traceId: traceIdOf(2) }),
        spanRecord({ projectName: 'fresh', traceId: traceIdOf(3) }),
      ]);
      assert.equal((await store().getTrace(traceIdOf(1)))!.projectId, made.rowid);
      assert.equal((await store().getProjectByName('made'))!.description, 'made by hand');
      const fresh = await store().getProjectByName('fresh');
      assert.ok(fresh);
      assert.equal(fresh.name, 'fresh');
      assert.equal(fresh.description, null);
      assert.ok(!Number.isNaN(Date.parse(fresh.createdAt)), 'createdAt is ISO 8601');
      assert.equal((await store().getTrace(traceIdOf(3)))!.projectId, fresh.rowid);
      const names = (await store().listProjects({ limit: 10 })).items.map((p) => p.name);
      assert.deepEqual(names, ['made', 'fresh']);
    });

    it('keeps a late span in the project of its trace', async () => {
      await store().insertSpans([spanRecord({ projectName: 'first', traceId: traceIdOf(5) })]);
      await store().insertSpans([
        spanRecord({
          projectName: 'second',
          traceId: traceIdOf(5),
          spanId: spanIdOf(2),
          parentId: spanIdOf(1),
        }),
      ]);
      const first = await projectIdOf(store(), 'first');
      assert.equal((await store().listSpans(first, { limit: 10 })).items.length, 2);
      assert.equal((await store().getTrace(traceIdOf(5)))!.projectId, first);
      assert.equal((await spanBySpanId(store(), spanIdOf(2))).projectId, first);
    });

    it('rolls sessions up from their traces and moves a trace between sessions', async () => {
      const project = 'sessions';
      const t1 = spanRecord({ projectName: project, traceId: traceIdOf(7), sessionId: 's1' });
      const t2 = spanRecord({
        projectName: project,
        traceId: traceIdOf(8),
        sessionId: 's1',
        startTimeUnixNano: BASE_TIME + 1000n * MS,
        endTimeUnixNano: BASE_TIME + 1500n * MS,
      });
      const t2llm = spanRecord({
        projectName: project,
        traceId: traceIdOf(8),
        spanId: spanIdOf(2),
        parentId: t2.spanId,
        spanKind: 'LLM',
        startTimeUnixNano: BASE_TIME + 1100n * MS,
        endTimeUnixNano: BASE_TIME + 1200n * MS,
        promptTokens: 7,
        completionTokens: 3,
        totalTokens: 10,
      });
      await store().insertSpans([t1, t2, t2llm]);
      const pid = await projectIdOf(store(), project);
      const s1 = await store().getSession(pid, 's1');
      assert.ok(s1);
      assert.equal(s1.sessionId, 's1');
      assert.equal(s1.projectId, pid);
      assert.equal(s1.traceCount, 2);
      assert.equal(s1.startTimeUnixNano, BASE_TIME);
      assert.equal(s1.endTimeUnixNano, BASE_TIME + 1500n * MS);
      assert.deepEqual([s1.promptTokens, s1.completionTokens, s1.totalTokens], [7, 3, 10]);
      assert.deepEqual(await store().getSessionByRowid(s1.rowid), s1);
      assert.equal(await store().getSession(pid, 'no-such-session'), null);

      // An earlier span of trace 8 names another session: the earliest span decides.
      await store().insertSpans([
        spanRecord({
          projectName: project,
          traceId: traceIdOf(8),
          spanId: spanIdOf(99),
          sessionId: 's2',
          startTimeUnixNano: BASE_TIME + 900n * MS,
          endTimeUnixNano: BASE_TIME + 950n * MS,
        }),
      ]);
      const s1After = (await store().getSession(pid, 's1'))!;
      assert.equal(s1After.traceCount, 1);
      assert.equal(s1After.endTimeUnixNano, t1.endTimeUnixNano);
      assert.equal(s1After.totalTokens, 0);
      const s2 = (await store().getSession(pid, 's2'))!;
      assert.equal(s2.traceCount, 1);
      assert.equal(s2.totalTokens, 10);
      assert.equal((await store().getTrace(traceIdOf(8)))!.sessionId, 's2');
    });

    it('keeps sessions per project; a shared session id names the most recently active first', async () => {
      await store().insertSpans([
        ...twoSpanTrace(1, 'older', { session: 'shared' }),
        ...twoSpanTrace(5, 'newer', { session: 'shared' }),
        ...twoSpanTrace(3, 'older', { session: 'shared' }),
      ]);
      const sessions = await store().findSessionsBySessionId('shared');
      assert.deepEqual(
        sessions.map((s) => [s.projectId, s.traceCount]),
        [
          [await projectIdOf(store(), 'newer'), 1],
          [await projectIdOf(store(), 'older'), 2],
        ],
      );
      assert.notEqual(sessions[0]!.rowid, sessions[1]!.rowid);
      assert.deepEqual(await store().findSessionsBySessionId('nobody'), []);
    });

    it('writes nothing of a batch that fails', async () => {
      const good = spanRecord({ projectName: 'atomic', traceId: traceIdOf(200) });
      const bad = spanRecord({
        projectName: 'atomic',
        traceId: traceIdOf(201),
        // The schema refuses a status outside StatusCode (a CHECK constraint).
        statusCode: 'BROKEN' as SpanRecord['statusCode'],
      });
      await assert.rejects(store().insertSpans([good, bad]), /check constraint/i);
      assert.equal(await store().getTrace(traceIdOf(200)), null);
      assert.equal(await store().getProjectByName('atomic'), null);
      assert.deepEqual(await store().findSpansBySpanId(good.spanId), []);
      // The store is still usable, and the good span alone goes in.
      await store().insertSpans([good]);
      assert.ok(await store().getTrace(traceIdOf(200)));
    });
  });
}
