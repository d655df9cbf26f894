/**
 * What the web UI's endpoints read and write: metrics over time buckets, the project summary's
 * figures for the projects page, saved views, and filter suggestions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { ProjectMetricsQuery } from '../project-metrics.js';
import type { SavedViewFields } from '../saved-view-store.js';
import type { Store } from '../store.js';
import { storePerBlock, storePerTest, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf } from './trace-fixtures.js';

const MINUTE = 60_000n * MS;

/** One-span trace; model names are made up so that no price ever matches them. */
function llmTrace(
  traceNo: number,
  start: bigint,
  latencyMs: number,
  options: Partial<SpanRecord> = {},
): SpanRecord {
  return spanRecord({
    projectName: 'metrics',
    traceId: traceIdOf(traceNo),
    spanId: spanIdOf(traceNo * 10 + 1),
    name: 'llm',
    spanKind: 'LLM',
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(latencyMs) * MS,
    ...options,
  });
}

/**
 * Project "metrics", buckets of one minute from BASE_TIME:
 * - minute 0: traces 1–10, one LLM span each, latencies 1…10 ms; 1–6 on `model-a` (10 + 5
 *   tokens), 7–9 on `model-b` (60 + 40), 10 names no model (1 + 1); trace 3 failed;
 * - minute 2: traces 11 and 12 (CHAIN root + TOOL child), 100 ms and 300 ms, session `s-1`;
 * - minutes 1, 3, 4: nothing;
 * - outside the range: trace 13 just before it (session `s-0`), trace 14 at its end (the
 *   project's newest span end); and project "other" with a trace inside it.
 */
async function seedMetrics(store: Store): Promise<void> {
  const spans: SpanRecord[] = [];
  for (let i = 1; i <= 10; i++) {
    const tokens =
      i <= 6
        ? { modelName: 'model-a', promptTokens: 10, completionTokens: 5, totalTokens: 15 }
        : i <= 9
          ? { modelName: 'model-b', promptTokens: 60, completionTokens: 40, totalTokens: 100 }
          : { modelName: null, promptTokens: 1, completionTokens: 1, totalTokens: 2 };
    spans.push(
      llmTrace(i, BASE_TIME + BigInt(i) * 1000n * MS, i, {
        ...tokens,
        statusCode: i === 3 ? 'ERROR' : 'OK',
      }),
    );
  }
  for (const [traceNo, latencyMs] of [
    [11, 100],
    [12, 300],
  ] as const) {
    const start = BASE_TIME + 2n * MINUTE + BigInt(traceNo) * MS;
    spans.push(
      spanRecord({
        projectName: 'metrics',
        traceId: traceIdOf(traceNo),
        spanId: spanIdOf(traceNo * 10 + 1),
        name: 'root',
        startTimeUnixNano: start,
        endTimeUnixNano: start + BigInt(latencyMs) * MS,
        sessionId: 's-1',
      }),
      spanRecord({
        projectName: 'metrics',
        traceId: traceIdOf(traceNo),
        spanId: spanIdOf(traceNo * 10 + 2),
        parentId: spanIdOf(traceNo * 10 + 1),
        name: 'tool',
        spanKind: 'TOOL',
        startTimeUnixNano: start + MS,
        endTimeUnixNano: start + 2n * MS,
      }),
    );
  }
  spans.push(
    llmTrace(13, BASE_TIME - 1n, 7, { modelName: 'model-a', totalTokens: 1000, sessionId: 's-0' }),
    llmTrace(14, BASE_TIME + 5n * MINUTE, 5, { modelName: 'model-a', totalTokens: 1000 }),
    llmTrace(15, BASE_TIME, 5, { projectName: 'other', modelName: 'model-a', totalTokens: 999 }),
  );
  await store.insertSpans(spans);
}

const RANGE: ProjectMetricsQuery = {
  startTime: BASE_TIME,
  endTime: BASE_TIME + 5n * MINUTE,
  bucketNs: MINUTE,
  modelLimit: 20,
};

function view(overrides: Partial<SavedViewFields> = {}): SavedViewFields {
  return {
    name: 'Slow LLM calls',
    table: 'spans',
    filter: "span_kind == 'LLM' and latency_ms > 1000",
    q: null,
    columns: ['name', 'latency_ms', 'annotations.correctness'],
    sort: 'latency_ms',
    order: 'desc',
    rootSpansOnly: false,
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function uiApiConformance(factory: StoreFactory): void {
  describe('project metrics and summary figures', () => {
    const store = storePerBlock(factory, seedMetrics);

    it('lists every bucket of the range, empty ones as zeros', async () => {
      const metrics = await store().projectMetrics(await projectIdOf(store(), 'metrics'), RANGE);
      assert.deepEqual(
        metrics.buckets.map((b) => [b.startTimeUnixNano, b.traceCount, b.errorTraceCount]),
        [
          [BASE_TIME, 10, 1],
          [BASE_TIME + MINUTE, 0, 0],
          [BASE_TIME + 2n * MINUTE, 2, 0],
          [BASE_TIME + 3n * MINUTE, 0, 0],
          [BASE_TIME + 4n * MINUTE, 0, 0],
        ],
      );
      const empty = metrics.buckets[1]!;
      assert.deepEqual(
        [empty.latencyMsP50, empty.latencyMsP90, empty.latencyMsP99, empty.totalTokens, empty.cost],
        [null, null, null, 0, null],
      );
    });

    it('gives exact nearest-rank latency percentiles and token sums per bucket', async () => {
      const metrics = await store().projectMetrics(await projectIdOf(store(), 'metrics'), RANGE);
      const [first, , third] = metrics.buckets;
      assert.deepEqual(
        [first!.latencyMsP50, first!.latencyMsP90, first!.latencyMsP99],
        [5, 9, 10],
        'ranks 5, 9 and 10 of 1…10 ms',
      );
      assert.deepEqual(
        [first!.promptTokens, first!.completionTokens, first!.totalTokens],
        [6 * 10 + 3 * 60 + 1, 6 * 5 + 3 * 40 + 1, 6 * 15 + 3 * 100 + 2],
      );
      assert.equal(first!.cost, null, 'no trace has a price');
      assert.deepEqual(
        [third!.latencyMsP50, third!.latencyMsP90, third!.latencyMsP99],
        [100, 300, 300],
      );
      assert.equal(third!.totalTokens, 0, 'CHAIN and TOOL spans carry no LLM tokens');
    });

    it('groups the LLM spans of the range by model, most tokens first, up to the limit', async () => {
      const projectId = await projectIdOf(store(), 'metrics');
      const metrics = await store().projectMetrics(projectId, RANGE);
      assert.deepEqual(metrics.models, [
        {
          modelName: 'model-b',
          spanCount: 3,
          promptTokens: 180,
          completionTokens: 120,
          totalTokens: 300,
          cost: null,
        },
        {
          modelName: 'model-a',
          spanCount: 6,
          promptTokens: 60,
          completionTokens: 30,
          totalTokens: 90,
          cost: null,
        },
        {
          modelName: null,
          spanCount: 1,
          promptTokens: 1,
          completionTokens: 1,
          totalTokens: 2,
          cost: null,
        },
      ]);
      const top = await store().projectMetrics(projectId, { ...RANGE, modelLimit: 1 });
      assert.deepEqual(
        top.models.map((m) => m.modelName),
        ['model-b'],
      );
    });

    it('counts the spans of the range by kind, most first', async () => {
      const metrics = await store().projectMetrics(await projectIdOf(store(), 'metrics'), RANGE);
      assert.deepEqual(metrics.spanKinds, [
        { spanKind: 'LLM', spanCount: 10 },
        { spanKind: 'CHAIN', spanCount: 2 },
        { spanKind: 'TOOL', spanCount: 2 },
      ]);
    });

    it('answers an empty range with zero buckets and no models or kinds', async () => {
      const metrics = await store().projectMetrics(await projectIdOf(store(), 'metrics'), {
        ...RANGE,
        startTime: BASE_TIME + 60n * MINUTE,
        endTime: BASE_TIME + 62n * MINUTE,
      });
      assert.deepEqual(
        metrics.buckets.map((b) => b.traceCount),
        [0, 0],
      );
      assert.deepEqual([metrics.models, metrics.spanKinds], [[], []]);
    });

    it('adds p90, sessions, last activity and a null cost split to the summary', async () => {
      const projectId = await projectIdOf(store(), 'metrics');
      const window = await store().projectSummary(projectId, RANGE.startTime, RANGE.endTime);
      assert.equal(window.traceCount, 12);
      assert.deepEqual(
        [window.latencyMsP50, window.latencyMsP90, window.latencyMsP99],
        [6, 100, 300],
        'ranks 6, 11 and 12 of 1…10, 100, 300 ms',
      );
      assert.equal(window.sessionCount, 1, 'only s-1 started in the window');
      assert.deepEqual([window.costPrompt, window.costCompletion], [null, null]);
      const lastEnd = BASE_TIME + 5n * MINUTE + 5n * MS;
      assert.equal(window.lastActivityUnixNano, lastEnd, 'newest span end of the whole project');
      const all = await store().projectSummary(projectId);
      assert.equal(all.sessionCount, 2);
      assert.equal(all.traceCount, 14);
    });
  });

  describe('summary of an empty project', () => {
    const store = storePerTest(factory);

    it('has no last activity for a project without spans', async () => {
      const created = await store().createProject('empty-figures', null);
      assert.ok(created);
      const summary = await store().projectSummary(created.rowid);
      assert.deepEqual(
        [summary.traceCount, summary.sessionCount, summary.lastActivityUnixNano],
        [0, 0, null],
      );
      assert.equal(summary.latencyMsP90, null);
    });
  });

  describe('saved views', () => {
    const store = storePerTest(factory);

    async function twoProjects(s: Store): Promise<[number, number]> {
      const a = await s.createProject('views-a', null);
      const b = await s.createProject('views-b', null);
      assert.ok(a && b);
      return [a.rowid, b.rowid];
    }

    it('keeps every field as given and lists views by name', async () => {
      const [a] = await twoProjects(store());
      const created = await store().savedViews.createSavedView(a, view(), 10);
      assert.ok(created.ok);
      const { rowid, projectId, createdAt, updatedAt, ...fields } = created.view;
      assert.deepEqual(fields, view());
      assert.equal(projectId, a);
      assert.equal(createdAt, updatedAt);
      assert.ok(!Number.isNaN(Date.parse(createdAt)));
      const other = await store().savedViews.createSavedView(
        a,
        view({
          name: 'All traces',
          table: 'traces',
          filter: null,
          columns: [],
          sort: null,
          order: null,
          rootSpansOnly: null,
        }),
        10,
      );
      assert.ok(other.ok);
      assert.deepEqual(await store().savedViews.getSavedView(a, rowid), created.view);
      const listed = await store().savedViews.listSavedViews(a);
      assert.deepEqual(
        listed.map((v) => v.name),
        ['All traces', 'Slow LLM calls'],
      );
      assert.deepEqual(listed[0], other.view);
      assert.equal(listed[0]!.rootSpansOnly, null);
    });

    it('refuses a name already used in the project, not in another project', async () => {
      const [a, b] = await twoProjects(store());
      assert.ok((await store().savedViews.createSavedView(a, view(), 10)).ok);
      assert.deepEqual(await store().savedViews.createSavedView(a, view(), 10), {
        ok: false,
        reason: 'name-taken',
      });
      assert.ok((await store().savedViews.createSavedView(b, view(), 10)).ok);
      assert.equal((await store().savedViews.listSavedViews(a)).length, 1);
    });

    it('stops at the per-project limit', async () => {
      const [a, b] = await twoProjects(store());
      for (const name of ['one', 'two']) {
        assert.ok((await store().savedViews.createSavedView(a, view({ name }), 2)).ok);
      }
      assert.deepEqual(await store().savedViews.createSavedView(a, view({ name: 'three' }), 2), {
        ok: false,
        reason: 'limit-reached',
      });
      assert.ok((await store().savedViews.createSavedView(b, view({ name: 'three' }), 2)).ok);
    });

    it('updates in place: fields replaced, updated_at bumped, created_at kept', async () => {
      const [a] = await twoProjects(store());
      const first = await store().savedViews.createSavedView(a, view(), 10);
      const second = await store().savedViews.createSavedView(a, view({ name: 'second' }), 10);
      assert.ok(first.ok && second.ok);
      await sleep(5);
      const changed = view({
        name: 'renamed',
        table: 'traces',
        filter: 'latency_ms > 5',
        columns: ['cost'],
      });
      const updated = await store().savedViews.updateSavedView(a, first.view.rowid, changed);
      assert.ok(updated.ok);
      assert.equal(updated.view.rowid, first.view.rowid);
      assert.equal(updated.view.createdAt, first.view.createdAt);
      assert.ok(Date.parse(updated.view.updatedAt) > Date.parse(first.view.updatedAt));
      assert.equal(updated.view.table, 'traces');
      assert.deepEqual(updated.view.columns, ['cost']);
      assert.deepEqual(
        await store().savedViews.updateSavedView(a, first.view.rowid, view({ name: 'second' })),
        { ok: false, reason: 'name-taken' },
      );
      // Its own name is no clash.
      assert.ok((await store().savedViews.updateSavedView(a, first.view.rowid, changed)).ok);
    });

    it('does not reach another project’s views', async () => {
      const [a, b] = await twoProjects(store());
      const created = await store().savedViews.createSavedView(a, view(), 10);
      assert.ok(created.ok);
      const id = created.view.rowid;
      assert.equal(await store().savedViews.getSavedView(b, id), null);
      assert.deepEqual(await store().savedViews.updateSavedView(b, id, view()), {
        ok: false,
        reason: 'not-found',
      });
      assert.equal(await store().savedViews.deleteSavedView(b, id), false);
      assert.equal(await store().savedViews.deleteSavedView(a, id), true);
      assert.equal(await store().savedViews.deleteSavedView(a, id), false);
      assert.deepEqual(await store().savedViews.listSavedViews(a), []);
    });

    it('reports a missing project on create, and goes with a deleted project', async () => {
      const [a] = await twoProjects(store());
      assert.deepEqual(await store().savedViews.createSavedView(a + 1000, view(), 10), {
        ok: false,
        reason: 'not-found',
      });
      const created = await store().savedViews.createSavedView(a, view(), 10);
      assert.ok(created.ok);
      assert.equal(await store().deleteProject(a), true);
      assert.equal(await store().savedViews.getSavedView(a, created.view.rowid), null);
      const again = await store().createProject('views-a', null);
      assert.ok(again);
      assert.deepEqual(await store().savedViews.listSavedViews(again.rowid), []);
    });
  });

  describe('filter suggestions', () => {
    const store = storePerBlock(factory, async (s) => {
      // One batch a span, so that rowids (newest = highest) follow this order.
      const spans = [
        spanRecord({
          projectName: 'suggest',
          traceId: traceIdOf(1),
          spanId: spanIdOf(1),
          attributes: { oldest: { only: 1 } },
        }),
        spanRecord({
          projectName: 'suggest',
          traceId: traceIdOf(2),
          spanId: spanIdOf(2),
          spanKind: 'LLM',
          attributes: {
            llm: { model_name: 'm', token_count: { total: 3 } },
            metadata: { customer_tier: 'gold', nothing: {} },
          },
        }),
        spanRecord({
          projectName: 'suggest',
          traceId: traceIdOf(3),
          spanId: spanIdOf(3),
          spanKind: 'TOOL',
          attributes: {
            input: { value: 'hi' },
            tag: { tags: ['a', 'b'] },
            llm: { input_messages: [{ message: { role: 'user' } }] },
            flag: null,
          },
        }),
        spanRecord({
          projectName: 'elsewhere',
          traceId: traceIdOf(4),
          spanId: spanIdOf(4),
          spanKind: 'AGENT',
          attributes: { foreign: 'x' },
        }),
      ];
      for (const span of spans) await s.insertSpans([span]);
      const reject = { onMissingTarget: 'reject' } as const;
      const annotation = (targetId: string, name: string) => ({
        targetId,
        name,
        annotatorKind: 'HUMAN' as const,
        label: 'ok',
        score: null,
        explanation: null,
        metadata: {},
        identifier: '',
        source: 'API' as const,
        userId: null,
      });
      await s.annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(2), 'correctness'), annotation(spanIdOf(4), 'foreign-eval')],
        reject,
      );
      await s.annotations.upsertAnnotations('trace', [annotation(traceIdOf(3), 'quality')], reject);
      await s.annotations.addNote('span', { targetId: spanIdOf(3), text: 'a note' });
    });

    it('lists the dotted leaf keys of the newest spans, arrays as leaves', async () => {
      const projectId = await projectIdOf(store(), 'suggest');
      const suggestions = await store().filterSuggestions(projectId, {
        sampleSpans: 2,
        maxKeys: 100,
      });
      assert.deepEqual(suggestions.attributeKeys, [
        'flag',
        'input.value',
        'llm.input_messages',
        'llm.model_name',
        'llm.token_count.total',
        'metadata.customer_tier',
        'tag.tags',
      ]);
      const all = await store().filterSuggestions(projectId, { sampleSpans: 10, maxKeys: 3 });
      assert.deepEqual(all.attributeKeys, ['flag', 'input.value', 'llm.input_messages']);
      const wide = await store().filterSuggestions(projectId, { sampleSpans: 10, maxKeys: 100 });
      assert.ok(wide.attributeKeys.includes('oldest.only'), 'the oldest span is in a wider sample');
    });

    it('lists the project’s annotation names without notes, and its span kinds', async () => {
      const projectId = await projectIdOf(store(), 'suggest');
      const suggestions = await store().filterSuggestions(projectId, {
        sampleSpans: 10,
        maxKeys: 100,
      });
      assert.deepEqual(suggestions.annotationNames, ['correctness', 'quality']);
      assert.deepEqual(suggestions.spanKinds, ['LLM', 'CHAIN', 'TOOL']);
    });
  });
}
