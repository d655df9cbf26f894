/**
 * The web UI's extra sorts: the span list by start time, latency and tokens, and the trace list
 * by an annotation's score, each a keyset on (key, row id) whose pages, walked to the end, give
 * every row once in exactly the order a reader expects (ties by row id; spans without tokens
 * and traces without a score last when descending).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { UNSCORED_SORT_KEY } from '../annotation-sort.js';
import type { AnnotationUpsert } from '../annotation-store.js';
import { SPAN_SORTS, spanSortValue, type SpanSort } from '../span-sort.js';
import type { KeysetCursor, Store, StoredSpan, TraceRow } from '../store.js';
import { storePerBlock, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf } from './trace-fixtures.js';

/** start offset (ms), latency (ms), total tokens: ties on each key, and spans without tokens. */
const SPANS: [number, number, number | null][] = [
  [0, 30, 100],
  [10, 5, null],
  [10, 30, 40],
  [25, 80, 100],
  [40, 5, 7],
  [55, 30, null],
  [70, 1, 2000],
];

function compareSpans(sort: SpanSort, order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: StoredSpan, b: StoredSpan): number => {
    const ka = BigInt(spanSortValue(a, sort));
    const kb = BigInt(spanSortValue(b, sort));
    if (ka !== kb) return ka < kb ? -sign : sign;
    return (a.rowid - b.rowid) * sign;
  };
}

/** Every span of a sorted list, walking its keyset pages. */
async function sortedSpanPages(
  store: Store,
  projectId: number,
  sort: SpanSort,
  order: 'asc' | 'desc',
  limit: number,
  rootsOnly = false,
): Promise<StoredSpan[]> {
  const spans: StoredSpan[] = [];
  let cursor: KeysetCursor | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await store.listSpans(projectId, {
      limit,
      rootsOnly,
      sort: { key: sort, order, cursor },
    });
    spans.push(...page.items);
    if (page.nextCursor === null) return spans;
    assert.equal(page.items.length, limit, 'only the last page is short');
    assert.ok(page.nextSortValue !== undefined, 'a sorted page names its next key');
    cursor = { rowid: page.nextCursor, value: page.nextSortValue };
  }
  throw new Error('too many pages');
}

/** Every trace of a list by annotation score, walking its keyset pages. */
async function annotationSortedPages(
  store: Store,
  projectId: number,
  name: string,
  order: 'asc' | 'desc',
  limit: number,
): Promise<TraceRow[]> {
  const traces: TraceRow[] = [];
  let cursor: KeysetCursor | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await store.listTraces(projectId, {
      limit,
      sort: 'start_time',
      annotationSort: name,
      order,
      cursor,
    });
    traces.push(...page.items);
    if (page.nextCursor === null) return traces;
    assert.equal(page.items.length, limit, 'only the last page is short');
    cursor = page.nextCursor;
  }
  throw new Error('too many pages');
}

function annotation(targetId: string, name: string, score: number | null, identifier = '') {
  return {
    targetId,
    name,
    annotatorKind: 'LLM',
    label: score === null ? 'unscored' : null,
    score,
    explanation: null,
    metadata: {},
    identifier,
    source: 'API',
    userId: null,
  } satisfies AnnotationUpsert;
}

export function uiSortConformance(factory: StoreFactory): void {
  describe('span list sorts', () => {
    const store = storePerBlock(factory, async (s) => {
      // One batch a span, so rowids follow the array (ties then break by it).
      for (const [i, [offset, latency, tokens]] of SPANS.entries()) {
        const start = BASE_TIME + BigInt(offset) * MS;
        await s.insertSpans([
          spanRecord({
            projectName: 'span-sorts',
            traceId: traceIdOf(300 + i),
            spanId: spanIdOf(300 + i),
            startTimeUnixNano: start,
            endTimeUnixNano: start + BigInt(latency) * MS,
            spanKind: 'LLM',
            promptTokens: tokens === null ? null : tokens - 1,
            completionTokens: tokens === null ? null : 1,
            totalTokens: tokens,
          }),
        ]);
      }
      // A child span, to show that list filters still apply to a sorted list.
      await s.insertSpans([
        spanRecord({
          projectName: 'span-sorts',
          traceId: traceIdOf(300),
          spanId: spanIdOf(399),
          parentId: spanIdOf(300),
          startTimeUnixNano: BASE_TIME + 1n * MS,
          endTimeUnixNano: BASE_TIME + 500n * MS,
        }),
      ]);
    });

    for (const sort of SPAN_SORTS) {
      it(`pages spans by ${sort}, both orders, by keyset cursor`, async () => {
        const projectId = await projectIdOf(store(), 'span-sorts');
        const all = (await store().listSpans(projectId, { limit: 100 })).items;
        assert.equal(all.length, SPANS.length + 1);
        for (const order of ['asc', 'desc'] as const) {
          const expected = [...all].sort(compareSpans(sort, order)).map((s) => s.rowid);
          for (const limit of [1, 3, 100]) {
            const paged = await sortedSpanPages(store(), projectId, sort, order, limit);
            assert.deepEqual(
              paged.map((s) => s.rowid),
              expected,
              `${sort} ${order}, limit ${limit}`,
            );
          }
          const roots = await sortedSpanPages(store(), projectId, sort, order, 2, true);
          assert.deepEqual(
            roots.map((s) => s.rowid),
            expected.filter((rowid) => all.find((s) => s.rowid === rowid)!.parentId === null),
            `${sort} ${order}, roots only`,
          );
        }
      });
    }

    it('puts spans without tokens below every counted span', async () => {
      const projectId = await projectIdOf(store(), 'span-sorts');
      const desc = await sortedSpanPages(store(), projectId, 'token_count_total', 'desc', 100);
      assert.deepEqual(
        desc.map((s) => s.totalTokens),
        [2000, 100, 100, 40, 7, null, null, null],
      );
    });
  });

  describe('trace list by annotation score', () => {
    const store = storePerBlock(factory, async (s) => {
      for (let i = 0; i < 6; i++) {
        await s.insertSpans([
          spanRecord({
            projectName: 'annotation-sort',
            traceId: traceIdOf(400 + i),
            spanId: spanIdOf(400 + i),
            startTimeUnixNano: BASE_TIME + BigInt(i) * MS,
          }),
        ]);
      }
      const reject = { onMissingTarget: 'reject' } as const;
      // 400: its own 0.9; 401: mean of two identifiers, 0.5; 402: no trace annotation, its root
      // span's 0.7; 403: its own 0.2 overrides its root span's 1.0; 404: label only (unscored);
      // 405: none. A score of another name never counts.
      await s.annotations.upsertAnnotations(
        'trace',
        [
          annotation(traceIdOf(400), 'quality', 0.9),
          annotation(traceIdOf(401), 'quality', 0.2, 'run-1'),
          annotation(traceIdOf(401), 'quality', 0.8, 'run-2'),
          annotation(traceIdOf(403), 'quality', 0.2),
          annotation(traceIdOf(404), 'quality', null),
          annotation(traceIdOf(405), 'relevance', 5),
        ],
        reject,
      );
      await s.annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(402), 'quality', 0.7), annotation(spanIdOf(403), 'quality', 1)],
        reject,
      );
    });

    it('orders traces by the score, unscored last when descending, and pages by keyset', async () => {
      const projectId = await projectIdOf(store(), 'annotation-sort');
      const ids = (traces: TraceRow[]) =>
        traces.map((trace) => Number.parseInt(trace.traceId, 16) - 400);
      for (const limit of [1, 2, 100]) {
        assert.deepEqual(
          ids(await annotationSortedPages(store(), projectId, 'quality', 'desc', limit)),
          [0, 2, 1, 3, 5, 4],
          `desc, limit ${limit}`,
        );
        assert.deepEqual(
          ids(await annotationSortedPages(store(), projectId, 'quality', 'asc', limit)),
          [4, 5, 3, 1, 2, 0],
          `asc, limit ${limit}`,
        );
      }
      assert.deepEqual(
        ids(await annotationSortedPages(store(), projectId, 'relevance', 'desc', 4)),
        [5, 4, 3, 2, 1, 0],
        'one scored trace, then the rest by row id',
      );
      const window = await store().listTraces(projectId, {
        limit: 10,
        sort: 'start_time',
        annotationSort: 'quality',
        order: 'desc',
        startTime: BASE_TIME + 1n * MS,
        endTime: BASE_TIME + 4n * MS,
      });
      assert.deepEqual(ids(window.items), [2, 1, 3], 'the time window still applies');
      assert.ok(UNSCORED_SORT_KEY < -1e300);
    });
  });
}
