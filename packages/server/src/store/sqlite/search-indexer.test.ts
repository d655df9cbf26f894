/**
 * SQLite's full-text search from the inside: the background indexer fills `span_search` up to
 * its watermark, and until it has, spans it has not reached (or must index again) are scanned,
 * so results are exact at once. What search finds, on any backend, is in
 * conformance/search-conformance.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { spanIdOf, traceIdOf } from '../../testing/span-record-fixture.js';
import { twoSpanTrace } from '../conformance/trace-fixtures.js';
import { SqliteStore } from './sqlite-store.js';

describe('SQLite search index', () => {
  let dir: string;
  let path: string;
  let store: SqliteStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-search-'));
    path = join(dir, 'heron.db');
    store = await SqliteStore.open({ path, synchronous: 'NORMAL' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function find(text: string): Promise<string[]> {
    const projectId = (await store.getProjectByName('search'))!.rowid;
    const page = await store.listSpans(projectId, { limit: 10, search: text });
    return page.items.map((s) => s.traceId);
  }

  /** Waits for the background indexer to reach the newest span and empty its queue. */
  async function indexCaughtUp(db: Database.Database): Promise<void> {
    // Generous: on a loaded CI machine the writer thread may get little CPU.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = db
        .prepare('SELECT indexed_through FROM search_index_state')
        .pluck()
        .get() as number;
      const max = db.prepare('SELECT MAX(id) FROM spans').pluck().get() as number;
      const queued = db.prepare('SELECT count(*) FROM search_reindex_queue').pluck().get();
      if (state >= max && queued === 0) return;
      assert.ok(Date.now() < deadline, `index stuck at ${state} of ${max}, ${queued} queued`);
      await sleep(50);
    }
  }

  it('answers exactly before the index catches up, and fills the index behind', async () => {
    await store.insertSpans([
      ...twoSpanTrace(30, 'search', { input: 'Wie geht es Ihnen? Grüße aus München' }),
      ...twoSpanTrace(31, 'search', { input: '今日は東京で会議があります' }),
      ...twoSpanTrace(32, 'search', { input: 'Crème brûlée recipe' }),
    ]);
    // Whether or not the indexer has run yet, results are the same: no waiting here.
    assert.deepEqual(await find('münchen'), [traceIdOf(30)]);
    assert.deepEqual(await find('MUNCHEN'), [traceIdOf(30)]);
    assert.deepEqual(await find('東京で'), [traceIdOf(31)]);
    assert.deepEqual(await find('brulee'), [traceIdOf(32)]);

    const db = new Database(path, { readonly: true });
    try {
      await indexCaughtUp(db);
      const hits = db
        .prepare(`SELECT rowid FROM span_search WHERE span_search MATCH ?`)
        .pluck()
        .all('input : "brulee"') as number[];
      const span = (await store.findSpansBySpanId(spanIdOf(321)))[0]!;
      assert.deepEqual(hits, [span.rowid]);
      assert.deepEqual(await find('brulee'), [traceIdOf(32)]);

      // A re-sent span with new text is re-indexed; meanwhile the old text no longer matches.
      await store.insertSpans(twoSpanTrace(32, 'search', { input: 'Tarte tatin' }).slice(0, 1));
      assert.deepEqual(await find('brulee'), []);
      assert.deepEqual(await find('tatin'), [traceIdOf(32)]);
      await indexCaughtUp(db);
      const match = db.prepare(`SELECT rowid FROM span_search WHERE span_search MATCH ?`).pluck();
      assert.deepEqual(match.all('input : "tatin"'), [span.rowid]);
      assert.deepEqual(match.all('input : "brulee"'), []);
      assert.deepEqual(await find('brulee'), []);
      assert.deepEqual(await find('tatin'), [traceIdOf(32)]);
    } finally {
      db.close();
    }
  });
  it('indexes new spans that take the row ids of deleted ones', async () => {
    const db = new Database(path, { readonly: true });
    try {
      await store.insertSpans(twoSpanTrace(40, 'search', { input: 'Lorem ipsum pelican' }));
      await indexCaughtUp(db);
      // Deleting the newest spans frees their row ids, which the index has already covered;
      // SQLite gives them to the next spans written.
      const newest = (await store.getTrace(traceIdOf(40)))!;
      assert.ok(await store.deleteTrace(newest.rowid));
      await store.insertSpans(twoSpanTrace(41, 'search', { input: 'Flamingo sunset' }));
      assert.deepEqual(await find('flamingo'), [traceIdOf(41)]);
      assert.deepEqual(await find('pelican'), []);
      await indexCaughtUp(db);
      assert.deepEqual(await find('flamingo'), [traceIdOf(41)]);
      const match = db.prepare(`SELECT rowid FROM span_search WHERE span_search MATCH ?`).pluck();
      const span = (await store.findSpansBySpanId(spanIdOf(411)))[0]!;
      assert.deepEqual(match.all('input : "flamingo"'), [span.rowid]);
    } finally {
      db.close();
    }
  });
});
