/**
 * Clearing a project's data (store/project-clear.ts): everything of the project goes — traces,
 * spans, sessions, annotations — in bounded batches; the project, its retention policy and saved
 * views stay, and other projects are untouched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { clearProject } from '../project-clear.js';
import type { Store } from '../store.js';
import { storePerTest, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf } from './trace-fixtures.js';

/** `count` two-span traces (numbered from `first`) in `project`, two traces per session. */
async function seed(store: Store, project: string, first: number, count: number): Promise<void> {
  for (let no = first; no < first + count; no++) {
    const start = BASE_TIME + BigInt(no) * MS;
    const common = { projectName: project, traceId: traceIdOf(no), sessionId: `s-${no >> 1}` };
    await store.insertSpans([
      spanRecord({ ...common, spanId: spanIdOf(no * 10 + 1), startTimeUnixNano: start }),
      spanRecord({
        ...common,
        spanId: spanIdOf(no * 10 + 2),
        parentId: spanIdOf(no * 10 + 1),
        spanKind: 'LLM',
        startTimeUnixNano: start + MS,
      }),
    ]);
  }
}

const annotation = (targetId: string) => ({
  targetId,
  name: 'quality',
  annotatorKind: 'HUMAN' as const,
  label: 'good',
  score: 1,
  explanation: null,
  metadata: {},
  identifier: '',
  source: 'API' as const,
  userId: null,
});

export function projectClearConformance(factory: StoreFactory): void {
  describe('clearing a project', () => {
    const store = storePerTest(factory);

    it('deletes all its data in batches and keeps the project, its policy and views', async () => {
      const s = store();
      await seed(s, 'to-clear', 1, 7);
      await seed(s, 'neighbour', 100, 2);
      const projectId = await projectIdOf(s, 'to-clear');
      const neighbourId = await projectIdOf(s, 'neighbour');
      const reject = { onMissingTarget: 'reject' } as const;
      await s.annotations.upsertAnnotations('trace', [annotation(traceIdOf(1))], reject);
      await s.annotations.upsertAnnotations('span', [annotation(spanIdOf(22))], reject);
      await s.annotations.upsertAnnotations('trace', [annotation(traceIdOf(100))], reject);
      assert.ok(await s.setRetentionPolicy(projectId, { maxAgeDays: 30, maxTraces: null }));
      const view = await s.savedViews.createSavedView(
        projectId,
        {
          name: 'kept',
          table: 'traces',
          filter: null,
          q: null,
          columns: [],
          sort: null,
          order: 'desc',
          rootSpansOnly: false,
        },
        10,
      );
      assert.ok(view.ok);

      const result = await clearProject(s, projectId, 3);
      assert.deepEqual(result, {
        deletedTraces: 7,
        deletedSpans: 14,
        deletedSessions: 4,
        batches: 3,
      });

      const project = await s.getProjectById(projectId);
      assert.equal(project?.name, 'to-clear', 'the project stays, with its id');
      assert.deepEqual(await s.getRetentionPolicy(projectId), { maxAgeDays: 30, maxTraces: null });
      assert.deepEqual(
        (await s.savedViews.listSavedViews(projectId)).map((v) => v.name),
        ['kept'],
      );
      assert.deepEqual((await s.listSpans(projectId, { limit: 10 })).items, []);
      const traces = await s.listTraces(projectId, {
        limit: 10,
        sort: 'start_time',
        order: 'desc',
      });
      assert.deepEqual(traces.items, []);
      assert.deepEqual((await s.listSessions(projectId, { limit: 10, order: 'desc' })).items, []);
      assert.equal((await s.projectSummary(projectId)).traceCount, 0);
      for (const kind of ['trace', 'span'] as const) {
        const left = await s.annotations.listAnnotations(kind, projectId, {
          limit: 10,
          targetIds: kind === 'trace' ? [traceIdOf(1)] : [spanIdOf(22)],
        });
        assert.deepEqual(left.items, [], `${kind} annotations go`);
      }

      const neighbour = await s.listTraces(neighbourId, {
        limit: 10,
        sort: 'start_time',
        order: 'asc',
      });
      assert.deepEqual(
        neighbour.items.map((t) => t.traceId),
        [traceIdOf(100), traceIdOf(101)],
        'other projects keep their data',
      );
      const kept = await s.annotations.listAnnotations('trace', neighbourId, {
        limit: 10,
        targetIds: [traceIdOf(100)],
      });
      assert.equal(kept.items.length, 1);

      // The cleared project takes new data as before.
      await seed(s, 'to-clear', 50, 1);
      assert.equal((await s.projectSummary(projectId)).traceCount, 1);
      assert.equal(await projectIdOf(s, 'to-clear'), projectId);
    });

    it('clears an empty project in one batch', async () => {
      const created = await store().createProject('already-empty', null);
      assert.ok(created);
      assert.deepEqual(await clearProject(store(), created.rowid, 100), {
        deletedTraces: 0,
        deletedSpans: 0,
        deletedSessions: 0,
        batches: 1,
      });
    });
  });
}
