import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SpanRecord } from '../spans/span-record.js';
import type { Store } from '../store/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { spanIdOf, spanRecord, traceIdOf } from '../testing/span-record-fixture.js';
import { IngestQueue, QueueClosedError, QueueFullError } from './ingest-queue.js';

/**
 * Both ways of grouping commits: the SQLite store groups concurrent requests in its writer
 * thread (the queue hands each over at once), and a store that does not (PostgreSQL) gets them
 * batched by the queue. The second is the same real SQLite store with its grouping flag off, so
 * the queue batches and the writer sees one request per batch.
 */
const MODES = [
  { name: 'the store groups commits (SQLite writer thread)', storeGroups: true },
  { name: 'the queue groups commits', storeGroups: false },
] as const;

for (const mode of MODES) {
  describe(`IngestQueue: ${mode.name}`, () => {
    let dir: string;
    let sqlite: SqliteStore;
    let store: Store;
    let traceNo = 1;

    /** A store whose writer takes at most `maxBatchSpans` spans per transaction. */
    async function openStore(name: string, maxBatchSpans?: number): Promise<SqliteStore> {
      return SqliteStore.open({ path: join(dir, name), synchronous: 'NORMAL', maxBatchSpans });
    }
    const asMode = (s: SqliteStore): Store =>
      mode.storeGroups
        ? s
        : Object.assign(Object.create(s) as Store, { groupsConcurrentInserts: false });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'heron-queue-'));
      sqlite = await openStore('heron.db');
      store = asMode(sqlite);
      assert.equal(Boolean(store.groupsConcurrentInserts), mode.storeGroups);
    });
    after(async () => {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const request = (spans: number, project = 'queue'): SpanRecord[] => {
      const traceId = traceIdOf(traceNo++);
      return Array.from({ length: spans }, (_, i) =>
        spanRecord({ projectName: project, traceId, spanId: spanIdOf(i + 1) }),
      );
    };

    it('commits concurrent requests together (group commit) and acks each after commit', async () => {
      const queue = new IngestQueue(store, { maxQueuedSpans: 10_000, maxBatchSpans: 1_000 });
      const requests = Array.from({ length: 20 }, () => request(3));
      await Promise.all(requests.map((spans) => queue.submit(spans)));
      assert.equal(queue.stats.committedSpans, 60);
      // The first request commits alone; the 19 that arrived meanwhile share the next commits.
      assert.ok(queue.stats.committedBatches < 20, `${queue.stats.committedBatches} batches`);
      for (const spans of requests) assert.ok(await store.getTrace(spans[0]!.traceId));
      assert.equal(queue.stats.queuedSpans, 0);
    });

    it('keeps batches within maxBatchSpans (but never splits a request)', async () => {
      // The limit is the queue's when it batches, the writer's when the store does.
      const small = await openStore('small-batches.db', 10);
      try {
        const queue = new IngestQueue(asMode(small), { maxQueuedSpans: 10_000, maxBatchSpans: 10 });
        const requests = Array.from({ length: 10 }, () => request(4));
        await Promise.all(requests.map((spans) => queue.submit(spans)));
        // 40 spans, at most two 4-span requests per batch after the first.
        assert.ok(queue.stats.committedBatches >= 5, `${queue.stats.committedBatches} batches`);
        for (const spans of requests)
          assert.equal((await small.getTrace(spans[0]!.traceId))?.spanCount, 4);
      } finally {
        await small.close();
      }
    });

    it('refuses spans beyond maxQueuedSpans at once, without queueing them', async () => {
      const queue = new IngestQueue(store, { maxQueuedSpans: 10, maxBatchSpans: 1_000 });
      const first = queue.submit(request(8));
      const overflow = request(5, 'overflow');
      await assert.rejects(queue.submit(overflow), QueueFullError);
      await first;
      assert.equal(await store.getTrace(overflow[0]!.traceId), null);
      // Once the queue has drained, the same request is accepted.
      await queue.submit(overflow);
      assert.ok(await store.getTrace(overflow[0]!.traceId));
    });

    it("fails only the request whose spans cannot be written, not its batch mates'", async () => {
      const queue = new IngestQueue(store, { maxQueuedSpans: 10_000, maxBatchSpans: 1_000 });
      const blocker = queue.submit(request(1)); // occupies the writer so the next two share a batch
      const good = request(2, 'isolation');
      const bad = request(1, 'isolation').map((s) => ({
        ...s,
        statusCode: 'BROKEN' as SpanRecord['statusCode'],
      }));
      const results = await Promise.allSettled([blocker, queue.submit(good), queue.submit(bad)]);
      assert.equal(results[0].status, 'fulfilled');
      assert.equal(results[1].status, 'fulfilled');
      assert.equal(results[2].status, 'rejected');
      assert.ok(await store.getTrace(good[0]!.traceId));
      assert.equal(await store.getTrace(bad[0]!.traceId), null);
      assert.equal(queue.stats.queuedSpans, 0);
    });

    it('drains what is queued on close and refuses new spans afterwards', async () => {
      const queue = new IngestQueue(store, { maxQueuedSpans: 10_000, maxBatchSpans: 1_000 });
      const pending = [queue.submit(request(2)), queue.submit(request(2))];
      await queue.close();
      assert.equal(queue.stats.committedSpans, 4, 'close resolved after both commits');
      await Promise.all(pending);
      await assert.rejects(queue.submit(request(1)), QueueClosedError);
    });

    it(
      'commits up to maxConcurrentCommits batches at once, and drains them all on close',
      {
        skip: mode.storeGroups && 'the store groups commits itself: the queue does not batch',
      },
      async () => {
        let running = 0;
        let most = 0;
        // The real store, watched: how many of its commits overlap.
        const watched = Object.create(store) as Store;
        watched.insertSpans = async (spans) => {
          running++;
          most = Math.max(most, running);
          try {
            return await store.insertSpans(spans);
          } finally {
            running--;
          }
        };
        const queue = new IngestQueue(watched, {
          maxQueuedSpans: 10_000,
          maxBatchSpans: 4,
          maxConcurrentCommits: 2,
        });
        const requests = Array.from({ length: 12 }, () => request(4));
        const pending = requests.map((spans) => queue.submit(spans));
        await queue.close();
        await Promise.all(pending);
        assert.equal(most, 2, 'two batches were committing at once, never more');
        assert.equal(queue.stats.committedSpans, 48);
        for (const spans of requests) assert.ok(await store.getTrace(spans[0]!.traceId));
      },
    );
  });
}
