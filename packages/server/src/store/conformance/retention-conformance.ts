/**
 * Retention: projects' own policies (get, set, clear) and the bounded sweep step — by age, by
 * count, both, the default policy, a project's policy beating it, sessions emptied or kept with
 * exact rollups, the batch bound, and annotations going with their targets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanRecord } from '../../spans/span-record.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import {
  KEEP_FOREVER,
  NANOS_PER_DAY,
  type RetentionPolicy,
  type RetentionSweepResult,
} from '../retention-policy.js';
import type { Store } from '../store.js';
import { eventuallyEqual } from './eventually.js';
import { storePerTest, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf } from './trace-fixtures.js';

/** "Now" for every sweep here; traces are placed relative to it. */
const NOW = BASE_TIME;
const DAY = NANOS_PER_DAY;

interface AgedTraceOptions {
  session?: string;
  /** Prompt tokens of the LLM child (default `no`), so sums show which traces are counted. */
  promptTokens?: number;
}

/**
 * Trace `no`: a root (span no*10+1, input "question <no>") and an LLM child (no*10+2) with
 * `promptTokens` prompt and 1 completion token, starting at `start`, 10 ms long.
 */
function tracedAt(
  no: number,
  project: string,
  start: bigint,
  options: AgedTraceOptions = {},
): SpanRecord[] {
  const promptTokens = options.promptTokens ?? no;
  return [
    spanRecord({
      projectName: project,
      traceId: traceIdOf(no),
      spanId: spanIdOf(no * 10 + 1),
      name: 'root',
      startTimeUnixNano: start,
      endTimeUnixNano: start + 10n * MS,
      sessionId: options.session ?? null,
      attributes: { input: { value: `question ${no}` } },
    }),
    spanRecord({
      projectName: project,
      traceId: traceIdOf(no),
      spanId: spanIdOf(no * 10 + 2),
      parentId: spanIdOf(no * 10 + 1),
      name: 'llm',
      spanKind: 'LLM',
      startTimeUnixNano: start + MS,
      endTimeUnixNano: start + 2n * MS,
      promptTokens,
      completionTokens: 1,
      totalTokens: promptTokens + 1,
    }),
  ];
}

/** A trace started `days` days (and `extraMs` milliseconds) before NOW. */
function tracedDaysAgo(
  no: number,
  project: string,
  days: number,
  extraMs = 0n,
  options: AgedTraceOptions = {},
): SpanRecord[] {
  return tracedAt(no, project, NOW - BigInt(days) * DAY - extraMs * MS, options);
}

function sweep(
  store: Store,
  maxTraces = 1_000,
  defaultPolicy: RetentionPolicy = KEEP_FOREVER,
): Promise<RetentionSweepResult> {
  return store.sweepRetention({ maxTraces, defaultPolicy, nowUnixNano: NOW });
}

/** Which of these traces are still stored. */
async function storedTraces(store: Store, nos: number[]): Promise<number[]> {
  const stored: number[] = [];
  for (const no of nos) {
    if ((await store.getTrace(traceIdOf(no))) !== null) stored.push(no);
  }
  return stored;
}

async function setPolicy(store: Store, project: string, policy: RetentionPolicy): Promise<void> {
  assert.equal(await store.setRetentionPolicy(await projectIdOf(store, project), policy), true);
}

export function retentionConformance(factory: StoreFactory): void {
  describe('retention', () => {
    const store = storePerTest(factory);

    it('gets, sets, replaces and clears a project’s own policy', async () => {
      await store().insertSpans(tracedDaysAgo(1, 'policies', 0));
      const projectId = await projectIdOf(store(), 'policies');
      assert.equal(await store().getRetentionPolicy(projectId), null);
      assert.equal(await store().clearRetentionPolicy(projectId), false);

      assert.equal(
        await store().setRetentionPolicy(projectId, { maxAgeDays: 30, maxTraces: null }),
        true,
      );
      assert.deepEqual(await store().getRetentionPolicy(projectId), {
        maxAgeDays: 30,
        maxTraces: null,
      });
      assert.equal(
        await store().setRetentionPolicy(projectId, { maxAgeDays: null, maxTraces: 5_000_000 }),
        true,
      );
      assert.deepEqual(await store().getRetentionPolicy(projectId), {
        maxAgeDays: null,
        maxTraces: 5_000_000,
      });
      // Both null is a policy too: keep everything, whatever the default.
      assert.equal(await store().setRetentionPolicy(projectId, KEEP_FOREVER), true);
      assert.deepEqual(await store().getRetentionPolicy(projectId), KEEP_FOREVER);

      assert.equal(await store().clearRetentionPolicy(projectId), true);
      assert.equal(await store().getRetentionPolicy(projectId), null);
      assert.equal(await store().clearRetentionPolicy(projectId), false);

      assert.equal(await store().setRetentionPolicy(projectId + 1_000, KEEP_FOREVER), false);
      assert.equal(await store().getRetentionPolicy(projectId + 1_000), null);

      // A deleted project takes its policy with it; a project of the same name starts without.
      await store().setRetentionPolicy(projectId, { maxAgeDays: 1, maxTraces: 1 });
      assert.equal(await store().deleteProject(projectId), true);
      assert.equal(await store().getRetentionPolicy(projectId), null);
      const again = (await store().createProject('policies', null))!;
      assert.equal(await store().getRetentionPolicy(again.rowid), null);
    });

    it('deletes nothing while no policy limits anything', async () => {
      await store().insertSpans([
        ...tracedDaysAgo(1, 'forever', 3650),
        ...tracedDaysAgo(2, 'forever', 0),
      ]);
      assert.deepEqual(await sweep(store()), {
        deletedTraces: 0,
        deletedSpans: 0,
        deletedSessions: 0,
        more: false,
      });
      assert.deepEqual(await storedTraces(store(), [1, 2]), [1, 2]);
    });

    it('by age: deletes traces that started more than max_age_days ago, with their spans', async () => {
      await store().insertSpans([
        ...tracedDaysAgo(1, 'aged', 30),
        ...tracedDaysAgo(2, 'aged', 8),
        // One millisecond past the limit goes; exactly at it stays.
        ...tracedDaysAgo(3, 'aged', 7, 1n),
        ...tracedDaysAgo(4, 'aged', 7),
        ...tracedDaysAgo(5, 'aged', 1),
        ...tracedAt(6, 'aged', NOW + DAY),
        // Another project, no policy of its own, default keep forever.
        ...tracedDaysAgo(7, 'untouched', 30),
      ]);
      await setPolicy(store(), 'aged', { maxAgeDays: 7, maxTraces: null });

      assert.deepEqual(await sweep(store()), {
        deletedTraces: 3,
        deletedSpans: 6,
        deletedSessions: 0,
        more: false,
      });
      assert.deepEqual(await storedTraces(store(), [1, 2, 3, 4, 5, 6, 7]), [4, 5, 6, 7]);
      for (const spanNo of [11, 12, 21, 22, 31, 32]) {
        assert.deepEqual(await store().findSpansBySpanId(spanIdOf(spanNo)), [], `span ${spanNo}`);
      }
      const aged = await projectIdOf(store(), 'aged');
      const spans = await store().listSpans(aged, { limit: 100 });
      assert.equal(spans.items.length, 6);
      const summary = await store().projectSummary(aged);
      assert.equal(summary.traceCount, 3);
      assert.equal(summary.promptTokens, 4 + 5 + 6);
      // Nothing left to do.
      assert.equal((await sweep(store())).deletedTraces, 0);
    });

    it('by count: keeps the newest max_traces traces, ties on start time broken by row id', async () => {
      const tie = NOW - 2n * DAY;
      // Separate batches, so row ids follow the trace numbers.
      for (const spans of [
        tracedDaysAgo(1, 'counted', 5),
        tracedDaysAgo(2, 'counted', 4),
        tracedAt(3, 'counted', tie),
        tracedAt(4, 'counted', tie),
        tracedDaysAgo(5, 'counted', 1),
        tracedDaysAgo(6, 'counted', 0),
      ]) {
        await store().insertSpans(spans);
      }
      await setPolicy(store(), 'counted', { maxAgeDays: null, maxTraces: 3 });
      const result = await sweep(store());
      assert.equal(result.deletedTraces, 3);
      assert.equal(result.deletedSpans, 6);
      // Of the two traces started at the same moment, the later row is the newer.
      assert.deepEqual(await storedTraces(store(), [1, 2, 3, 4, 5, 6]), [4, 5, 6]);
      assert.equal((await sweep(store())).deletedTraces, 0);

      // A newer trace pushes the oldest kept one out.
      await store().insertSpans(tracedAt(7, 'counted', NOW));
      assert.equal((await sweep(store())).deletedTraces, 1);
      assert.deepEqual(await storedTraces(store(), [4, 5, 6, 7]), [5, 6, 7]);
    });

    it('by age and count: a trace goes when either limit says so', async () => {
      await store().insertSpans([
        // Age deletes more than count here…
        ...tracedDaysAgo(1, 'age-wins', 20),
        ...tracedDaysAgo(2, 'age-wins', 10),
        ...tracedDaysAgo(3, 'age-wins', 1),
        // …and count more than age here.
        ...tracedDaysAgo(11, 'count-wins', 20),
        ...tracedDaysAgo(12, 'count-wins', 4),
        ...tracedDaysAgo(13, 'count-wins', 3),
        ...tracedDaysAgo(14, 'count-wins', 2),
        ...tracedDaysAgo(15, 'count-wins', 1),
      ]);
      await setPolicy(store(), 'age-wins', { maxAgeDays: 7, maxTraces: 2 });
      await setPolicy(store(), 'count-wins', { maxAgeDays: 7, maxTraces: 2 });
      assert.equal((await sweep(store())).deletedTraces, 2 + 3);
      assert.deepEqual(await storedTraces(store(), [1, 2, 3]), [3]);
      assert.deepEqual(await storedTraces(store(), [11, 12, 13, 14, 15]), [14, 15]);
    });

    it('applies the default policy to projects without their own; their own beats it', async () => {
      await store().insertSpans([
        ...tracedDaysAgo(1, 'defaulted', 10),
        ...tracedDaysAgo(2, 'defaulted', 1),
        ...tracedDaysAgo(3, 'kept-forever', 400),
        ...tracedDaysAgo(4, 'stricter', 3),
        ...tracedDaysAgo(5, 'stricter', 1),
        ...tracedDaysAgo(6, 'looser', 10),
        ...tracedDaysAgo(7, 'looser', 40),
      ]);
      await setPolicy(store(), 'kept-forever', KEEP_FOREVER);
      await setPolicy(store(), 'stricter', { maxAgeDays: 2, maxTraces: null });
      await setPolicy(store(), 'looser', { maxAgeDays: 30, maxTraces: null });
      const sevenDays: RetentionPolicy = { maxAgeDays: 7, maxTraces: null };

      const result = await sweep(store(), 100, sevenDays);
      assert.equal(result.deletedTraces, 3);
      assert.deepEqual(await storedTraces(store(), [1, 2, 3, 4, 5, 6, 7]), [2, 3, 5, 6]);

      // Cleared, a project follows the default again.
      assert.equal(await store().clearRetentionPolicy(await projectIdOf(store(), 'looser')), true);
      assert.equal((await sweep(store(), 100, sevenDays)).deletedTraces, 1);
      assert.deepEqual(await storedTraces(store(), [2, 3, 5, 6]), [2, 3, 5]);
      // A default by count works the same way.
      await store().insertSpans(tracedDaysAgo(8, 'defaulted', 0));
      const result2 = await sweep(store(), 100, { maxAgeDays: null, maxTraces: 1 });
      assert.equal(result2.deletedTraces, 1);
      assert.deepEqual(await storedTraces(store(), [2, 3, 5, 8]), [3, 5, 8]);
    });

    it('deletes sessions left without traces; sessions that keep one have exact rollups', async () => {
      await store().insertSpans([
        ...tracedDaysAgo(1, 'chat', 20, 0n, { session: 'mixed', promptTokens: 100 }),
        ...tracedDaysAgo(2, 'chat', 2, 0n, { session: 'mixed', promptTokens: 7 }),
        ...tracedDaysAgo(3, 'chat', 1, 0n, { session: 'mixed', promptTokens: 9 }),
        ...tracedDaysAgo(4, 'chat', 30, 0n, { session: 'old' }),
        ...tracedDaysAgo(5, 'chat', 25, 0n, { session: 'old' }),
        ...tracedDaysAgo(6, 'chat', 1, 0n, { session: 'recent' }),
      ]);
      const chat = await projectIdOf(store(), 'chat');
      const recentBefore = await store().getSession(chat, 'recent');
      await setPolicy(store(), 'chat', { maxAgeDays: 7, maxTraces: null });

      const result = await sweep(store());
      assert.deepEqual(result, {
        deletedTraces: 3,
        deletedSpans: 6,
        deletedSessions: 1,
        more: false,
      });
      assert.equal(await store().getSession(chat, 'old'), null);
      assert.deepEqual(await store().findSessionsBySessionId('old'), []);

      const mixed = (await store().getSession(chat, 'mixed'))!;
      const t2 = (await store().getTrace(traceIdOf(2)))!;
      const t3 = (await store().getTrace(traceIdOf(3)))!;
      assert.equal(mixed.traceCount, 2);
      assert.equal(mixed.startTimeUnixNano, t2.startTimeUnixNano);
      assert.equal(mixed.endTimeUnixNano, t3.endTimeUnixNano);
      assert.equal(mixed.promptTokens, 7 + 9);
      assert.equal(mixed.completionTokens, 2);
      assert.equal(mixed.totalTokens, 8 + 10);
      assert.deepEqual(
        (await store().listSessionTraces(mixed.rowid)).map((t) => t.traceId),
        [traceIdOf(2), traceIdOf(3)],
      );
      // A session the sweep did not touch is as it was.
      assert.deepEqual(await store().getSession(chat, 'recent'), recentBefore);
      const sessions = await store().listSessions(chat, { limit: 10, order: 'asc' });
      assert.deepEqual(
        sessions.items.map((s) => s.sessionId),
        ['mixed', 'recent'],
      );
    });

    it('deletes at most the batch size per call, oldest first, and says when more are due', async () => {
      const spans: SpanRecord[] = [];
      for (let no = 1; no <= 5; no++) spans.push(...tracedDaysAgo(no, 'first', 10 + no));
      for (let no = 6; no <= 7; no++) spans.push(...tracedDaysAgo(no, 'second', 10 + no));
      spans.push(...tracedDaysAgo(8, 'second', 1));
      await store().insertSpans(spans);
      const policy: RetentionPolicy = { maxAgeDays: 7, maxTraces: null };
      const all = [1, 2, 3, 4, 5, 6, 7, 8];

      const first = await sweep(store(), 3, policy);
      assert.deepEqual(first, {
        deletedTraces: 3,
        deletedSpans: 6,
        deletedSessions: 0,
        more: true,
      });
      // The three oldest of the first project (by id order of projects, then start time).
      assert.deepEqual(await storedTraces(store(), all), [1, 2, 6, 7, 8]);
      const second = await sweep(store(), 3, policy);
      assert.deepEqual(second.deletedTraces, 3);
      assert.equal(second.more, true);
      assert.deepEqual(await storedTraces(store(), all), [6, 8]);
      const third = await sweep(store(), 3, policy);
      assert.deepEqual(third, {
        deletedTraces: 1,
        deletedSpans: 2,
        deletedSessions: 0,
        more: false,
      });
      assert.deepEqual(await storedTraces(store(), all), [8]);
      assert.deepEqual(await sweep(store(), 3, policy), {
        deletedTraces: 0,
        deletedSpans: 0,
        deletedSessions: 0,
        more: false,
      });
      const one = await sweep(store(), 1, { maxAgeDays: null, maxTraces: 1 });
      assert.equal(one.deletedTraces, 0, 'a project with one trace keeps it under max_traces 1');
    });

    it('takes the annotations of deleted spans, documents and traces with them', async () => {
      await store().insertSpans([
        ...tracedDaysAgo(1, 'annotated', 30),
        ...tracedDaysAgo(2, 'annotated', 1),
      ]);
      const annotated = await projectIdOf(store(), 'annotated');
      const base = {
        annotatorKind: 'HUMAN' as const,
        label: 'good',
        score: 1,
        explanation: null,
        metadata: {},
        identifier: '',
        source: 'API' as const,
        userId: null,
      };
      const reject = { onMissingTarget: 'reject' } as const;
      for (const no of [1, 2]) {
        await store().annotations.upsertAnnotations(
          'span',
          [
            { ...base, name: 'root-quality', targetId: spanIdOf(no * 10 + 1) },
            { ...base, name: 'llm-quality', targetId: spanIdOf(no * 10 + 2) },
          ],
          reject,
        );
        await store().annotations.upsertAnnotations(
          'document',
          [{ ...base, name: 'relevance', targetId: spanIdOf(no * 10 + 2), documentPosition: 0 }],
          reject,
        );
        await store().annotations.upsertAnnotations(
          'trace',
          [{ ...base, name: 'trace-quality', targetId: traceIdOf(no) }],
          reject,
        );
        assert.ok(
          await store().annotations.addNote('trace', { targetId: traceIdOf(no), text: 'n' }),
        );
      }
      await setPolicy(store(), 'annotated', { maxAgeDays: 7, maxTraces: null });
      assert.equal((await sweep(store())).deletedTraces, 1);

      const spanAnnotations = await store().annotations.listAnnotations('span', annotated, {
        limit: 100,
      });
      assert.deepEqual(spanAnnotations.items.map((a) => a.targetId).sort(), [
        spanIdOf(21),
        spanIdOf(22),
      ]);
      const traceAnnotations = await store().annotations.listAnnotations('trace', annotated, {
        limit: 100,
      });
      assert.deepEqual(traceAnnotations.items.map((a) => `${a.targetId} ${a.name}`).sort(), [
        `${traceIdOf(2)} note`,
        `${traceIdOf(2)} trace-quality`,
      ]);
      // The ids of the deleted trace are free again: re-sent, it comes back without them.
      await store().insertSpans(tracedDaysAgo(1, 'annotated', 0));
      const again = await store().annotations.listAnnotations('span', annotated, {
        targetIds: [spanIdOf(11), spanIdOf(12)],
        limit: 100,
      });
      assert.deepEqual(again.items, []);
    });

    it('leaves deleted spans out of full-text search', async () => {
      await store().insertSpans([
        ...tracedDaysAgo(1, 'searched', 30),
        ...tracedDaysAgo(2, 'searched', 1),
      ]);
      const searched = await projectIdOf(store(), 'searched');
      const find = async (text: string) =>
        (await store().listSpans(searched, { limit: 10, search: text })).items.map((s) => s.spanId);
      // Let a background indexer (if the backend has one) reach both traces first.
      await eventuallyEqual(() => find('question 1'), [spanIdOf(11)]);
      await eventuallyEqual(() => find('question 2'), [spanIdOf(21)]);
      await setPolicy(store(), 'searched', { maxAgeDays: 7, maxTraces: null });
      assert.equal((await sweep(store())).deletedTraces, 1);
      assert.deepEqual(await find('question 1'), []);
      assert.deepEqual(await find('question 2'), [spanIdOf(21)]);
      assert.deepEqual(
        (
          await store().listTraces(searched, {
            limit: 10,
            sort: 'start_time',
            order: 'desc',
            search: 'question',
          })
        ).items.map((t) => t.traceId),
        [traceIdOf(2)],
      );
    });
  });
}
