import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { SqliteStore } from './sqlite-store.js';
import type { SpanRecord } from '../../spans/span-record.js';

const MS = 1_000_000n;

describe('SqliteStore', () => {
  let dir: string;
  let store: SqliteStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-store-'));
    store = await SqliteStore.open({ path: join(dir, 'heron.db'), synchronous: 'NORMAL' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function projectId(name: string): Promise<number> {
    const project = await store.getProjectByName(name);
    assert.ok(project, `project ${name} exists`);
    return project.rowid;
  }

  /** A root CHAIN, an LLM child with tokens and an ERROR tool grandchild. */
  function traceSpans(traceNo: number, project = 'rollups'): SpanRecord[] {
    const traceId = traceIdOf(traceNo);
    return [
      spanRecord({
        projectName: project,
        traceId,
        spanId: spanIdOf(traceNo * 10 + 1),
        name: 'root',
        startTimeUnixNano: BASE_TIME,
        endTimeUnixNano: BASE_TIME + 100n * MS,
        sessionId: 'session-a',
      }),
      spanRecord({
        projectName: project,
        traceId,
        spanId: spanIdOf(traceNo * 10 + 2),
        parentId: spanIdOf(traceNo * 10 + 1),
        name: 'llm',
        spanKind: 'LLM',
        startTimeUnixNano: BASE_TIME + 10n * MS,
        endTimeUnixNano: BASE_TIME + 60n * MS,
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
        startTimeUnixNano: BASE_TIME + 20n * MS,
        endTimeUnixNano: BASE_TIME + 130n * MS,
        // A wrapper copying token counts must not be counted again.
        promptTokens: 150,
        completionTokens: 75,
        totalTokens: 225,
      }),
    ];
  }

  it('rolls up a trace the same whatever order its spans arrive in', async () => {
    const inOrder = traceSpans(1, 'in-order');
    await store.insertSpans(inOrder);
    const reversed = traceSpans(2, 'reversed').reverse();
    for (const span of reversed) await store.insertSpans([span]);

    for (const traceNo of [1, 2]) {
      const trace = await store.getTrace(traceIdOf(traceNo));
      assert.ok(trace);
      assert.equal(trace.startTimeUnixNano, BASE_TIME);
      assert.equal(trace.endTimeUnixNano, BASE_TIME + 130n * MS);
      assert.equal(trace.latencyMs, 130);
      assert.equal(trace.spanCount, 3);
      assert.equal(trace.errorCount, 1);
      assert.equal(trace.promptTokens, 150);
      assert.equal(trace.completionTokens, 75);
      assert.equal(trace.totalTokens, 225);
      assert.equal(trace.rootSpanId, spanIdOf(traceNo * 10 + 1));
      assert.equal(trace.sessionId, 'session-a');
    }
  });

  it('uses the earliest orphan as root until the real root arrives', async () => {
    const [root, llm, tool] = traceSpans(3, 'orphans');
    await store.insertSpans([tool!, llm!]);
    assert.equal((await store.getTrace(traceIdOf(3)))!.rootSpanId, llm!.spanId);
    await store.insertSpans([root!]);
    assert.equal((await store.getTrace(traceIdOf(3)))!.rootSpanId, root!.spanId);
  });

  it('never stores a span twice, and a re-sent span replaces the stored one', async () => {
    const span = spanRecord({ projectName: 'idempotent', traceId: traceIdOf(4) });
    await store.insertSpans([span]);
    await store.insertSpans([span, span]);
    await store.insertSpans([{ ...span, name: 'renamed', attributes: { late: 'attribute' } }]);
    const page = await store.listSpans(await projectId('idempotent'), { limit: 10 });
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]!.name, 'renamed');
    assert.deepEqual(page.items[0]!.attributes, { late: 'attribute' });
    assert.equal((await store.getTrace(traceIdOf(4)))!.spanCount, 1);
  });

  it('keeps a late span in the project of its trace', async () => {
    await store.insertSpans([spanRecord({ projectName: 'first', traceId: traceIdOf(5) })]);
    await store.insertSpans([
      spanRecord({
        projectName: 'second',
        traceId: traceIdOf(5),
        spanId: spanIdOf(2),
        parentId: spanIdOf(1),
      }),
    ]);
    const first = await projectId('first');
    assert.equal((await store.listSpans(first, { limit: 10 })).items.length, 2);
    assert.equal((await store.getTrace(traceIdOf(5)))!.projectId, first);
  });

  it('keeps nanosecond timestamps exactly', async () => {
    const start = 1_712_345_678_123_456_789n;
    await store.insertSpans([
      spanRecord({
        projectName: 'precision',
        traceId: traceIdOf(6),
        startTimeUnixNano: start,
        endTimeUnixNano: start + 1n,
      }),
    ]);
    const [span] = (await store.listSpans(await projectId('precision'), { limit: 1 })).items;
    assert.equal(span!.startTimeUnixNano, start);
    assert.equal(span!.endTimeUnixNano, start + 1n);
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
    await store.insertSpans([t1, t2]);
    const pid = await projectId(project);
    const s1 = await store.getSession(pid, 's1');
    assert.ok(s1);
    assert.equal(s1.traceCount, 2);
    assert.equal(s1.startTimeUnixNano, BASE_TIME);
    assert.equal(s1.endTimeUnixNano, BASE_TIME + 1500n * MS);

    // An earlier span of trace 8 names another session: the earliest span decides.
    await store.insertSpans([
      spanRecord({
        projectName: project,
        traceId: traceIdOf(8),
        spanId: spanIdOf(99),
        sessionId: 's2',
        startTimeUnixNano: BASE_TIME + 900n * MS,
        endTimeUnixNano: BASE_TIME + 950n * MS,
      }),
    ]);
    assert.equal((await store.getSession(pid, 's1'))!.traceCount, 1);
    assert.equal((await store.getSession(pid, 's2'))!.traceCount, 1);
    assert.equal((await store.getTrace(traceIdOf(8)))!.sessionId, 's2');
  });

  it('pages spans newest first with an inclusive rowid cursor', async () => {
    const project = 'paging';
    await store.insertSpans(
      Array.from({ length: 5 }, (_, i) =>
        spanRecord({ projectName: project, traceId: traceIdOf(100 + i), spanId: spanIdOf(i + 1) }),
      ),
    );
    const pid = await projectId(project);
    const seen: string[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await store.listSpans(pid, { limit: 2, cursor });
      seen.push(...page.items.map((s) => s.traceId));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, [104, 103, 102, 101, 100].map(traceIdOf));
  });

  it('filters spans by root, kind, status, ids and time window', async () => {
    const pid = await projectId('in-order');
    const roots = await store.listSpans(pid, { limit: 10, rootsOnly: true });
    assert.deepEqual(roots.items.map((s) => s.name).sort(), ['root']);
    const llms = await store.listSpans(pid, { limit: 10, spanKinds: ['LLM'] });
    assert.deepEqual(
      llms.items.map((s) => s.name),
      ['llm'],
    );
    const errors = await store.listSpans(pid, { limit: 10, statusCodes: ['ERROR'] });
    assert.deepEqual(
      errors.items.map((s) => s.name),
      ['tool'],
    );
    const window = await store.listSpans(pid, {
      limit: 10,
      startTime: BASE_TIME + 10n * MS,
      endTime: BASE_TIME + 20n * MS,
    });
    assert.deepEqual(
      window.items.map((s) => s.name),
      ['llm'],
    );
    const byId = await store.listSpans(pid, { limit: 10, spanIds: [spanIdOf(13)] });
    assert.deepEqual(
      byId.items.map((s) => s.name),
      ['tool'],
    );
  });

  it('writes nothing of a batch that fails', async () => {
    const good = spanRecord({ projectName: 'atomic', traceId: traceIdOf(200) });
    const bad = spanRecord({
      projectName: 'atomic',
      traceId: traceIdOf(201),
      statusCode: 'BROKEN' as SpanRecord['statusCode'],
    });
    await assert.rejects(store.insertSpans([good, bad]), /CHECK constraint/);
    assert.equal(await store.getTrace(traceIdOf(200)), null);
    assert.equal(await store.getProjectByName('atomic'), null);
  });
});
