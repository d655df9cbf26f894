import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spanRecord } from '../../testing/span-record-fixture.js';
import { QueryTimeoutError } from '../query-timeout-error.js';
import { SqliteStore } from './sqlite-store.js';

/** A condition that takes seconds to evaluate: counting to 20 million in SQL. */
const SLOW = {
  sql: `(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000)
         SELECT count(*) FROM c) > 0`,
  params: [],
};

describe('reads in reader threads', () => {
  let dir: string;
  let store: SqliteStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-reads-'));
    store = await SqliteStore.open({
      path: join(dir, 'heron.db'),
      synchronous: 'NORMAL',
      readerThreads: 1,
      queryTimeoutMs: 300,
    });
    await store.insertSpans([spanRecord({ projectName: 'p' })]);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a read past the time limit is answered at once with a clear error; the event loop stays free', async () => {
    const projectId = (await store.getProjectByName('p'))!.rowid;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    await assert.rejects(store.listSpans(projectId, { limit: 10, filter: SLOW }), (error) => {
      assert.ok(error instanceof QueryTimeoutError);
      assert.match(
        error.message,
        /longer than 0.3 s and was abandoned.*HERON_QUERY_TIMEOUT_SECONDS/,
      );
      return true;
    });
    clearInterval(ticker);
    assert.ok(Date.now() - started < 5_000, 'stopped near the limit, not when it finished');
    assert.ok(ticks >= 5, `the event loop kept running (${ticks} ticks)`);
  });

  it('the next read gets a fresh reader thread', async () => {
    const projectId = (await store.getProjectByName('p'))!.rowid;
    const page = await store.listSpans(projectId, { limit: 10 });
    assert.equal(page.items.length, 1);
    await store.ping();
  });

  it('reads wait for a free thread instead of failing', async () => {
    const projectId = (await store.getProjectByName('p'))!.rowid;
    const pages = await Promise.all(
      Array.from({ length: 20 }, () => store.listSpans(projectId, { limit: 1 })),
    );
    assert.ok(pages.every((page) => page.items.length === 1));
  });
});
