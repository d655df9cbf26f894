/**
 * Live-update notices on a real PostgreSQL: two store "nodes" on one schema, each with its own
 * LISTEN feed. A write through either node reaches both feeds once, only after it committed;
 * a rolled-back write reaches none; another schema's feed hears nothing; a feed whose
 * connection is killed reconnects.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PostgresChangeFeed } from '../../live/postgres-change-feed.js';
import type { SpanRecord } from '../../spans/span-record.js';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { eventuallyEqual } from '../conformance/eventually.js';
import type { StoreChange } from '../store-change.js';
import { changeChannelName, NOTIFY_PAYLOAD_MAX_BYTES } from './postgres-change-payload.js';
import { PostgresStore } from './postgres-store.js';
import {
  createTestSchema,
  postgresUnavailable,
  TEST_DATABASE_URL,
  type TestSchema,
} from './postgres-test-database.js';

const skip = await postgresUnavailable();

/** A feed and everything it heard. */
interface Listening {
  feed: PostgresChangeFeed;
  heard: StoreChange[];
  log: string[];
}

async function listen(schema: string): Promise<Listening> {
  const heard: StoreChange[] = [];
  const log: string[] = [];
  const feed = await PostgresChangeFeed.start({
    url: TEST_DATABASE_URL,
    schema,
    log: { info: (m) => log.push(m), warn: (m) => log.push(m) },
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
  });
  feed.subscribe((change) => heard.push(change));
  return { feed, heard, log };
}

describe('PostgreSQL live-update notices', { skip }, () => {
  let db: TestSchema;
  let other: TestSchema;
  let nodes: PostgresStore[];
  let feeds: Listening[];
  let otherFeed: Listening;
  let traceNo = 1;

  before(async () => {
    db = await createTestSchema();
    other = await createTestSchema();
    const channel = changeChannelName(db.schema);
    // The pools belong to the test schema, which ends them; the stores are not closed.
    nodes = [0, 1].map(() => new PostgresStore(db.newPool(), null, undefined, {}, channel));
    feeds = await Promise.all([listen(db.schema), listen(db.schema)]);
    otherFeed = await listen(other.schema);
  });
  after(async () => {
    await Promise.all([...feeds, otherFeed].map((l) => l?.feed.close()));
    await db?.drop();
    await other?.drop();
  });
  beforeEach(() => {
    for (const l of [...feeds, otherFeed]) l.heard.length = 0;
  });

  const trace = (project: string, spans: number): SpanRecord[] => {
    const traceId = traceIdOf(traceNo++);
    return Array.from({ length: spans }, (_, i) =>
      spanRecord({ projectName: project, traceId, spanId: spanIdOf(i + 1) }),
    );
  };
  const everyFeedHears = async (expected: StoreChange[]) => {
    for (const l of feeds) await eventuallyEqual(async () => l.heard, expected);
  };

  it('a batch written through one node reaches every node once, with its projects', async () => {
    const a = trace('pg-live-a', 3);
    const b = trace('pg-live-b', 2);
    await nodes[0]!.insertSpans([...a, ...b]);
    const id = async (name: string) => (await nodes[0]!.getProjectByName(name))!.rowid;
    await everyFeedHears([
      {
        type: 'spans',
        projectId: await id('pg-live-a'),
        projectName: 'pg-live-a',
        traceIds: [a[0]!.traceId],
        spanCount: 3,
      },
      {
        type: 'spans',
        projectId: await id('pg-live-b'),
        projectName: 'pg-live-b',
        traceIds: [b[0]!.traceId],
        spanCount: 2,
      },
    ]);
    await sleep(100);
    assert.equal(feeds[0]!.heard.length, 2, 'heard once, not twice');
    assert.deepEqual(otherFeed.heard, [], 'another schema hears nothing');
  });

  it('a span joining a trace of another project is reported in the trace’s project', async () => {
    const first = trace('pg-live-home', 1);
    await nodes[0]!.insertSpans(first);
    await everyFeedHears([
      {
        type: 'spans',
        projectId: (await nodes[0]!.getProjectByName('pg-live-home'))!.rowid,
        projectName: 'pg-live-home',
        traceIds: [first[0]!.traceId],
        spanCount: 1,
      },
    ]);
    for (const l of feeds) l.heard.length = 0;
    const late = { ...first[0]!, projectName: 'pg-live-elsewhere', spanId: spanIdOf(7) };
    await nodes[1]!.insertSpans([late]);
    // Every feed, so that no notice of this test arrives after the next test cleared them.
    for (const l of feeds) {
      await eventuallyEqual(async () => l.heard.map((c) => c.projectName), ['pg-live-home']);
    }
  });

  it('a rolled-back write announces nothing', async () => {
    const bad = trace('pg-live-bad', 2).map((s, i) => ({
      ...s,
      statusCode: (i === 1 ? 'BROKEN' : 'OK') as SpanRecord['statusCode'],
    }));
    await assert.rejects(nodes[0]!.insertSpans(bad));
    // A good write after it: once that is heard, the bad one would have been heard before it.
    const good = trace('pg-live-good', 1);
    await nodes[0]!.insertSpans(good);
    for (const l of feeds) {
      await eventuallyEqual(async () => l.heard.length, 1);
      assert.deepEqual(
        l.heard.map((c) => c.projectName),
        ['pg-live-good'],
      );
    }
  });

  it('deletes and moves are announced with the project they changed', async () => {
    const spans = trace('pg-live-del', 2);
    const moved = trace('pg-live-del', 4);
    await nodes[0]!.insertSpans([...spans, ...moved]);
    const projectId = (await nodes[0]!.getProjectByName('pg-live-del'))!.rowid;
    const destination = (await nodes[1]!.createProject('pg-live-dest', null))!;
    for (const l of feeds) await eventuallyEqual(async () => l.heard.length, 1);
    for (const l of feeds) l.heard.length = 0;

    const traceRow = (await nodes[1]!.getTrace(spans[0]!.traceId))!;
    await nodes[1]!.deleteTrace(traceRow.rowid);
    assert.equal(await nodes[1]!.deleteTrace(traceRow.rowid), false);
    const movedRow = (await nodes[0]!.getTrace(moved[0]!.traceId))!;
    await nodes[0]!.transferTraces([movedRow.rowid], destination.rowid);
    await nodes[1]!.deleteProject(destination.rowid);
    const deleted = (id: number, name: string, traceIds: string[]): StoreChange => ({
      type: 'deleted',
      projectId: id,
      projectName: name,
      traceIds,
    });
    await everyFeedHears([
      deleted(projectId, 'pg-live-del', [spans[0]!.traceId]),
      deleted(projectId, 'pg-live-del', [moved[0]!.traceId]),
      {
        type: 'spans',
        projectId: destination.rowid,
        projectName: 'pg-live-dest',
        traceIds: [moved[0]!.traceId],
        spanCount: 4,
      },
      deleted(destination.rowid, 'pg-live-dest', []),
    ]);
  });

  it('a batch of very many traces fits NOTIFY’s 8000 bytes: trace ids cut, span count exact', async () => {
    const spans = Array.from({ length: 600 }, () => trace('pg-live-many', 1)).flat();
    await nodes[0]!.insertSpans(spans);
    await eventuallyEqual(async () => feeds[0]!.heard.length, 1);
    const [change] = feeds[0]!.heard as [StoreChange & { type: 'spans' }];
    assert.equal(change.spanCount, 600);
    assert.ok(
      change.traceIds.length > 100 && change.traceIds.length < 600,
      `${change.traceIds.length}`,
    );
    assert.ok(Buffer.byteLength(JSON.stringify(change)) <= NOTIFY_PAYLOAD_MAX_BYTES);
  });

  it('a feed whose connection is killed reconnects (and says so) and hears writes again', async () => {
    const { feed, heard, log } = feeds[0]!;
    const pid = feed.listenerPid;
    assert.ok(pid !== null);
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventuallyEqual(async () => feed.listenerPid !== null && feed.listenerPid !== pid, true);
    assert.match(log.join('\n'), /no LISTEN connection to PostgreSQL/);
    assert.match(log.join('\n'), /connection restored/);
    await nodes[1]!.insertSpans(trace('pg-live-after', 1));
    await eventuallyEqual(async () => heard.map((c) => c.projectName), ['pg-live-after']);
  });
});
