import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InProcessChangeFeed } from '../../live/in-process-change-feed.js';
import type { SpanRecord } from '../../spans/span-record.js';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { StoreChange } from '../store-change.js';
import { SqliteStore } from './sqlite-store.js';

describe('SqliteStore live-update changes', () => {
  let dir: string;
  let store: SqliteStore;
  let feed: InProcessChangeFeed;
  let seen: StoreChange[];
  let unsubscribe: () => void;
  let traceNo = 1;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-changes-'));
    feed = new InProcessChangeFeed();
    store = await SqliteStore.open({
      path: join(dir, 'heron.db'),
      synchronous: 'NORMAL',
      changes: feed,
    });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    unsubscribe?.();
    seen = [];
    unsubscribe = feed.subscribe((change) => seen.push(change));
  });

  const trace = (project: string, spans: number): SpanRecord[] => {
    const traceId = traceIdOf(traceNo++);
    return Array.from({ length: spans }, (_, i) =>
      spanRecord({ projectName: project, traceId, spanId: spanIdOf(i + 1) }),
    );
  };
  const projectId = async (name: string) => (await store.getProjectByName(name))!.rowid;

  it('reports committed spans per project, after the commit', async () => {
    const a = trace('live-a', 3);
    const b = trace('live-a', 1);
    const c = trace('live-b', 2);
    let storedWhenTold = false;
    const stop = feed.subscribe(() => {
      // The change is reported only once the spans can be read.
      const row = store.readConnection
        .prepare('SELECT COUNT(*) AS n FROM spans WHERE trace_id = ?')
        .get(a[0]!.traceId) as { n: number };
      storedWhenTold = row.n === a.length;
    });
    await store.insertSpans([...a, ...b, ...c]);
    stop();
    assert.ok(storedWhenTold);
    assert.deepEqual(seen, [
      {
        type: 'spans',
        projectId: await projectId('live-a'),
        projectName: 'live-a',
        traceIds: [a[0]!.traceId, b[0]!.traceId],
        spanCount: 4,
      },
      {
        type: 'spans',
        projectId: await projectId('live-b'),
        projectName: 'live-b',
        traceIds: [c[0]!.traceId],
        spanCount: 2,
      },
    ]);
  });

  it('reports a span in its trace’s project, not the project it names', async () => {
    const first = trace('live-home', 1);
    await store.insertSpans(first);
    seen = [];
    const late = spanRecord({
      projectName: 'live-elsewhere',
      traceId: first[0]!.traceId,
      spanId: spanIdOf(99),
    });
    await store.insertSpans([late]);
    assert.deepEqual(
      seen.map((c) => [c.projectName, c.traceIds]),
      [['live-home', [first[0]!.traceId]]],
    );
  });

  it('reports nothing for a batch that failed', async () => {
    const bad = trace('live-bad', 1).map((s) => ({
      ...s,
      statusCode: 'BROKEN' as SpanRecord['statusCode'],
    }));
    await assert.rejects(store.insertSpans(bad));
    assert.deepEqual(seen, []);
  });

  it('reports deleted traces, spans, sessions and projects with their project', async () => {
    const spans = trace('live-del', 2);
    const sessionSpans = trace('live-del', 1).map((s) => ({ ...s, sessionId: 'conv-1' }));
    await store.insertSpans([...spans, ...sessionSpans]);
    const id = await projectId('live-del');
    seen = [];

    const span = (await store.findSpansBySpanId(spans[0]!.spanId)).find(
      (s) => s.traceId === spans[0]!.traceId,
    )!;
    await store.deleteSpan(span.rowid);
    const traceRow = (await store.getTrace(spans[0]!.traceId))!;
    await store.deleteTrace(traceRow.rowid);
    assert.equal(await store.deleteTrace(traceRow.rowid), false, 'already gone: no change');
    const session = (await store.getSession(id, 'conv-1'))!;
    await store.deleteSessions([session.rowid]);
    await store.deleteProject(id);

    const deleted = (traceIds: string[]) => ({
      type: 'deleted',
      projectId: id,
      projectName: 'live-del',
      traceIds,
    });
    assert.deepEqual(seen, [
      deleted([spans[0]!.traceId]),
      deleted([spans[0]!.traceId]),
      deleted([sessionSpans[0]!.traceId]),
      deleted([]),
    ]);
  });

  it('reports a move as deleted from the source and spans arriving in the destination', async () => {
    const spans = trace('live-from', 3);
    await store.insertSpans(spans);
    const destination = (await store.createProject('live-to', null))!;
    const traceRow = (await store.getTrace(spans[0]!.traceId))!;
    seen = [];
    await store.transferTraces([traceRow.rowid], destination.rowid);
    assert.deepEqual(seen, [
      {
        type: 'deleted',
        projectId: await projectId('live-from'),
        projectName: 'live-from',
        traceIds: [traceRow.traceId],
      },
      {
        type: 'spans',
        projectId: destination.rowid,
        projectName: 'live-to',
        traceIds: [traceRow.traceId],
        spanCount: 3,
      },
    ]);
  });

  it('does not describe changes while nobody listens', async () => {
    unsubscribe();
    assert.equal(feed.wanted, false);
    await store.insertSpans(trace('live-quiet', 1));
    assert.deepEqual(seen, []);
  });
});
