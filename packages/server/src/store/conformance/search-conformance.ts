/**
 * Full-text search (`search` in span and trace lists): a span matches when its input or output
 * text (spans/span-search-text.ts: `input.value`, `output.value`, message contents) contains
 * the needle, case- and accent-insensitively, in any script.
 *
 * A backend may index in the background, so every expectation is polled through the Store API
 * until it holds (eventually.ts); a backend whose search is exact at once passes at the first
 * poll. That search is exact at once on SQLite is checked in sqlite/search-indexer.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanListQuery, Store } from '../store.js';
import { eventuallyEqual } from './eventually.js';
import { storePerBlock, storePerTest, type StoreFactory } from './store-factory.js';
import { projectIdOf, spanBySpanId, twoSpanTrace } from './trace-fixtures.js';

/** The trace ids of the spans a search finds in a project, newest span first. */
function spanSearch(store: Store, project: string, query: Omit<SpanListQuery, 'limit'> = {}) {
  return async (needle: string): Promise<string[]> => {
    const projectId = await projectIdOf(store, project);
    const page = await store.listSpans(projectId, { limit: 100, ...query, search: needle });
    return page.items.map((s) => s.traceId);
  };
}

/** A span with text on its output side and in its input messages, not in `input.value`. */
function messagesTrace(no: number, project: string) {
  return spanRecord({
    projectName: project,
    traceId: traceIdOf(no),
    spanId: spanIdOf(no * 10 + 1),
    spanKind: 'LLM',
    attributes: {
      llm: {
        input_messages: [
          { message: { role: 'system', content: 'You are a travel guide.' } },
          {
            message: {
              role: 'user',
              contents: [{ message_content: { type: 'text', text: 'Tell me about Αθήνα' } }],
            },
          },
        ],
      },
      output: { value: 'The capital of Norway is OSLO.' },
    },
  });
}

export function searchConformance(factory: StoreFactory): void {
  describe('search', () => {
    // Tests here only read the fixture, so they share one store.
    const store = storePerBlock(factory, async (s) => {
      await s.insertSpans([
        ...twoSpanTrace(30, 'search', { input: 'Wie geht es Ihnen? Grüße aus München' }),
        ...twoSpanTrace(31, 'search', { input: '今日は東京で会議があります' }),
        ...twoSpanTrace(32, 'search', { input: 'Crème brûlée recipe' }),
        messagesTrace(33, 'search'),
      ]);
      await s.insertSpans(twoSpanTrace(40, 'other', { input: 'München again' }));
      for (let no = 50; no < 55; no++) {
        await s.insertSpans(twoSpanTrace(no, 'many', { input: `a needle, number ${no}` }));
      }
    });

    it('finds text in any script, ignoring case and accents', async () => {
      const find = spanSearch(store(), 'search');
      await eventuallyEqual(() => find('münchen'), [traceIdOf(30)]);
      await eventuallyEqual(() => find('MUNCHEN'), [traceIdOf(30)]);
      await eventuallyEqual(() => find('東京で'), [traceIdOf(31)]);
      await eventuallyEqual(() => find('東京'), [traceIdOf(31)], 'a needle of two characters');
      await eventuallyEqual(() => find('brulee'), [traceIdOf(32)]);
      await eventuallyEqual(() => find('CRÈME BRÛLÉE'), [traceIdOf(32)]);
      await eventuallyEqual(() => find('no such words'), []);
    });

    it('searches the output side and message contents', async () => {
      const find = spanSearch(store(), 'search');
      await eventuallyEqual(() => find('norway is oslo'), [traceIdOf(33)]);
      await eventuallyEqual(() => find('travel guide'), [traceIdOf(33)]);
      // Case only: SQLite's index strips accents from Latin letters alone (see the docs).
      await eventuallyEqual(() => find('ΑΘΉΝΑ'), [traceIdOf(33)]);
    });

    it("finds only the project's own spans", async () => {
      await eventuallyEqual(() => spanSearch(store(), 'other')('münchen'), [traceIdOf(40)]);
      await eventuallyEqual(() => spanSearch(store(), 'other')('brulee'), []);
      await eventuallyEqual(() => spanSearch(store(), 'search')('again'), []);
    });

    it('lists the traces that have a matching span', async () => {
      const projectId = await projectIdOf(store(), 'search');
      const traces = async (search: string) =>
        (
          await store().listTraces(projectId, {
            limit: 10,
            sort: 'start_time',
            order: 'asc',
            search,
          })
        ).items.map((t) => t.traceId);
      await eventuallyEqual(() => traces('münchen'), [traceIdOf(30)]);
      await eventuallyEqual(() => traces('OSLO'), [traceIdOf(33)]);
      await eventuallyEqual(() => traces('brulee'), [traceIdOf(32)]);
      await eventuallyEqual(() => traces('no such words'), []);
    });

    it('combines search with the other conditions and pages newest first', async () => {
      const projectId = await projectIdOf(store(), 'many');
      const expected = [54, 53, 52, 51, 50].map(traceIdOf);
      await eventuallyEqual(() => spanSearch(store(), 'many')('NEEDLE'), expected);
      const paged: string[] = [];
      let cursor: number | undefined;
      do {
        const page = await store().listSpans(projectId, { limit: 2, cursor, search: 'needle' });
        paged.push(...page.items.map((s) => s.traceId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      // The search above waited for the index: the pages must agree with it at once.
      assert.deepEqual(paged, expected);
      await eventuallyEqual(
        () => spanSearch(store(), 'many', { rootsOnly: true })('needle'),
        expected,
      );
      await eventuallyEqual(
        () => spanSearch(store(), 'many', { spanKinds: ['LLM'] })('needle'),
        [],
      );
      await eventuallyEqual(
        () => spanSearch(store(), 'many', { traceIds: [traceIdOf(52)] })('number 5'),
        [traceIdOf(52)],
      );
    });
  });

  describe('search after writes', () => {
    const store = storePerTest(factory);

    it('re-indexes a re-sent span: the old text no longer matches', async () => {
      await store().insertSpans(twoSpanTrace(32, 'search', { input: 'Crème brûlée recipe' }));
      const find = spanSearch(store(), 'search');
      await eventuallyEqual(() => find('brulee'), [traceIdOf(32)]);
      await store().insertSpans(twoSpanTrace(32, 'search', { input: 'Tarte tatin' }).slice(0, 1));
      await eventuallyEqual(() => find('brulee'), []);
      await eventuallyEqual(() => find('tatin'), [traceIdOf(32)]);
    });

    it('forgets a deleted span, and finds a moved trace in its new project', async () => {
      await store().insertSpans(twoSpanTrace(1, 'from', { input: 'delete me soon' }));
      await store().insertSpans(twoSpanTrace(2, 'from', { input: 'move me soon' }));
      await eventuallyEqual(
        () => spanSearch(store(), 'from')('me soon'),
        [traceIdOf(2), traceIdOf(1)],
      );
      await store().deleteSpan((await spanBySpanId(store(), spanIdOf(11))).rowid);
      await eventuallyEqual(() => spanSearch(store(), 'from')('delete me'), []);

      const destination = (await store().createProject('to', null))!;
      const moved = (await store().getTrace(traceIdOf(2)))!;
      await store().transferTraces([moved.rowid], destination.rowid);
      await eventuallyEqual(() => spanSearch(store(), 'to')('move me'), [traceIdOf(2)]);
      await eventuallyEqual(() => spanSearch(store(), 'from')('move me'), []);
    });
  });
}
