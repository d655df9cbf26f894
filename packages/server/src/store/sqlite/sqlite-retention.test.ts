/**
 * SQLite retention from the inside: a sweep removes the deleted spans' rows from the full-text
 * index (span_search) through the triggers of migration 0003, and the sweep runs on the writer
 * thread between span batches. What a sweep deletes, on any backend, is in
 * conformance/retention-conformance.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { NANOS_PER_DAY } from '../retention-policy.js';
import { SqliteStore } from './sqlite-store.js';

const NOW = BASE_TIME;

function trace(no: number, daysAgo: number) {
  return [1, 2].map((n) =>
    spanRecord({
      projectName: 'indexed',
      traceId: traceIdOf(no),
      spanId: spanIdOf(no * 10 + n),
      parentId: n === 1 ? null : spanIdOf(no * 10 + 1),
      startTimeUnixNano: NOW - BigInt(daysAgo) * NANOS_PER_DAY + BigInt(n),
      attributes: { input: { value: `text of span ${no * 10 + n}` } },
    }),
  );
}

describe('SQLite retention sweep', () => {
  let dir: string;
  let store: SqliteStore;
  let db: Database.Database;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-retention-'));
    store = await SqliteStore.open({
      path: join(dir, 'heron.db'),
      synchronous: 'NORMAL',
      readerThreads: 1,
    });
    db = new Database(join(dir, 'heron.db'), { readonly: true });
  });
  after(async () => {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const indexedSpanIds = () =>
    (
      db
        .prepare('SELECT s.span_id FROM span_search JOIN spans s ON s.id = span_search.rowid')
        .pluck()
        .all() as string[]
    ).sort();
  const indexedRows = () => db.prepare('SELECT count(*) FROM span_search').pluck().get();

  it('drops the deleted spans from the search index', async () => {
    await store.insertSpans([...trace(1, 30), ...trace(2, 30), ...trace(3, 1)]);
    const all = [11, 12, 21, 22, 31, 32].map(spanIdOf);
    const deadline = Date.now() + 60_000;
    while (indexedRows() !== 6) {
      assert.ok(Date.now() < deadline, 'the background indexer reached every span');
      await sleep(25);
    }
    assert.deepEqual(indexedSpanIds(), all);

    const result = await store.sweepRetention({
      maxTraces: 100,
      defaultPolicy: { maxAgeDays: 7, maxTraces: null },
      nowUnixNano: NOW,
    });
    assert.equal(result.deletedTraces, 2);
    assert.equal(indexedRows(), 2, 'no index row is left for a deleted span');
    assert.deepEqual(indexedSpanIds(), [spanIdOf(31), spanIdOf(32)]);
    assert.equal(db.prepare('SELECT count(*) FROM search_reindex_queue').pluck().get(), 0);
  });

  it('interleaves with span batches on the writer thread', async () => {
    const spans = [];
    for (let no = 100; no < 160; no++) spans.push(...trace(no, no % 2 === 0 ? 30 : 0));
    // Ingestion and sweep steps sent together: each is one transaction, none fails, and the
    // sweeps delete exactly the old traces that were committed before them.
    const writes = [];
    const sweeps = [];
    for (let i = 0; i < spans.length; i += 10) {
      writes.push(store.insertSpans(spans.slice(i, i + 10)));
      sweeps.push(
        store.sweepRetention({
          maxTraces: 3,
          defaultPolicy: { maxAgeDays: 7, maxTraces: null },
          nowUnixNano: NOW,
        }),
      );
    }
    await Promise.all(writes);
    let deleted = (await Promise.all(sweeps)).reduce((sum, r) => sum + r.deletedTraces, 0);
    for (;;) {
      const result = await store.sweepRetention({
        maxTraces: 3,
        defaultPolicy: { maxAgeDays: 7, maxTraces: null },
        nowUnixNano: NOW,
      });
      deleted += result.deletedTraces;
      if (!result.more) break;
    }
    assert.equal(deleted, 30);
    for (let no = 100; no < 160; no++) {
      assert.equal((await store.getTrace(traceIdOf(no))) === null, no % 2 === 0, `trace ${no}`);
    }
  });
});
