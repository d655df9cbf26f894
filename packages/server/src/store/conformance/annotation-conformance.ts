/**
 * The annotation store (`Store.annotations`): upserts and their keys, target resolution, notes,
 * lists, deletes by filter, what happens to annotations when their targets are deleted, moved
 * or re-sent, and annotation configs.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, it } from 'node:test';
import type {
  AnnotationUpsert,
  ListableTargetKind,
  StoredAnnotation,
} from '../annotation-store.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { Store } from '../store.js';
import { storePerBlock, storePerTest, type StoreFactory } from './store-factory.js';
import { MS, projectIdOf, spanBySpanId } from './trace-fixtures.js';

function annotation(targetId: string, overrides: Partial<AnnotationUpsert> = {}): AnnotationUpsert {
  return {
    targetId,
    name: 'quality',
    annotatorKind: 'LLM',
    label: 'good',
    score: 0.9,
    explanation: null,
    metadata: {},
    identifier: '',
    source: 'API',
    userId: null,
    ...overrides,
  };
}

const REJECT = { onMissingTarget: 'reject' } as const;

interface Targets {
  alpha: number;
  beta: number;
}

/**
 * alpha: trace 1 (root span 11 + child 12, session "chat-1"), trace 2 (span 21, session
 * "shared"). beta: trace 3 holds span 12 again (later start) and session "shared" (later).
 */
async function seedTargets(store: Store): Promise<Targets> {
  await store.insertSpans([
    spanRecord({
      projectName: 'alpha',
      traceId: traceIdOf(1),
      spanId: spanIdOf(11),
      sessionId: 'chat-1',
    }),
    spanRecord({
      projectName: 'alpha',
      traceId: traceIdOf(1),
      spanId: spanIdOf(12),
      parentId: spanIdOf(11),
      startTimeUnixNano: BASE_TIME + 1n * MS,
    }),
    spanRecord({
      projectName: 'alpha',
      traceId: traceIdOf(2),
      spanId: spanIdOf(21),
      sessionId: 'shared',
    }),
    spanRecord({
      projectName: 'beta',
      traceId: traceIdOf(3),
      spanId: spanIdOf(12),
      startTimeUnixNano: BASE_TIME + 60_000n * MS,
      sessionId: 'shared',
    }),
  ]);
  return { alpha: await projectIdOf(store, 'alpha'), beta: await projectIdOf(store, 'beta') };
}

async function listAll(
  store: Store,
  kind: ListableTargetKind,
  projectId: number,
  targetIds: string[],
): Promise<StoredAnnotation[]> {
  const page = await store.annotations.listAnnotations(kind, projectId, {
    targetIds,
    limit: 10_000,
  });
  return page.items;
}

export function annotationConformance(factory: StoreFactory): void {
  describe('annotation upserts and notes', () => {
    const store = storePerTest(factory);
    let alpha: number;
    let beta: number;
    beforeEach(async () => {
      ({ alpha, beta } = await seedTargets(store()));
    });

    it('updates the annotation with the same (name, target, identifier) in place', async () => {
      const first = await store().annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(11))],
        REJECT,
      );
      const [before] = await listAll(store(), 'span', alpha, [spanIdOf(11)]);
      assert.ok(before);
      assert.equal(before.rowid, first.rowids[0]);
      assert.equal(before.targetKind, 'span');
      assert.equal(before.targetId, spanIdOf(11));
      assert.equal(before.documentPosition, null);
      assert.equal(before.label, 'good');
      assert.equal(before.source, 'API');
      assert.equal(before.createdAtUnixNano, before.updatedAtUnixNano);
      await sleep(5);
      const second = await store().annotations.upsertAnnotations(
        'span',
        [
          annotation(spanIdOf(11), {
            label: 'bad',
            score: 0.1,
            explanation: 'off topic',
            annotatorKind: 'HUMAN',
            metadata: { model: 'gpt-4', nested: { n: [1, 'two'] } },
            source: 'APP',
            userId: 'user-7',
          }),
        ],
        REJECT,
      );
      assert.deepEqual(second, { rowids: first.rowids, missingTargets: [] });
      const rows = await listAll(store(), 'span', alpha, [spanIdOf(11)]);
      assert.equal(rows.length, 1);
      const after = rows[0]!;
      assert.equal(after.rowid, before.rowid);
      assert.equal(after.label, 'bad');
      assert.equal(after.score, 0.1);
      assert.equal(after.explanation, 'off topic');
      assert.equal(after.annotatorKind, 'HUMAN');
      assert.deepEqual(after.metadata, { model: 'gpt-4', nested: { n: [1, 'two'] } });
      assert.equal(after.source, 'APP');
      assert.equal(after.userId, 'user-7');
      assert.equal(after.identifier, '');
      assert.equal(after.createdAtUnixNano, before.createdAtUnixNano);
      assert.ok(after.updatedAtUnixNano > before.updatedAtUnixNano);
    });

    it('keeps one annotation per identifier, and per name', async () => {
      const result = await store().annotations.upsertAnnotations(
        'span',
        [
          annotation(spanIdOf(12), { identifier: 'run-1' }),
          annotation(spanIdOf(12), { identifier: 'run-2' }),
          annotation(spanIdOf(12), { identifier: 'run-1', score: 0.5 }),
          annotation(spanIdOf(12), { name: 'relevance', identifier: 'run-1' }),
        ],
        REJECT,
      );
      const [a, b, c, d] = result.rowids;
      assert.equal(a, c, 'same key in one batch → same row, last write wins');
      assert.notEqual(a, b);
      assert.notEqual(a, d);
      // span 12 exists in alpha (trace 1) and beta (trace 3, later): the later one got them.
      assert.equal((await listAll(store(), 'span', alpha, [spanIdOf(12)])).length, 0);
      const rows = await listAll(store(), 'span', beta, [spanIdOf(12)]);
      assert.equal(rows.length, 3);
      assert.equal(rows.find((r) => r.rowid === a)!.score, 0.5);
    });

    it("writes nothing of a 'reject' batch with an unknown target", async () => {
      const unknown = spanIdOf(999);
      const result = await store().annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(21), { name: 'atomic' }), annotation(unknown, { name: 'atomic' })],
        REJECT,
      );
      assert.deepEqual(result, { rowids: [null, null], missingTargets: [unknown] });
      const page = await store().annotations.listAnnotations('span', alpha, {
        includeNames: ['atomic'],
        targetIds: [spanIdOf(21)],
        limit: 10,
      });
      assert.equal(page.items.length, 0);
      assert.deepEqual(await store().annotations.upsertAnnotations('span', [], REJECT), {
        rowids: [],
        missingTargets: [],
      });
    });

    it("writes the known targets of a 'skip' batch", async () => {
      const unknown = traceIdOf(999);
      const result = await store().annotations.upsertAnnotations(
        'trace',
        [
          annotation(unknown),
          annotation(traceIdOf(2), { label: null, explanation: 'ok' }),
          annotation(unknown, { name: 'again' }),
        ],
        { onMissingTarget: 'skip' },
      );
      assert.equal(result.rowids[0], null);
      assert.ok(result.rowids[1]);
      assert.equal(result.rowids[2], null);
      assert.deepEqual(result.missingTargets, [unknown]);
      const [row] = await listAll(store(), 'trace', alpha, [traceIdOf(2)]);
      assert.equal(row!.targetKind, 'trace');
      assert.equal(row!.targetId, traceIdOf(2));
      assert.equal(row!.label, null);
      assert.equal(row!.explanation, 'ok');
    });

    it('annotates a session by its session id, the most recently active one when shared', async () => {
      await store().annotations.upsertAnnotations(
        'session',
        [annotation('chat-1', { name: 'csat', score: 4 }), annotation('shared', { name: 'csat' })],
        REJECT,
      );
      const [chat] = await listAll(store(), 'session', alpha, ['chat-1']);
      assert.equal(chat!.score, 4);
      assert.equal(chat!.targetKind, 'session');
      assert.equal(chat!.targetId, 'chat-1');
      assert.equal((await listAll(store(), 'session', alpha, ['shared'])).length, 0);
      assert.equal((await listAll(store(), 'session', beta, ['shared'])).length, 1);
    });

    it('keys document annotations on the document position too', async () => {
      const result = await store().annotations.upsertAnnotations(
        'document',
        [
          annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0 }),
          annotation(spanIdOf(11), { name: 'relevance', documentPosition: 1 }),
          annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0, score: 0.2 }),
        ],
        REJECT,
      );
      const [first, second, again] = result.rowids;
      assert.ok(first && second);
      assert.notEqual(first, second);
      assert.equal(first, again);
      const missing = await store().annotations.upsertAnnotations(
        'document',
        [annotation(spanIdOf(999), { documentPosition: 0 })],
        REJECT,
      );
      assert.deepEqual(missing, { rowids: [null], missingTargets: [spanIdOf(999)] });
      // Document annotations are not span annotations.
      assert.equal((await listAll(store(), 'span', alpha, [spanIdOf(11)])).length, 0);
    });

    it('appends a note per call, and upserts one with an identifier', async () => {
      const first = await store().annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'looks wrong',
      });
      const second = await store().annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'still wrong',
        userId: 'reviewer',
      });
      assert.ok(first && second && first !== second);
      const named = await store().annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'v1',
        identifier: 'review',
      });
      const renamed = await store().annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'v2',
        identifier: 'review',
      });
      assert.equal(named, renamed);
      const notes = (
        await store().annotations.listAnnotations('span', alpha, {
          targetIds: [spanIdOf(21)],
          includeNames: ['note'],
          limit: 10,
        })
      ).items;
      assert.deepEqual(
        notes.map((n) => n.explanation),
        ['v2', 'still wrong', 'looks wrong'],
      );
      assert.equal(notes[0]!.identifier, 'review');
      assert.equal(notes[1]!.userId, 'reviewer');
      for (const note of notes.slice(1)) {
        assert.match(note.identifier, /^px-span-note:[0-9a-f-]{36}$/);
        assert.equal(note.annotatorKind, 'HUMAN');
        assert.equal(note.label, null);
        assert.equal(note.score, null);
      }
    });

    it('adds notes to traces and sessions, and answers null for an unknown target', async () => {
      assert.ok(await store().annotations.addNote('trace', { targetId: traceIdOf(1), text: 'x' }));
      assert.ok(await store().annotations.addNote('session', { targetId: 'chat-1', text: 'x' }));
      const [traceNote] = await listAll(store(), 'trace', alpha, [traceIdOf(1)]);
      assert.match(traceNote!.identifier, /^px-trace-note:/);
      const [note] = await store()
        .annotations.listAnnotations('session', alpha, {
          identifiers: [],
          targetIds: ['chat-1'],
          limit: 10,
        })
        .then((page) => page.items.filter((a) => a.name === 'note'));
      assert.match(note!.identifier, /^px-session-note:/);
      assert.equal(note!.explanation, 'x');
      assert.equal(
        await store().annotations.addNote('span', { targetId: 'nope', text: 'x' }),
        null,
      );
      assert.equal(
        await store().annotations.addNote('session', { targetId: 'nope', text: 'x' }),
        null,
      );
    });
  });

  describe('annotation lists', () => {
    // 25 annotations on span 401, written in one batch (all share created_at), one on span
    // 411, and the targets of seedTargets in other projects. Tests only read.
    let ids: number[] = [];
    let alpha = 0;
    const store = storePerBlock(factory, async (s) => {
      ({ alpha } = await seedTargets(s));
      await s.insertSpans([
        spanRecord({ projectName: 'paging', traceId: traceIdOf(40), spanId: spanIdOf(401) }),
        spanRecord({ projectName: 'paging', traceId: traceIdOf(41), spanId: spanIdOf(411) }),
      ]);
      const result = await s.annotations.upsertAnnotations(
        'span',
        Array.from({ length: 25 }, (_, i) =>
          annotation(spanIdOf(401), {
            name: `metric-${i % 5}`,
            identifier: `run-${Math.floor(i / 5)}`,
          }),
        ),
        REJECT,
      );
      ids = result.rowids.map(Number);
      await s.annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(411), { name: 'metric-0', identifier: 'run-0' })],
        REJECT,
      );
      await s.annotations.upsertAnnotations('span', [annotation(spanIdOf(11))], REJECT);
    });

    it('filters by target, identifier, and included or excluded names', async () => {
      const project = await projectIdOf(store(), 'paging');
      const list = (query: object) =>
        store()
          .annotations.listAnnotations('span', project, { limit: 100, ...query })
          .then((page) => page.items);
      assert.equal((await list({})).length, 26, "all of the project's, none of others'");
      assert.equal((await list({ targetIds: [spanIdOf(401)] })).length, 25);
      assert.equal((await list({ identifiers: ['run-0'] })).length, 6);
      assert.equal((await list({ identifiers: ['run-0'], targetIds: [spanIdOf(411)] })).length, 1);
      const included = await list({ targetIds: [spanIdOf(401)], includeNames: ['metric-1'] });
      assert.equal(included.length, 5);
      assert.ok(included.every((a) => a.name === 'metric-1'));
      const excluded = await list({
        targetIds: [spanIdOf(401)],
        excludeNames: ['metric-1', 'metric-2'],
      });
      assert.equal(excluded.length, 15);
      assert.ok(excluded.every((a) => a.name !== 'metric-1' && a.name !== 'metric-2'));
      // Another project's span ids find nothing here.
      assert.equal((await list({ targetIds: [spanIdOf(11)] })).length, 0);
      assert.equal((await listAll(store(), 'span', alpha, [spanIdOf(11)])).length, 1);
      const exists = (targetIds: string[]) =>
        store().annotations.anyTargetExists('span', project, targetIds);
      assert.equal(await exists([spanIdOf(11)]), false);
      assert.equal(await exists([spanIdOf(11), spanIdOf(401)]), true);
      assert.equal(await exists([]), false);
      assert.equal(
        await store().annotations.anyTargetExists('trace', project, [traceIdOf(40)]),
        true,
      );
      assert.equal(
        await store().annotations.anyTargetExists('trace', project, [traceIdOf(1)]),
        false,
      );
      assert.equal(await store().annotations.anyTargetExists('session', alpha, ['chat-1']), true);
      assert.equal(
        await store().annotations.anyTargetExists('session', project, ['chat-1']),
        false,
      );
    });

    it('pages newest first through ties in created_at, to an exact last page', async () => {
      const project = await projectIdOf(store(), 'paging');
      for (const limit of [10, 5, 25, 24]) {
        const seen: number[] = [];
        let cursor: number | undefined;
        let pages = 0;
        for (;;) {
          const page = await store().annotations.listAnnotations('span', project, {
            targetIds: [spanIdOf(401)],
            cursor,
            limit,
          });
          pages++;
          seen.push(...page.items.map((a) => a.rowid));
          if (page.nextCursor === null) break;
          assert.equal(page.items.length, limit);
          cursor = page.nextCursor;
        }
        assert.deepEqual(
          seen,
          [...ids].sort((a, b) => b - a),
          `limit ${limit}`,
        );
        assert.equal(pages, Math.ceil(25 / limit), `limit ${limit}`);
      }
    });

    it('answers an empty page with no cursor when nothing matches', async () => {
      const project = await projectIdOf(store(), 'paging');
      const page = await store().annotations.listAnnotations('span', project, {
        identifiers: ['no-such-run'],
        limit: 10,
      });
      assert.deepEqual(page, { items: [], nextCursor: null });
    });
  });

  describe('annotation deletes by filter', () => {
    const store = storePerTest(factory);
    let project: number;
    let alpha: number;

    async function names(): Promise<string[]> {
      const page = await store().annotations.listAnnotations('trace', project, {
        targetIds: [traceIdOf(50)],
        limit: 100,
      });
      return page.items.map((a) => `${a.name}/${a.identifier}/${a.annotatorKind}`).sort();
    }

    async function otherProjectsA(): Promise<number> {
      const rows = await listAll(store(), 'trace', alpha, [traceIdOf(1)]);
      return rows.filter((a) => a.name === 'a').length;
    }

    beforeEach(async () => {
      ({ alpha } = await seedTargets(store()));
      await store().insertSpans([
        spanRecord({ projectName: 'deleting', traceId: traceIdOf(50), spanId: spanIdOf(501) }),
      ]);
      project = await projectIdOf(store(), 'deleting');
      await store().annotations.upsertAnnotations(
        'trace',
        [
          annotation(traceIdOf(50), { name: 'a', identifier: 'x', annotatorKind: 'LLM' }),
          annotation(traceIdOf(50), { name: 'a', identifier: 'y', annotatorKind: 'CODE' }),
          annotation(traceIdOf(50), { name: 'b', identifier: 'x', annotatorKind: 'HUMAN' }),
          annotation(traceIdOf(50), { name: 'b', identifier: 'y', annotatorKind: 'LLM' }),
          annotation(traceIdOf(50), { name: 'c', identifier: 'z', annotatorKind: 'LLM' }),
        ],
        REJECT,
      );
      // An annotation in another project, to check the delete stays in its project.
      await store().annotations.upsertAnnotations(
        'trace',
        [annotation(traceIdOf(1), { name: 'a' })],
        REJECT,
      );
    });

    it('narrows by name, identifier and annotator kind, within the project', async () => {
      const filter = { deleteAll: true };
      const remove = (more: object) =>
        store().annotations.deleteAnnotations('trace', project, { ...filter, ...more });
      assert.equal(await remove({ name: 'a', identifier: 'y' }), 1);
      assert.equal(await remove({ annotatorKind: 'HUMAN' }), 1);
      assert.deepEqual(await names(), ['a/x/LLM', 'b/y/LLM', 'c/z/LLM']);
      assert.equal(await remove({ name: 'a' }), 1);
      assert.equal(await remove({ name: 'no-such-name' }), 0);
      assert.deepEqual(await names(), ['b/y/LLM', 'c/z/LLM']);
      assert.equal(await otherProjectsA(), 1);
    });

    it('deletes in a created_at window, and everything only with deleteAll', async () => {
      // The window is taken from the store's own clock, whatever the test machine's says.
      const [stored] = await listAll(store(), 'trace', project, [traceIdOf(50)]);
      const created = stored!.createdAtUnixNano;
      const hour = 3_600_000n * MS;
      const past = {
        createdAtStart: created - 2n * hour,
        createdAtEnd: created - hour,
        deleteAll: false,
      };
      assert.equal(await store().annotations.deleteAnnotations('trace', project, past), 0);
      await assert.rejects(
        store().annotations.deleteAnnotations('trace', project, { deleteAll: false }),
        /created_at bounds or deleteAll/,
      );
      await assert.rejects(
        store().annotations.deleteAnnotations('trace', project, {
          createdAtStart: created - hour,
          deleteAll: false,
        }),
        /created_at bounds or deleteAll/,
      );
      assert.equal((await names()).length, 5, 'a refused delete deletes nothing');
      const window = {
        createdAtStart: created - hour,
        createdAtEnd: created + hour,
        deleteAll: false,
      };
      assert.equal(
        await store().annotations.deleteAnnotations('trace', project, { ...window, name: 'c' }),
        1,
      );
      assert.equal(
        await store().annotations.deleteAnnotations('trace', project, {
          createdAtStart: created - hour,
          createdAtEnd: created,
          deleteAll: false,
        }),
        0,
        'the end of the window is exclusive',
      );
      assert.equal(
        await store().annotations.deleteAnnotations('trace', project, { deleteAll: true }),
        4,
      );
      assert.deepEqual(await names(), []);
      assert.equal(await otherProjectsA(), 1);
    });
  });

  describe('annotations and their targets', () => {
    const store = storePerTest(factory);

    it('deleting a span, trace or session deletes its annotations', async () => {
      // Traces 60 and 61 in session "gone"; span 601 (root of 60) and 602 (its child).
      const spans = [
        spanRecord({
          projectName: 'cascade',
          traceId: traceIdOf(60),
          spanId: spanIdOf(601),
          sessionId: 'gone',
        }),
        spanRecord({
          projectName: 'cascade',
          traceId: traceIdOf(60),
          spanId: spanIdOf(602),
          parentId: spanIdOf(601),
        }),
        spanRecord({
          projectName: 'cascade',
          traceId: traceIdOf(61),
          spanId: spanIdOf(611),
          sessionId: 'gone',
          startTimeUnixNano: BASE_TIME + 1000n * MS,
        }),
      ];
      await store().insertSpans(spans);
      const project = await projectIdOf(store(), 'cascade');
      const a = store().annotations;
      await a.upsertAnnotations(
        'span',
        [annotation(spanIdOf(601)), annotation(spanIdOf(602))],
        REJECT,
      );
      await a.upsertAnnotations(
        'document',
        [annotation(spanIdOf(601), { documentPosition: 0 })],
        REJECT,
      );
      await a.addNote('span', { targetId: spanIdOf(601), text: 'bye' });
      await a.upsertAnnotations('trace', [annotation(traceIdOf(60))], REJECT);
      await a.upsertAnnotations('session', [annotation('gone')], REJECT);
      const count = async (kind: ListableTargetKind, targetId: string) =>
        (await listAll(store(), kind, project, [targetId])).length;

      await store().deleteSpan((await spanBySpanId(store(), spanIdOf(601))).rowid);
      // Sent again, the span is a new one: the old one's annotations are gone, not revived.
      await store().insertSpans([spans[0]!]);
      assert.equal(await count('span', spanIdOf(601)), 0);
      assert.equal(await count('span', spanIdOf(602)), 1);
      assert.equal(await count('trace', traceIdOf(60)), 1);

      await store().deleteTrace((await store().getTrace(traceIdOf(60)))!.rowid);
      await store().insertSpans(spans.slice(0, 2));
      assert.equal(await count('trace', traceIdOf(60)), 0);
      assert.equal(await count('span', spanIdOf(602)), 0, "the trace's spans went with it");
      assert.equal(await count('session', 'gone'), 1, 'the session still has trace 61');

      await store().deleteSessions([(await store().getSession(project, 'gone'))!.rowid]);
      await store().insertSpans(spans);
      assert.equal(await count('session', 'gone'), 0);
      assert.equal(await count('trace', traceIdOf(60)), 0);
    });

    it('keeps the annotations of a re-sent span and of a moved trace', async () => {
      const span = spanRecord({
        projectName: 'kept',
        traceId: traceIdOf(70),
        spanId: spanIdOf(701),
      });
      await store().insertSpans([span]);
      const a = store().annotations;
      await a.upsertAnnotations('span', [annotation(spanIdOf(701))], REJECT);
      await a.upsertAnnotations('trace', [annotation(traceIdOf(70))], REJECT);
      await store().insertSpans([{ ...span, name: 'renamed' }]);
      const from = await projectIdOf(store(), 'kept');
      assert.equal((await listAll(store(), 'span', from, [spanIdOf(701)])).length, 1);

      const to = (await store().createProject('moved', null))!;
      await store().transferTraces([(await store().getTrace(traceIdOf(70)))!.rowid], to.rowid);
      assert.equal((await listAll(store(), 'span', to.rowid, [spanIdOf(701)])).length, 1);
      assert.equal((await listAll(store(), 'trace', to.rowid, [traceIdOf(70)])).length, 1);
      assert.equal((await listAll(store(), 'trace', from, [traceIdOf(70)])).length, 0);
    });
  });

  describe('annotation configs', () => {
    const store = storePerTest(factory);

    it('has the seeded user_feedback config', async () => {
      const config = await store().annotations.getAnnotationConfigByName('user_feedback');
      assert.deepEqual(config && { ...config, rowid: 0 }, {
        rowid: 0,
        name: 'user_feedback',
        type: 'CATEGORICAL',
        description: null,
        optimizationDirection: 'MAXIMIZE',
        values: [
          { label: 'positive', score: 1 },
          { label: 'negative', score: 0 },
        ],
      });
      assert.deepEqual(await store().annotations.getAnnotationConfig(config!.rowid), config);
      assert.deepEqual(await store().annotations.listAnnotationConfigs({ limit: 10 }), {
        items: [config],
        nextCursor: null,
      });
    });

    it('creates, renames, updates and deletes configs; names are unique', async () => {
      const created = await store().annotations.createAnnotationConfig({
        type: 'CONTINUOUS',
        name: 'latency-score',
        description: 'how fast',
        optimizationDirection: 'MINIMIZE',
        lowerBound: 0,
        upperBound: 10,
      });
      assert.equal(created.status, 'ok');
      const rowid = created.status === 'ok' ? created.config.rowid : 0;
      assert.deepEqual(created, {
        status: 'ok',
        config: {
          rowid,
          type: 'CONTINUOUS',
          name: 'latency-score',
          description: 'how fast',
          optimizationDirection: 'MINIMIZE',
          lowerBound: 0,
          upperBound: 10,
        },
      });
      assert.deepEqual(await store().annotations.getAnnotationConfig(rowid), created.config);
      assert.deepEqual(
        await store().annotations.createAnnotationConfig({
          type: 'FREEFORM',
          name: 'latency-score',
          description: null,
          optimizationDirection: null,
          threshold: null,
          lowerBound: null,
          upperBound: null,
        }),
        { status: 'name-taken' },
      );
      const updated = await store().annotations.updateAnnotationConfig(rowid, {
        type: 'FREEFORM',
        name: 'speed',
        description: null,
        optimizationDirection: null,
        threshold: 0.5,
        lowerBound: null,
        upperBound: 1,
      });
      const speed = {
        rowid,
        type: 'FREEFORM',
        name: 'speed',
        description: null,
        optimizationDirection: null,
        threshold: 0.5,
        lowerBound: null,
        upperBound: 1,
      } as const;
      assert.deepEqual(updated, { status: 'ok', config: speed });
      assert.deepEqual(await store().annotations.getAnnotationConfigByName('speed'), speed);
      assert.equal(await store().annotations.getAnnotationConfigByName('latency-score'), null);
      const clash = await store().annotations.updateAnnotationConfig(rowid, {
        type: 'CATEGORICAL',
        name: 'user_feedback',
        description: null,
        optimizationDirection: 'NONE',
        values: [{ label: 'x', score: null }],
      });
      assert.deepEqual(clash, { status: 'name-taken' });
      assert.deepEqual(
        await store().annotations.updateAnnotationConfig(123_456, {
          type: 'CONTINUOUS',
          name: 'none',
          description: null,
          optimizationDirection: 'NONE',
          lowerBound: null,
          upperBound: null,
        }),
        { status: 'not-found' },
      );
      assert.equal((await store().annotations.deleteAnnotationConfig(rowid))?.name, 'speed');
      assert.equal(await store().annotations.deleteAnnotationConfig(rowid), null);
      assert.equal(await store().annotations.getAnnotationConfig(rowid), null);
    });

    it('pages configs newest first and assigns them to projects', async () => {
      const alpha = (await store().createProject('alpha', null))!.rowid;
      const beta = (await store().createProject('beta', null))!.rowid;
      const rowids: number[] = [];
      for (const name of ['c1', 'c2', 'c3']) {
        const result = await store().annotations.createAnnotationConfig({
          type: 'CATEGORICAL',
          name,
          description: null,
          optimizationDirection: 'NONE',
          values: [{ label: 'yes', score: 1 }],
        });
        assert.equal(result.status, 'ok');
        if (result.status === 'ok') rowids.push(result.config.rowid);
      }
      const first = await store().annotations.listAnnotationConfigs({ limit: 2 });
      assert.deepEqual(
        first.items.map((c) => c.name),
        ['c3', 'c2'],
      );
      assert.equal(first.nextCursor, rowids[0]);
      const rest = await store().annotations.listAnnotationConfigs({
        limit: 100,
        cursor: first.nextCursor!,
      });
      assert.deepEqual(
        rest.items.map((c) => c.name),
        ['c1', 'user_feedback'],
      );
      assert.equal(rest.nextCursor, null);

      const [c1, c2, c3] = rowids as [number, number, number];
      const set = await store().annotations.setProjectAnnotationConfigs(alpha, [c1, c2, c1]);
      assert.equal(set.status, 'ok');
      assert.deepEqual(set.status === 'ok' && set.configs.map((c) => c.name), ['c2', 'c1']);
      await store().annotations.assignAnnotationConfig(alpha, c3);
      await store().annotations.assignAnnotationConfig(alpha, c3);
      await store().annotations.unassignAnnotationConfig(alpha, c1);
      await store().annotations.unassignAnnotationConfig(alpha, c1);
      const assigned = async (projectId: number) =>
        (await store().annotations.listAnnotationConfigs({ limit: 100, projectId })).items.map(
          (c) => c.name,
        );
      assert.deepEqual(await assigned(alpha), ['c3', 'c2']);
      assert.deepEqual(
        await store().annotations.setProjectAnnotationConfigs(alpha, [c1, 999_999]),
        {
          status: 'configs-not-found',
          rowids: [999_999],
        },
      );
      assert.deepEqual(await assigned(alpha), ['c3', 'c2'], 'a failed replace changes nothing');
      const paged = await store().annotations.listAnnotationConfigs({ limit: 1, projectId: alpha });
      assert.deepEqual(
        paged.items.map((c) => c.name),
        ['c3'],
      );
      assert.equal(paged.nextCursor, c2);
      await store().annotations.deleteAnnotationConfig(c3);
      assert.deepEqual(await assigned(alpha), ['c2']);
      await store().annotations.setProjectAnnotationConfigs(alpha, []);
      assert.deepEqual(await assigned(alpha), []);
      assert.deepEqual(await assigned(beta), []);
    });
  });
}
