/**
 * Reads that list: spans (filters, rowid pages), traces (sorts, keyset pages), sessions,
 * projects, the outline and spans of a trace, and the project summary.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSessionFilter } from '../../query/session-filter-compiler.js';
import { compileSpanFilter } from '../../query/span-filter-compiler.js';
import { compileTraceFilter } from '../../query/trace-filter-compiler.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanRecord } from '../../spans/span-record.js';
import {
  TRACE_SORTS,
  type KeysetCursor,
  type SpanListQuery,
  type Store,
  type TraceRow,
  type TraceSort,
} from '../store.js';
import { storePerBlock, storePerTest, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf, threeSpanTrace, twoSpanTrace } from './trace-fixtures.js';

/** Every item of a span list, page by page (`limit` a page). */
async function allSpanPages(
  store: Store,
  projectId: number,
  query: Omit<SpanListQuery, 'cursor'>,
): Promise<{ rowids: number[]; pages: number }> {
  const rowids: number[] = [];
  let cursor: number | undefined;
  let pages = 0;
  for (;;) {
    const page = await store.listSpans(projectId, { ...query, cursor });
    pages++;
    rowids.push(...page.items.map((s) => s.rowid));
    if (page.nextCursor === null) return { rowids, pages };
    assert.equal(page.items.length, query.limit, 'only the last page is short');
    cursor = page.nextCursor;
  }
}

/** A trace's sort key as the store orders by it (a trace without cost sorts below any cost). */
function sortKey(trace: TraceRow, sort: TraceSort): bigint | number {
  switch (sort) {
    case 'start_time':
      return trace.startTimeUnixNano;
    case 'latency_ms':
      return trace.endTimeUnixNano - trace.startTimeUnixNano;
    case 'token_count_total':
      return trace.totalTokens;
    case 'cost':
      return trace.cost ?? -1;
  }
}

function compareTraces(sort: TraceSort, order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: TraceRow, b: TraceRow): number => {
    const ka = sortKey(a, sort);
    const kb = sortKey(b, sort);
    if (ka !== kb) return ka < kb ? -sign : sign;
    return (a.rowid - b.rowid) * sign;
  };
}

export function listConformance(factory: StoreFactory): void {
  describe('span lists', () => {
    // Tests here only read the fixture, so they share one store.
    const store = storePerBlock(factory, async (s) => {
      await s.insertSpans(threeSpanTrace(1, 'in-order'));
      // One batch a span, so that their rowids follow this order.
      for (let i = 0; i < 5; i++) {
        await s.insertSpans([
          spanRecord({
            projectName: 'paging',
            traceId: traceIdOf(100 + i),
            spanId: spanIdOf(i + 1),
          }),
        ]);
      }
      await s.insertSpans(threeSpanTrace(2, 'elsewhere'));
    });

    it('pages spans newest first with an inclusive rowid cursor', async () => {
      const projectId = await projectIdOf(store(), 'paging');
      const all = (await store().listSpans(projectId, { limit: 100 })).items;
      assert.deepEqual(
        all.map((s) => s.traceId),
        [104, 103, 102, 101, 100].map(traceIdOf),
      );
      for (const [limit, pages] of [
        [2, 3],
        [5, 1],
        [1, 5],
      ] as const) {
        const paged = await allSpanPages(store(), projectId, { limit });
        assert.deepEqual(
          paged.rowids,
          all.map((s) => s.rowid),
          `limit ${limit}`,
        );
        assert.equal(paged.pages, pages, `limit ${limit}`);
      }
      const page = await store().listSpans(projectId, { limit: 2 });
      const next = await store().listSpans(projectId, { limit: 2, cursor: page.nextCursor! });
      assert.equal(
        next.items[0]!.rowid,
        page.nextCursor,
        'the cursor is the next page’s first row',
      );
      const empty = await store().listSpans(projectId, { limit: 2, names: ['no-such-span'] });
      assert.deepEqual(empty, { items: [], nextCursor: null });
    });

    it('filters spans by root, kind, status, ids, names and time window', async () => {
      const pid = await projectIdOf(store(), 'in-order');
      const names = async (query: Omit<SpanListQuery, 'limit'>) =>
        (await store().listSpans(pid, { limit: 10, ...query })).items.map((s) => s.name).sort();
      assert.deepEqual(await names({}), ['llm', 'root', 'tool'], 'only the project’s spans');
      assert.deepEqual(await names({ rootsOnly: true }), ['root']);
      assert.deepEqual(await names({ spanKinds: ['LLM'] }), ['llm']);
      assert.deepEqual(await names({ spanKinds: ['LLM', 'TOOL'] }), ['llm', 'tool']);
      assert.deepEqual(await names({ statusCodes: ['ERROR'] }), ['tool']);
      assert.deepEqual(await names({ statusCodes: ['UNSET'] }), []);
      assert.deepEqual(
        await names({ startTime: BASE_TIME + 10n * MS, endTime: BASE_TIME + 20n * MS }),
        ['llm'],
      );
      assert.deepEqual(await names({ startTime: BASE_TIME + 10n * MS }), ['llm', 'tool']);
      assert.deepEqual(await names({ endTime: BASE_TIME + 10n * MS }), ['root']);
      assert.deepEqual(await names({ spanIds: [spanIdOf(13)] }), ['tool']);
      assert.deepEqual(await names({ traceIds: [traceIdOf(1)] }), ['llm', 'root', 'tool']);
      assert.deepEqual(await names({ traceIds: [traceIdOf(2)] }), []);
      assert.deepEqual(await names({ parentIds: [spanIdOf(11), spanIdOf(12)] }), ['llm', 'tool']);
      assert.deepEqual(await names({ names: ['root', 'tool'] }), ['root', 'tool']);
      assert.deepEqual(await names({ spanKinds: ['CHAIN', 'TOOL'], statusCodes: ['OK'] }), [
        'root',
      ]);
    });

    it('applies a compiled span filter', async () => {
      const pid = await projectIdOf(store(), 'in-order');
      const filter = compileSpanFilter(
        "span_kind == 'LLM' or (status_code == 'ERROR' and latency_ms > 100)",
        store().dialect,
      );
      const page = await store().listSpans(pid, { limit: 10, filter });
      assert.deepEqual(page.items.map((s) => s.name).sort(), ['llm', 'tool']);
      const none = compileSpanFilter("name == 'root' and parent_id is not None", store().dialect);
      assert.deepEqual((await store().listSpans(pid, { limit: 10, filter: none })).items, []);
    });
  });

  describe('trace lists', () => {
    // Ten traces (numbers 10–19) whose latency (10/20/30 ms) and tokens (0/15/30/45) tie in
    // groups; traces 10–12 are in session `sa`, 13–14 in `sb`. Tests only read.
    const traceNos = Array.from({ length: 10 }, (_, i) => 10 + i);
    const store = storePerBlock(factory, async (s) => {
      const spans: SpanRecord[] = [];
      for (const no of traceNos) {
        spans.push(
          ...twoSpanTrace(no, 'pages', {
            latencyMs: 10 + (no % 3) * 10,
            promptTokens: (no % 4) * 10,
            completionTokens: (no % 4) * 5,
            session: no <= 12 ? 'sa' : no <= 14 ? 'sb' : undefined,
          }),
        );
      }
      await s.insertSpans(spans);
      await s.insertSpans(twoSpanTrace(30, 'elsewhere'));
    });

    it('sorts by every key in both orders, ties broken by rowid in the same direction', async () => {
      const projectId = await projectIdOf(store(), 'pages');
      for (const sort of TRACE_SORTS) {
        for (const order of ['asc', 'desc'] as const) {
          const { items, nextCursor } = await store().listTraces(projectId, {
            limit: 100,
            sort,
            order,
          });
          assert.equal(nextCursor, null);
          assert.equal(items.length, 10, 'only the project’s traces');
          const expected = [...items].sort(compareTraces(sort, order));
          assert.deepEqual(
            items.map((t) => t.rowid),
            expected.map((t) => t.rowid),
            `${sort} ${order}`,
          );
        }
      }
    });

    it('keyset pages of traces: ties broken by id, cursor from a row or a key', async () => {
      const projectId = await projectIdOf(store(), 'pages');
      for (const sort of TRACE_SORTS) {
        for (const order of ['asc', 'desc'] as const) {
          const all = (await store().listTraces(projectId, { limit: 100, sort, order })).items;
          for (const limit of [3, 5]) {
            const paged: TraceRow[] = [];
            let cursor: KeysetCursor | undefined;
            let pages = 0;
            do {
              const page = await store().listTraces(projectId, { limit, sort, order, cursor });
              pages++;
              if (page.nextCursor) assert.equal(page.items.length, limit, 'only the last is short');
              paged.push(...page.items);
              cursor = page.nextCursor ?? undefined;
            } while (cursor);
            const label = `${sort} ${order} limit ${limit}`;
            assert.deepEqual(
              paged.map((t) => t.rowid),
              all.map((t) => t.rowid),
              label,
            );
            assert.equal(pages, Math.ceil(all.length / limit), label);
          }
          // A bare row id as cursor (a Trace GlobalID) starts at that row.
          const fromRow = await store().listTraces(projectId, {
            limit: 100,
            sort,
            order,
            cursor: { rowid: all[4]!.rowid },
          });
          assert.deepEqual(
            fromRow.items.map((t) => t.rowid),
            all.slice(4).map((t) => t.rowid),
            `${sort} ${order} from a row`,
          );
        }
      }
      const gone = await store().listTraces(projectId, {
        limit: 5,
        sort: 'latency_ms',
        order: 'desc',
        cursor: { rowid: 1_000_000_000 },
      });
      assert.deepEqual(gone, { items: [], nextCursor: null }, 'a cursor row that does not exist');
      const empty = await store().listTraces(projectId, {
        limit: 5,
        sort: 'start_time',
        order: 'desc',
        startTime: 0n,
        endTime: 1n,
      });
      assert.deepEqual(empty, { items: [], nextCursor: null });
    });

    it('filters traces by start-time window, sessions and a compiled filter', async () => {
      const projectId = await projectIdOf(store(), 'pages');
      const traceIds = async (query: {
        startTime?: bigint;
        endTime?: bigint;
        sessionRowids?: number[];
        filter?: ReturnType<typeof compileTraceFilter>;
      }) =>
        (
          await store().listTraces(projectId, {
            limit: 100,
            sort: 'start_time',
            order: 'asc',
            ...query,
          })
        ).items.map((t) => t.traceId);
      const second = 1000n * MS;
      assert.deepEqual(
        await traceIds({ startTime: BASE_TIME + 12n * second, endTime: BASE_TIME + 14n * second }),
        [12, 13].map(traceIdOf),
      );
      const sa = (await store().getSession(projectId, 'sa'))!;
      const sb = (await store().getSession(projectId, 'sb'))!;
      assert.deepEqual(await traceIds({ sessionRowids: [sb.rowid] }), [13, 14].map(traceIdOf));
      assert.deepEqual(
        await traceIds({ sessionRowids: [sa.rowid, sb.rowid] }),
        [10, 11, 12, 13, 14].map(traceIdOf),
      );
      assert.deepEqual(await traceIds({ sessionRowids: [] }), []);
      const filter = compileTraceFilter(
        'latency_ms >= 30 and token_count_total > 0',
        store().dialect,
      );
      // Latency 30 ms: 11, 14, 17; no tokens: 12, 16.
      assert.deepEqual(await traceIds({ filter }), [11, 14, 17].map(traceIdOf));
    });

    it('reads a trace by id or rowid, its outline and its spans by start time', async () => {
      const a = (await store().getTrace(traceIdOf(10)))!;
      const b = (await store().getTrace(traceIdOf(11)))!;
      assert.deepEqual(await store().getTraceByRowid(a.rowid), a);
      assert.equal(await store().getTrace(traceIdOf(404)), null);
      assert.equal(await store().getTraceByRowid(1_000_000_000), null);
      assert.equal(a.spanCount, 2);
      assert.equal(a.sessionId, 'sa');

      const outlines = await store().listTraceSpanOutlines([b.rowid, a.rowid]);
      assert.deepEqual(
        outlines.map((o) => [o.traceRowid, o.spanId, o.parentId, o.name]),
        [
          [a.rowid, spanIdOf(101), null, 'root'],
          [a.rowid, spanIdOf(102), spanIdOf(101), 'llm'],
          [b.rowid, spanIdOf(111), null, 'root'],
          [b.rowid, spanIdOf(112), spanIdOf(111), 'llm'],
        ],
      );
      const llm = outlines[1]!;
      assert.equal(llm.spanKind, 'LLM');
      assert.equal(llm.statusCode, 'OK');
      assert.equal(llm.startTimeUnixNano, BASE_TIME + 10_000n * MS + MS);
      assert.equal(llm.endTimeUnixNano, BASE_TIME + 10_000n * MS + 2n * MS);
      assert.deepEqual(await store().listTraceSpanOutlines([]), []);

      const spans = await store().listTraceSpans(a.rowid, 10);
      assert.deepEqual(
        spans.map((s) => [s.rowid, s.name]),
        outlines.slice(0, 2).map((o) => [o.rowid, o.name]),
      );
      assert.deepEqual(
        (await store().listTraceSpans(a.rowid, 1)).map((s) => s.name),
        ['root'],
      );
    });
  });

  describe('session lists', () => {
    // Project `chat`: session s-a (traces 1, 2), s-b (trace 3), s-c (trace 6, later); and s-a
    // again in project `other`. One batch per new session, so their rowids follow that order.
    // Tests only read.
    const store = storePerBlock(factory, async (s) => {
      await s.insertSpans([
        ...twoSpanTrace(1, 'chat', { session: 's-a' }),
        ...twoSpanTrace(2, 'chat', { session: 's-a' }),
      ]);
      await s.insertSpans([
        ...twoSpanTrace(3, 'chat', { session: 's-b' }),
        ...twoSpanTrace(4, 'chat'),
      ]);
      await s.insertSpans(twoSpanTrace(6, 'chat', { session: 's-c', promptTokens: 100 }));
      await s.insertSpans(twoSpanTrace(5, 'other', { session: 's-a' }));
    });

    it('lists sessions by rowid both ways, with an inclusive cursor', async () => {
      const projectId = await projectIdOf(store(), 'chat');
      const ids = async (order: 'asc' | 'desc', limit: number, cursor?: number) => {
        const page = await store().listSessions(projectId, { limit, order, cursor });
        return { ids: page.items.map((s) => s.sessionId), next: page.nextCursor };
      };
      assert.deepEqual((await ids('asc', 10)).ids, ['s-a', 's-b', 's-c']);
      assert.deepEqual((await ids('desc', 10)).ids, ['s-c', 's-b', 's-a']);
      const first = await ids('desc', 2);
      assert.deepEqual(first.ids, ['s-c', 's-b']);
      assert.ok(first.next !== null);
      assert.deepEqual(await ids('desc', 2, first.next), { ids: ['s-a'], next: null });
      const ascFirst = await ids('asc', 1);
      assert.deepEqual((await ids('asc', 5, ascFirst.next!)).ids, ['s-b', 's-c']);
      const all = (await store().listSessions(projectId, { limit: 10, order: 'asc' })).items;
      const sa = all[0]!;
      assert.equal(sa.traceCount, 2);
      assert.deepEqual([sa.promptTokens, sa.completionTokens, sa.totalTokens], [20, 10, 30]);
      assert.equal(all[2]!.totalTokens, 105);
      assert.ok(all[0]!.rowid < all[1]!.rowid && all[1]!.rowid < all[2]!.rowid);
    });

    it('keeps the sessions active in a time window (overlap, not start)', async () => {
      const projectId = await projectIdOf(store(), 'chat');
      const second = 1000n * MS;
      const ids = async (startTime?: bigint, endTime?: bigint) =>
        (
          await store().listSessions(projectId, { limit: 10, order: 'asc', startTime, endTime })
        ).items.map((s) => s.sessionId);
      // s-a spans [1 s, 2.1 s): a window starting inside it still finds it.
      assert.deepEqual(await ids(BASE_TIME + 2n * second), ['s-a', 's-b', 's-c']);
      assert.deepEqual(await ids(BASE_TIME + 2n * second + 200n * MS), ['s-b', 's-c']);
      assert.deepEqual(await ids(undefined, BASE_TIME + 3n * second), ['s-a']);
      assert.deepEqual(await ids(BASE_TIME + 7n * second), []);
    });

    it('applies a compiled session filter', async () => {
      const projectId = await projectIdOf(store(), 'chat');
      const filter = compileSessionFilter('num_traces == 2', store().dialect);
      const page = await store().listSessions(projectId, { limit: 10, order: 'asc', filter });
      assert.deepEqual(
        page.items.map((s) => s.sessionId),
        ['s-a'],
      );
    });

    it("lists a session's traces by start time", async () => {
      const projectId = await projectIdOf(store(), 'chat');
      const sa = (await store().getSession(projectId, 's-a'))!;
      const traces = await store().listSessionTraces(sa.rowid);
      assert.deepEqual(
        traces.map((t) => t.traceId),
        [1, 2].map(traceIdOf),
      );
      assert.ok(traces.every((t) => t.sessionId === 's-a' && t.projectId === projectId));
    });
  });

  describe('projects and summary', () => {
    const store = storePerTest(factory);

    it('lists projects by rowid with an inclusive cursor and a name filter', async () => {
      for (const name of ['Alpha', 'beta', 'alphabet', 'gamma']) {
        assert.ok(await store().createProject(name, null));
      }
      const all = (await store().listProjects({ limit: 10 })).items;
      assert.deepEqual(
        all.map((p) => p.name),
        ['Alpha', 'beta', 'alphabet', 'gamma'],
      );
      const first = await store().listProjects({ limit: 3 });
      assert.equal(first.nextCursor, all[3]!.rowid);
      const rest = await store().listProjects({ limit: 3, cursor: first.nextCursor! });
      assert.deepEqual(rest, { items: [all[3]], nextCursor: null });
      const named = await store().listProjects({ limit: 10, nameContains: 'ALPHA' });
      assert.deepEqual(
        named.items.map((p) => p.name),
        ['Alpha', 'alphabet'],
      );
    });

    it('project summary: counts, percentiles and token totals in a window', async () => {
      const specs: SpanRecord[] = [];
      for (let no = 40; no < 50; no++)
        specs.push(...twoSpanTrace(no, 'summary', { latencyMs: (no - 39) * 10 }));
      await store().insertSpans(specs);
      const projectId = await projectIdOf(store(), 'summary');
      const summary = await store().projectSummary(projectId);
      // The newest span ends 49.1 s after BASE_TIME (the 100 ms trace started at 49 s).
      const lastActivityUnixNano = BASE_TIME + 49_100n * MS;
      assert.deepEqual(summary, {
        traceCount: 10,
        spanCount: 20,
        errorTraceCount: 0,
        sessionCount: 0,
        latencyMsP50: 50,
        latencyMsP90: 90,
        latencyMsP99: 100,
        promptTokens: 100,
        completionTokens: 50,
        totalTokens: 150,
        cost: null,
        costPrompt: null,
        costCompletion: null,
        lastActivityUnixNano,
      });
      // Traces started in [41 s, 46 s): latencies 20–60 ms.
      const second = 1000n * MS;
      const window = await store().projectSummary(
        projectId,
        BASE_TIME + 41n * second,
        BASE_TIME + 46n * second,
      );
      assert.equal(window.traceCount, 5);
      assert.equal(window.latencyMsP50, 40);
      assert.equal(window.latencyMsP99, 60);
      assert.equal(window.totalTokens, 75);
      const empty = await store().projectSummary(projectId, 0n, 1n);
      assert.deepEqual(empty, {
        traceCount: 0,
        spanCount: 0,
        errorTraceCount: 0,
        sessionCount: 0,
        latencyMsP50: null,
        latencyMsP90: null,
        latencyMsP99: null,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        cost: null,
        costPrompt: null,
        costCompletion: null,
        // Last activity is the project's, whatever the window.
        lastActivityUnixNano,
      });

      await store().insertSpans([...threeSpanTrace(1, 'errors'), ...threeSpanTrace(2, 'errors')]);
      const errors = await store().projectSummary(await projectIdOf(store(), 'errors'));
      assert.equal(errors.errorTraceCount, 2);
      assert.equal(errors.spanCount, 6);
      assert.equal(errors.promptTokens, 300);
    });
  });
}
