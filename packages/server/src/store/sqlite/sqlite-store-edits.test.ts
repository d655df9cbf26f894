/**
 * SqliteStore beyond ingestion: deleting spans, traces and sessions and moving traces keep
 * every rollup exact; trace lists page by keyset; the search index catches up and agrees with
 * the scan of spans it has not reached.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { TraceRow } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const MS = 1_000_000n;

describe('SqliteStore edits, lists and search', () => {
  let dir: string;
  let path: string;
  let store: SqliteStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-edits-'));
    path = join(dir, 'heron.db');
    store = await SqliteStore.open({ path, synchronous: 'NORMAL' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Root + LLM child (tokens) in a session; input text given. */
  function trace(
    no: number,
    project: string,
    options: { session?: string; input?: string; latencyMs?: number } = {},
  ): SpanRecord[] {
    const start = BASE_TIME + BigInt(no) * 1000n * MS;
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
        promptTokens: 10,
        completionTokens: 5,
        totalTokens: 15,
      }),
    ];
  }

  async function project(name: string): Promise<number> {
    return (await store.getProjectByName(name))!.rowid;
  }

  it('deleting a span recomputes its trace and session; the last span takes both away', async () => {
    await store.insertSpans([
      ...trace(1, 'edits', { session: 's1' }),
      ...trace(2, 'edits', { session: 's1' }),
    ]);
    const llm = (await store.findSpansBySpanId(spanIdOf(12)))[0]!;
    assert.deepEqual(await store.deleteSpan(llm.rowid), { traceDeleted: false });
    const t1 = (await store.getTrace(traceIdOf(1)))!;
    assert.equal(t1.spanCount, 1);
    assert.equal(t1.totalTokens, 0);
    const root = (await store.findSpansBySpanId(spanIdOf(11)))[0]!;
    assert.deepEqual(await store.deleteSpan(root.rowid), { traceDeleted: true });
    assert.equal(await store.getTrace(traceIdOf(1)), null);
    const session = (await store.getSession(await project('edits'), 's1'))!;
    assert.equal(session.traceCount, 1);
    assert.equal(session.totalTokens, 15);
    assert.equal(await store.deleteSpan(root.rowid), null);
  });

  it('deleting a session takes its traces and spans; an emptied session disappears', async () => {
    await store.insertSpans([
      ...trace(3, 'sessions', { session: 'gone' }),
      ...trace(4, 'sessions', { session: 'kept' }),
    ]);
    const gone = (await store.getSession(await project('sessions'), 'gone'))!;
    assert.equal(await store.deleteSessions([gone.rowid, 999_999]), 1);
    assert.equal(await store.getTrace(traceIdOf(3)), null);
    assert.deepEqual(await store.findSpansBySpanId(spanIdOf(31)), []);
    const kept = (await store.getTrace(traceIdOf(4)))!;
    assert.equal(await store.deleteTrace(kept.rowid), true);
    assert.equal(await store.getSession(await project('sessions'), 'kept'), null);
  });

  it('transferring a trace moves its spans and its session membership', async () => {
    await store.insertSpans([
      ...trace(5, 'from', { session: 'move' }),
      ...trace(6, 'from', { session: 'move' }),
    ]);
    const destination = (await store.createProject('to', 'destination'))!;
    assert.equal(await store.createProject('to', null), null);
    const t5 = (await store.getTrace(traceIdOf(5)))!;
    assert.equal(await store.transferTraces([t5.rowid], destination.rowid), 1);
    assert.equal((await store.getTrace(traceIdOf(5)))!.projectId, destination.rowid);
    const spans = await store.listSpans(destination.rowid, { limit: 10 });
    assert.equal(spans.items.length, 2);
    assert.equal((await store.getSession(destination.rowid, 'move'))!.traceCount, 1);
    assert.equal((await store.getSession(await project('from'), 'move'))!.traceCount, 1);
    // Spans arriving later for the moved trace join it in its new project.
    await store.insertSpans([
      spanRecord({
        projectName: 'from',
        traceId: traceIdOf(5),
        spanId: spanIdOf(53),
        parentId: spanIdOf(51),
      }),
    ]);
    assert.equal((await store.listSpans(destination.rowid, { limit: 10 })).items.length, 3);
  });

  it('keyset pages of traces: ties broken by id, cursor from a row or a key', async () => {
    const specs: SpanRecord[] = [];
    for (let no = 10; no < 20; no++) specs.push(...trace(no, 'pages', { latencyMs: no % 3 }));
    await store.insertSpans(specs);
    const projectId = await project('pages');
    for (const order of ['asc', 'desc'] as const) {
      const all = (await store.listTraces(projectId, { limit: 100, sort: 'latency_ms', order }))
        .items;
      const latencies = all.map((t) => t.latencyMs);
      const sorted = [...latencies].sort((a, b) => (order === 'asc' ? a - b : b - a));
      assert.deepEqual(latencies, sorted);
      const paged: TraceRow[] = [];
      let cursor;
      do {
        const page = await store.listTraces(projectId, {
          limit: 3,
          sort: 'latency_ms',
          order,
          cursor,
        });
        paged.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(
        paged.map((t) => t.rowid),
        all.map((t) => t.rowid),
      );
      // A bare row id as cursor starts at that row.
      const fromRow = await store.listTraces(projectId, {
        limit: 100,
        sort: 'latency_ms',
        order,
        cursor: { rowid: all[4]!.rowid },
      });
      assert.deepEqual(
        fromRow.items.map((t) => t.rowid),
        all.slice(4).map((t) => t.rowid),
      );
    }
    const empty = await store.listTraces(projectId, {
      limit: 5,
      sort: 'start_time',
      order: 'desc',
      startTime: 0n,
      endTime: 1n,
    });
    assert.deepEqual(empty, { items: [], nextCursor: null });
  });

  it('search: the index catches up, and spans it has not reached are still found', async () => {
    await store.insertSpans([
      ...trace(30, 'search', { input: 'Wie geht es Ihnen? Grüße aus München' }),
      ...trace(31, 'search', { input: '今日は東京で会議があります' }),
      ...trace(32, 'search', { input: 'Crème brûlée recipe' }),
    ]);
    const projectId = await project('search');
    const find = async (text: string) =>
      (await store.listSpans(projectId, { limit: 10, search: text })).items.map((s) => s.traceId);
    // Whether or not the indexer has run yet, results are the same.
    assert.deepEqual(await find('münchen'), [traceIdOf(30)]);
    assert.deepEqual(await find('MUNCHEN'), [traceIdOf(30)]);
    assert.deepEqual(await find('東京で'), [traceIdOf(31)]);
    assert.deepEqual(await find('brulee'), [traceIdOf(32)]);

    // Wait for the background indexer, then check the index itself holds the spans.
    const db = new Database(path, { readonly: true });
    try {
      // Generous: on a loaded CI machine the writer thread may get little CPU.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const state = db
          .prepare('SELECT indexed_through FROM search_index_state')
          .pluck()
          .get() as number;
        const max = db.prepare('SELECT MAX(id) FROM spans').pluck().get() as number;
        if (state >= max) break;
        assert.ok(Date.now() < deadline, `index stuck at ${state} of ${max}`);
        await sleep(50);
      }
      const hits = db
        .prepare(`SELECT rowid FROM span_search WHERE span_search MATCH ?`)
        .pluck()
        .all('input : "brulee"') as number[];
      const span = (await store.findSpansBySpanId(spanIdOf(321)))[0]!;
      assert.deepEqual(hits, [span.rowid]);
    } finally {
      db.close();
    }
    assert.deepEqual(await find('brulee'), [traceIdOf(32)]);

    // A re-sent span with new text is re-indexed: the old text no longer matches.
    await store.insertSpans([
      spanRecord({ ...trace(32, 'search')[0]!, attributes: { input: { value: 'Tarte tatin' } } }),
    ]);
    assert.deepEqual(await find('brulee'), []);
    assert.deepEqual(await find('tatin'), [traceIdOf(32)]);
  });

  it('project summary: counts, percentiles and token totals in a window', async () => {
    const specs: SpanRecord[] = [];
    for (let no = 40; no < 50; no++)
      specs.push(...trace(no, 'summary', { latencyMs: (no - 39) * 10 }));
    await store.insertSpans(specs);
    const summary = await store.projectSummary(await project('summary'));
    assert.equal(summary.traceCount, 10);
    assert.equal(summary.spanCount, 20);
    assert.equal(summary.latencyMsP50, 50);
    assert.equal(summary.latencyMsP99, 100);
    assert.equal(summary.totalTokens, 150);
    assert.equal(summary.cost, null);
    const empty = await store.projectSummary(await project('summary'), 0n, 1n);
    assert.equal(empty.traceCount, 0);
    assert.equal(empty.latencyMsP50, null);
  });
});
