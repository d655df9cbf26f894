/**
 * Writes besides ingestion: project create/update/delete, deleting spans, traces and sessions
 * and moving traces between projects, each leaving every rollup as if the remaining spans had
 * been ingested alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { storePerTest, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf, spanBySpanId, threeSpanTrace, twoSpanTrace } from './trace-fixtures.js';

export function editConformance(factory: StoreFactory): void {
  describe('edits', () => {
    const store = storePerTest(factory);

    it('creates, reads, updates and deletes a project; names are unique', async () => {
      const created = await store().createProject('to', 'destination');
      assert.ok(created);
      assert.equal(created.name, 'to');
      assert.equal(created.description, 'destination');
      assert.ok(created.rowid > 0);
      assert.ok(!Number.isNaN(Date.parse(created.createdAt)), 'createdAt is ISO 8601');
      assert.equal(await store().createProject('to', null), null);
      assert.deepEqual(await store().getProjectById(created.rowid), created);
      assert.deepEqual(await store().getProjectByName('to'), created);

      const updated = await store().updateProject(created.rowid, null);
      assert.ok(updated);
      assert.equal(updated.description, null);
      assert.equal(updated.name, 'to');
      assert.equal(updated.createdAt, created.createdAt);
      assert.ok(Date.parse(updated.updatedAt) >= Date.parse(created.updatedAt));
      assert.deepEqual(await store().getProjectById(created.rowid), updated);
      assert.equal(await store().updateProject(created.rowid + 1_000, 'x'), null);

      assert.equal(await store().deleteProject(created.rowid), true);
      assert.equal(await store().deleteProject(created.rowid), false);
      assert.equal(await store().getProjectById(created.rowid), null);
      assert.equal(await store().getProjectByName('to'), null);
      assert.equal(await store().getProjectById(1_000_000_000), null);
    });

    it('deleting a project deletes everything in it; its name can be used again', async () => {
      await store().insertSpans([
        ...twoSpanTrace(1, 'doomed', { session: 's' }),
        ...twoSpanTrace(2, 'kept', { session: 's' }),
      ]);
      const doomed = await projectIdOf(store(), 'doomed');
      assert.equal(await store().deleteProject(doomed), true);
      assert.equal(await store().getTrace(traceIdOf(1)), null);
      assert.deepEqual(await store().findSpansBySpanId(spanIdOf(11)), []);
      const sessions = await store().findSessionsBySessionId('s');
      assert.deepEqual(
        sessions.map((s) => s.projectId),
        [await projectIdOf(store(), 'kept')],
      );
      assert.equal((await store().getTrace(traceIdOf(2)))!.spanCount, 2);

      // Spans naming the deleted project make a new one.
      await store().insertSpans(twoSpanTrace(1, 'doomed', { session: 's' }));
      const again = await projectIdOf(store(), 'doomed');
      const trace = (await store().getTrace(traceIdOf(1)))!;
      assert.equal(trace.projectId, again);
      assert.equal(trace.spanCount, 2);
      assert.equal((await store().getSession(again, 's'))!.traceCount, 1);
    });

    it('deleting a span recomputes its trace and session; the last span takes both away', async () => {
      await store().insertSpans([
        ...twoSpanTrace(1, 'edits', { session: 's1' }),
        ...twoSpanTrace(2, 'edits', { session: 's1' }),
      ]);
      const llm = await spanBySpanId(store(), spanIdOf(12));
      assert.deepEqual(await store().deleteSpan(llm.rowid), { traceDeleted: false });
      assert.equal(await store().getSpanByRowid(llm.rowid), null);
      const t1 = (await store().getTrace(traceIdOf(1)))!;
      assert.equal(t1.spanCount, 1);
      assert.equal(t1.totalTokens, 0);
      assert.equal(
        (await store().getSession(await projectIdOf(store(), 'edits'), 's1'))!.totalTokens,
        15,
      );
      const root = await spanBySpanId(store(), spanIdOf(11));
      assert.deepEqual(await store().deleteSpan(root.rowid), { traceDeleted: true });
      assert.equal(await store().getTrace(traceIdOf(1)), null);
      const session = (await store().getSession(await projectIdOf(store(), 'edits'), 's1'))!;
      assert.equal(session.traceCount, 1);
      assert.equal(session.totalTokens, 15);
      assert.equal(
        session.startTimeUnixNano,
        (await store().getTrace(traceIdOf(2)))!.startTimeUnixNano,
      );
      assert.equal(await store().deleteSpan(root.rowid), null);
    });

    it('deleting a root makes the earliest orphan the root; the session follows the spans left', async () => {
      // Only the root names session-a.
      await store().insertSpans(threeSpanTrace(1, 'orphaned'));
      const projectId = await projectIdOf(store(), 'orphaned');
      const root = await spanBySpanId(store(), spanIdOf(11));
      assert.deepEqual(await store().deleteSpan(root.rowid), { traceDeleted: false });
      const trace = (await store().getTrace(traceIdOf(1)))!;
      assert.equal(trace.rootSpanId, spanIdOf(12));
      assert.equal(trace.spanCount, 2);
      assert.equal(trace.startTimeUnixNano, BASE_TIME + 10n * MS);
      assert.equal(trace.endTimeUnixNano, BASE_TIME + 130n * MS);
      assert.equal(trace.errorCount, 1);
      assert.equal(trace.sessionId, null);
      assert.equal(await store().getSession(projectId, 'session-a'), null);
      // Children stay, still naming the parent that is gone.
      assert.equal((await spanBySpanId(store(), spanIdOf(12))).parentId, spanIdOf(11));
      const roots = await store().listSpans(projectId, { limit: 10, rootsOnly: true });
      assert.deepEqual(roots.items, []);
    });

    it('deleting a session takes its traces and spans; an emptied session disappears', async () => {
      await store().insertSpans([
        ...twoSpanTrace(3, 'sessions', { session: 'gone' }),
        ...twoSpanTrace(4, 'sessions', { session: 'kept' }),
      ]);
      const projectId = await projectIdOf(store(), 'sessions');
      const gone = (await store().getSession(projectId, 'gone'))!;
      assert.equal(await store().deleteSessions([gone.rowid, 1_000_000_000]), 1);
      assert.equal(await store().deleteSessions([]), 0);
      assert.equal(await store().getSessionByRowid(gone.rowid), null);
      assert.equal(await store().getTrace(traceIdOf(3)), null);
      assert.deepEqual(await store().findSpansBySpanId(spanIdOf(31)), []);
      const kept = (await store().getTrace(traceIdOf(4)))!;
      assert.equal(await store().deleteTrace(kept.rowid), true);
      assert.equal(await store().deleteTrace(kept.rowid), false);
      assert.equal(await store().getSession(projectId, 'kept'), null);
      assert.deepEqual(await store().findSpansBySpanId(spanIdOf(41)), []);
      assert.deepEqual((await store().listSpans(projectId, { limit: 10 })).items, []);
    });

    it("deleting one of a session's traces recomputes the session", async () => {
      await store().insertSpans([
        ...twoSpanTrace(1, 'p', { session: 's' }),
        ...twoSpanTrace(2, 'p', { session: 's', promptTokens: 90 }),
      ]);
      const projectId = await projectIdOf(store(), 'p');
      const t1 = (await store().getTrace(traceIdOf(1)))!;
      const t2 = (await store().getTrace(traceIdOf(2)))!;
      assert.equal((await store().getSession(projectId, 's'))!.totalTokens, 110);
      assert.equal(await store().deleteTrace(t2.rowid), true);
      const session = (await store().getSession(projectId, 's'))!;
      assert.equal(session.traceCount, 1);
      assert.equal(session.startTimeUnixNano, t1.startTimeUnixNano);
      assert.equal(session.endTimeUnixNano, t1.endTimeUnixNano);
      assert.equal(session.totalTokens, 15);
      assert.deepEqual(
        (await store().listSessionTraces(session.rowid)).map((t) => t.rowid),
        [t1.rowid],
      );
    });

    it('transferring a trace moves its spans and its session membership', async () => {
      await store().insertSpans([
        ...twoSpanTrace(5, 'from', { session: 'move' }),
        ...twoSpanTrace(6, 'from', { session: 'move' }),
      ]);
      const destination = (await store().createProject('to', 'destination'))!;
      assert.equal(await store().createProject('to', null), null);
      const from = await projectIdOf(store(), 'from');
      const t5 = (await store().getTrace(traceIdOf(5)))!;
      assert.equal(await store().transferTraces([t5.rowid], destination.rowid), 1);
      const moved = (await store().getTrace(traceIdOf(5)))!;
      assert.equal(moved.projectId, destination.rowid);
      assert.equal(moved.sessionId, 'move');
      assert.equal(moved.rowid, t5.rowid);
      const spans = await store().listSpans(destination.rowid, { limit: 10 });
      assert.equal(spans.items.length, 2);
      assert.ok(spans.items.every((s) => s.projectId === destination.rowid));
      const there = (await store().getSession(destination.rowid, 'move'))!;
      assert.equal(there.traceCount, 1);
      assert.equal(there.startTimeUnixNano, t5.startTimeUnixNano);
      assert.equal(there.endTimeUnixNano, t5.endTimeUnixNano);
      assert.equal(there.totalTokens, 15);
      const left = (await store().getSession(from, 'move'))!;
      assert.equal(left.traceCount, 1);
      assert.equal(
        left.startTimeUnixNano,
        (await store().getTrace(traceIdOf(6)))!.startTimeUnixNano,
      );
      assert.equal((await store().listSpans(from, { limit: 10 })).items.length, 2);
      // Moving to where it already is, or a trace that does not exist, moves nothing.
      assert.equal(await store().transferTraces([t5.rowid], destination.rowid), 0);
      assert.equal(await store().transferTraces([1_000_000_000], destination.rowid), 0);

      // Spans arriving later for the moved trace join it in its new project.
      await store().insertSpans([
        spanRecord({
          projectName: 'from',
          traceId: traceIdOf(5),
          spanId: spanIdOf(53),
          parentId: spanIdOf(51),
        }),
      ]);
      assert.equal((await store().listSpans(destination.rowid, { limit: 10 })).items.length, 3);
      assert.equal((await store().getTrace(traceIdOf(5)))!.spanCount, 3);
    });
  });
}
