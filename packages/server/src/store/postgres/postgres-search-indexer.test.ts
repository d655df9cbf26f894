/**
 * PostgreSQL's full-text search from the inside: the writer queues each span's search text, the
 * indexer moves it into the trigram-indexed table, and searches are exact before, during and
 * after — for spans sent again with other text or none, for deleted spans, and with several
 * indexers at once. What search finds, on any backend, is in conformance/search-conformance.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { twoSpanTrace } from '../conformance/trace-fixtures.js';
import { PostgresSearchIndexer } from './postgres-search-indexer.js';
import { PostgresStore } from './postgres-store.js';
import {
  createTestSchema,
  postgresUnavailable,
  type TestSchema,
} from './postgres-test-database.js';

const skip = await postgresUnavailable();

describe('PostgreSQL search index', { skip }, () => {
  let db: TestSchema;
  let store: PostgresStore;

  before(async () => {
    db = await createTestSchema();
    // No background indexing: each test says when the index catches up.
    store = new PostgresStore(db.newPool(), null, undefined, {}, null, { background: false });
  });
  // Ends the store's pool too (it is one of the schema's pools).
  after(() => db?.drop());

  async function find(text: string, project = 'search'): Promise<string[]> {
    const projectId = (await store.getProjectByName(project))!.rowid;
    const page = await store.listSpans(projectId, { limit: 10, search: text });
    return page.items.map((s) => s.spanId);
  }

  async function findTraces(text: string, project = 'search'): Promise<string[]> {
    const projectId = (await store.getProjectByName(project))!.rowid;
    const page = await store.listTraces(projectId, {
      limit: 10,
      search: text,
      sort: 'start_time',
      order: 'desc',
    });
    return page.items.map((t) => t.traceId);
  }

  async function counts(): Promise<{ queued: number; indexed: number }> {
    const { rows } = await db.pool.query<{ queued: string; indexed: string }>(
      `SELECT (SELECT COUNT(*) FROM span_search_queue) AS queued,
              (SELECT COUNT(*) FROM span_search) AS indexed`,
    );
    return { queued: Number(rows[0]!.queued), indexed: Number(rows[0]!.indexed) };
  }

  it('finds spans while their text is queued and after it is indexed', async () => {
    await store.insertSpans([
      ...twoSpanTrace(30, 'search', { input: 'Wie geht es Ihnen? Grüße aus München' }),
      ...twoSpanTrace(31, 'search', { input: '今日は東京で会議があります' }),
    ]);
    assert.deepEqual(await counts(), { queued: 4, indexed: 0 });
    assert.deepEqual(await find('MUNCHEN'), [spanIdOf(301)]);
    assert.deepEqual(await find('東京で'), [spanIdOf(311)]);
    assert.deepEqual(await findTraces('münchen'), [traceIdOf(30)]);

    await store.searchIndexer.catchUp();
    assert.deepEqual(await counts(), { queued: 0, indexed: 4 });
    assert.deepEqual(await find('MUNCHEN'), [spanIdOf(301)]);
    assert.deepEqual(await find('東京で'), [spanIdOf(311)]);
    assert.deepEqual(await findTraces('münchen'), [traceIdOf(30)]);
    // Needles shorter than a trigram are scanned, in both tables alike.
    assert.deepEqual(await find('東'), [spanIdOf(311)]);
  });

  it('forgets the old text of a span sent again, indexed or still queued', async () => {
    const version = (input: string) => twoSpanTrace(32, 'search', { input }).slice(0, 1);
    await store.insertSpans(version('Crème brûlée recipe'));
    await store.searchIndexer.catchUp();
    assert.deepEqual(await find('brulee'), [spanIdOf(321)]);

    // Indexed text, then the span again with new text: only the new text matches.
    await store.insertSpans(version('Tarte tatin'));
    assert.deepEqual(await find('brulee'), []);
    assert.deepEqual(await find('tatin'), [spanIdOf(321)]);

    // Queued text replaced before the indexer got to it.
    await store.insertSpans(version('Far breton'));
    assert.deepEqual(await find('tatin'), []);
    assert.deepEqual(await find('breton'), [spanIdOf(321)]);

    await store.searchIndexer.catchUp();
    assert.deepEqual(await find('brulee'), []);
    assert.deepEqual(await find('tatin'), []);
    assert.deepEqual(await find('breton'), [spanIdOf(321)]);

    // Sent again without any text: nothing of it is found any more, queued or indexed.
    const bare = spanRecord({
      ...version('x')[0]!,
      attributes: {},
      inputPreview: null,
    });
    await store.insertSpans([bare]);
    assert.deepEqual(await find('breton'), []);
    await store.searchIndexer.catchUp();
    assert.deepEqual(await find('breton'), []);
    const rows = await db.pool.query(
      'SELECT 1 FROM span_search s JOIN spans ON spans.id = s.span_rowid WHERE spans.span_id = $1',
      [spanIdOf(321)],
    );
    assert.equal(rows.rowCount, 0, 'no indexed row left for a span without text');
  });

  it('drops the queued text of a span deleted before it was indexed', async () => {
    await store.insertSpans(twoSpanTrace(33, 'search', { input: 'Kouign-amann' }));
    const span = (await store.findSpansBySpanId(spanIdOf(331)))[0]!;
    assert.deepEqual(await find('kouign'), [spanIdOf(331)]);
    await store.deleteSpan(span.rowid);
    assert.deepEqual(await find('kouign'), []);
    await store.searchIndexer.catchUp();
    assert.deepEqual(await counts().then((c) => c.queued), 0);
    assert.deepEqual(await find('kouign'), []);
  });

  it('moves every queued span exactly once with several indexers at once', async () => {
    const spans = Array.from({ length: 60 }, (_, i) =>
      twoSpanTrace(100 + i, 'many', { input: `pastry number ${100 + i}` }),
    ).flat();
    await store.insertSpans(spans);
    const indexers = [0, 1, 2].map(
      () => new PostgresSearchIndexer(db.newPool(), { chunkSpans: 7 }),
    );
    await Promise.all(indexers.map((indexer) => indexer.catchUp()));
    const { rows } = await db.pool.query<{ spans: string; indexed: string }>(
      `SELECT COUNT(*) AS spans, COUNT(s.span_rowid) AS indexed
       FROM spans LEFT JOIN span_search s ON s.span_rowid = spans.id
       WHERE spans.project_id = (SELECT id FROM projects WHERE name = 'many')`,
    );
    assert.deepEqual(rows[0], { spans: '120', indexed: '120' });
    assert.equal((await counts()).queued, 0);
    assert.deepEqual(await find('number 142', 'many'), [spanIdOf(1421)]);
  });

  it('leaves the emptied queue with no pages for searches to scan', async () => {
    const spans = Array.from({ length: 150 }, (_, i) =>
      twoSpanTrace(500 + i, 'burst', { input: `burst ${i} ${'padding '.repeat(40)}` }),
    ).flat();
    await store.insertSpans(spans);
    const size = async () =>
      Number(
        (await db.pool.query<{ b: string }>("SELECT pg_relation_size('span_search_queue') AS b"))
          .rows[0]!.b,
      );
    assert.ok((await size()) > 0, 'the burst filled pages of the queue');
    await store.searchIndexer.catchUp();
    assert.equal(await size(), 0, 'truncated once indexed');
    assert.deepEqual(await find('burst 149', 'burst'), [spanIdOf(6491)]);
  });

  it('indexes in the background only once this node’s writes pause', async () => {
    const indexer = new PostgresSearchIndexer(db.newPool(), { quietMs: 50, pollMs: 20 });
    await store.insertSpans(twoSpanTrace(40, 'quiet', { input: 'Paris-Brest' }));
    indexer.writeStarted();
    indexer.start();
    try {
      // Generous: long enough for several polls, with a write still in flight.
      await sleep(300);
      assert.equal((await counts()).queued, 2, 'nothing indexed while a write is running');
      indexer.writeFinished();
      const deadline = Date.now() + 30_000;
      while ((await counts()).queued > 0) {
        assert.ok(Date.now() < deadline, 'the indexer caught up once the writes paused');
        await sleep(20);
      }
      assert.deepEqual(await find('paris-brest', 'quiet'), [spanIdOf(401)]);
    } finally {
      await indexer.stop();
    }
  });
});
