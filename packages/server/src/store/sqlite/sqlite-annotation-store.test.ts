import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnnotationUpsert, StoredAnnotation } from '../annotation-store.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { openSqlite } from './open-sqlite.js';
import { SqliteStore } from './sqlite-store.js';

const MS = 1_000_000n;

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

describe('SqliteAnnotationStore', () => {
  let dir: string;
  let dbPath: string;
  let store: SqliteStore;
  let alpha: number;
  let beta: number;

  // alpha: trace 1 (root span 11 + child 12, session "chat-1"), trace 2 (span 21, session
  // "shared"). beta: trace 3 holds span 12 again (later start) and session "shared" (later).
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-annotations-'));
    dbPath = join(dir, 'heron.db');
    store = await SqliteStore.open({ path: dbPath, synchronous: 'NORMAL' });
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
    alpha = (await store.getProjectByName('alpha'))!.rowid;
    beta = (await store.getProjectByName('beta'))!.rowid;
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function listAll(
    kind: 'span' | 'trace' | 'session',
    projectId: number,
    targetIds: string[],
  ): Promise<StoredAnnotation[]> {
    const page = await store.annotations.listAnnotations(kind, projectId, {
      targetIds,
      limit: 10_000,
    });
    return page.items;
  }

  describe('upsert', () => {
    it('updates the annotation with the same (name, target, identifier) in place', async () => {
      const first = await store.annotations.upsertAnnotations('span', [annotation(spanIdOf(11))], {
        onMissingTarget: 'reject',
      });
      const [before] = await listAll('span', alpha, [spanIdOf(11)]);
      assert.ok(before);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await store.annotations.upsertAnnotations(
        'span',
        [
          annotation(spanIdOf(11), {
            label: 'bad',
            score: 0.1,
            explanation: 'off topic',
            annotatorKind: 'HUMAN',
            metadata: { model: 'gpt-4' },
          }),
        ],
        { onMissingTarget: 'reject' },
      );
      assert.deepEqual(second.rowids, first.rowids);
      const rows = await listAll('span', alpha, [spanIdOf(11)]);
      assert.equal(rows.length, 1);
      const after = rows[0]!;
      assert.equal(after.label, 'bad');
      assert.equal(after.score, 0.1);
      assert.equal(after.explanation, 'off topic');
      assert.equal(after.annotatorKind, 'HUMAN');
      assert.deepEqual(after.metadata, { model: 'gpt-4' });
      assert.equal(after.createdAtUnixNano, before.createdAtUnixNano);
      assert.ok(after.updatedAtUnixNano > before.updatedAtUnixNano);
    });

    it('keeps one annotation per identifier, and per name', async () => {
      const result = await store.annotations.upsertAnnotations(
        'span',
        [
          annotation(spanIdOf(12), { identifier: 'run-1' }),
          annotation(spanIdOf(12), { identifier: 'run-2' }),
          annotation(spanIdOf(12), { identifier: 'run-1', score: 0.5 }),
          annotation(spanIdOf(12), { name: 'relevance', identifier: 'run-1' }),
        ],
        { onMissingTarget: 'reject' },
      );
      const [a, b, c, d] = result.rowids;
      assert.equal(a, c, 'same key in one batch → same row, last write wins');
      assert.notEqual(a, b);
      assert.notEqual(a, d);
      // span 12 exists in alpha (trace 1) and beta (trace 3, later): the later one got them.
      assert.equal((await listAll('span', alpha, [spanIdOf(12)])).length, 0);
      const rows = await listAll('span', beta, [spanIdOf(12)]);
      assert.equal(rows.length, 3);
      assert.equal(rows.find((r) => r.rowid === a)!.score, 0.5);
    });

    it("writes nothing of a 'reject' batch with an unknown target", async () => {
      const unknown = spanIdOf(999);
      const result = await store.annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(21), { name: 'atomic' }), annotation(unknown, { name: 'atomic' })],
        { onMissingTarget: 'reject' },
      );
      assert.deepEqual(result, { rowids: [null, null], missingTargets: [unknown] });
      const page = await store.annotations.listAnnotations('span', alpha, {
        includeNames: ['atomic'],
        targetIds: [spanIdOf(21)],
        limit: 10,
      });
      assert.equal(page.items.length, 0);
    });

    it("writes the known targets of a 'skip' batch", async () => {
      const unknown = traceIdOf(999);
      const result = await store.annotations.upsertAnnotations(
        'trace',
        [annotation(unknown), annotation(traceIdOf(2), { label: null, explanation: 'ok' })],
        { onMissingTarget: 'skip' },
      );
      assert.equal(result.rowids[0], null);
      assert.ok(result.rowids[1]);
      assert.deepEqual(result.missingTargets, [unknown]);
      const [row] = await listAll('trace', alpha, [traceIdOf(2)]);
      assert.equal(row!.targetId, traceIdOf(2));
      assert.equal(row!.label, null);
      assert.equal(row!.explanation, 'ok');
    });

    it('annotates a session by its session id, the most recently active one when shared', async () => {
      await store.annotations.upsertAnnotations(
        'session',
        [annotation('chat-1', { name: 'csat', score: 4 }), annotation('shared', { name: 'csat' })],
        { onMissingTarget: 'reject' },
      );
      const [chat] = await listAll('session', alpha, ['chat-1']);
      assert.equal(chat!.score, 4);
      assert.equal(chat!.targetId, 'chat-1');
      assert.equal((await listAll('session', alpha, ['shared'])).length, 0);
      assert.equal((await listAll('session', beta, ['shared'])).length, 1);
    });

    it('keys document annotations on the document position too', async () => {
      const result = await store.annotations.upsertAnnotations(
        'document',
        [
          annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0 }),
          annotation(spanIdOf(11), { name: 'relevance', documentPosition: 1 }),
          annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0, score: 0.2 }),
        ],
        { onMissingTarget: 'reject' },
      );
      const [first, second, again] = result.rowids;
      assert.notEqual(first, second);
      assert.equal(first, again);
      const db = openSqlite(dbPath, 'NORMAL');
      try {
        const rows = db
          .prepare(
            'SELECT document_position, score FROM document_annotations ORDER BY document_position',
          )
          .all();
        assert.deepEqual(rows, [
          { document_position: 0, score: 0.2 },
          { document_position: 1, score: 0.9 },
        ]);
      } finally {
        db.close();
      }
    });
  });

  describe('notes', () => {
    it('appends a note per call, and upserts one with an identifier', async () => {
      const first = await store.annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'looks wrong',
      });
      const second = await store.annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'still wrong',
      });
      assert.ok(first && second && first !== second);
      const named = await store.annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'v1',
        identifier: 'review',
      });
      const renamed = await store.annotations.addNote('span', {
        targetId: spanIdOf(21),
        text: 'v2',
        identifier: 'review',
      });
      assert.equal(named, renamed);
      const notes = (
        await store.annotations.listAnnotations('span', alpha, {
          targetIds: [spanIdOf(21)],
          includeNames: ['note'],
          limit: 10,
        })
      ).items;
      assert.deepEqual(
        notes.map((n) => n.explanation),
        ['v2', 'still wrong', 'looks wrong'],
      );
      for (const note of notes.slice(1)) {
        assert.match(note.identifier, /^px-span-note:[0-9a-f-]{36}$/);
        assert.equal(note.annotatorKind, 'HUMAN');
        assert.equal(note.label, null);
        assert.equal(note.score, null);
      }
    });

    it('adds notes to traces and sessions, and answers null for an unknown target', async () => {
      assert.ok(await store.annotations.addNote('trace', { targetId: traceIdOf(1), text: 'x' }));
      assert.ok(await store.annotations.addNote('session', { targetId: 'chat-1', text: 'x' }));
      const [note] = await store.annotations
        .listAnnotations('session', alpha, { identifiers: [], targetIds: ['chat-1'], limit: 10 })
        .then((page) => page.items.filter((a) => a.name === 'note'));
      assert.match(note!.identifier, /^px-session-note:/);
      assert.equal(await store.annotations.addNote('span', { targetId: 'nope', text: 'x' }), null);
    });
  });

  describe('listing', () => {
    let project: number;
    let ids: number[];

    before(async () => {
      // 25 annotations on one span, written in one batch: all share created_at.
      await store.insertSpans([
        spanRecord({ projectName: 'paging', traceId: traceIdOf(40), spanId: spanIdOf(401) }),
        spanRecord({ projectName: 'paging', traceId: traceIdOf(41), spanId: spanIdOf(411) }),
      ]);
      project = (await store.getProjectByName('paging'))!.rowid;
      const result = await store.annotations.upsertAnnotations(
        'span',
        Array.from({ length: 25 }, (_, i) =>
          annotation(spanIdOf(401), {
            name: `metric-${i % 5}`,
            identifier: `run-${Math.floor(i / 5)}`,
          }),
        ),
        { onMissingTarget: 'reject' },
      );
      ids = result.rowids.map(Number);
      await store.annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(411), { name: 'metric-0', identifier: 'run-0' })],
        { onMissingTarget: 'reject' },
      );
    });

    it('filters by target, identifier, and included or excluded names', async () => {
      const list = (query: object) =>
        store.annotations
          .listAnnotations('span', project, { limit: 100, ...query })
          .then((page) => page.items);
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
      // Another project's span ids find nothing here.
      assert.equal((await list({ targetIds: [spanIdOf(11)] })).length, 0);
      assert.equal(await store.annotations.anyTargetExists('span', project, [spanIdOf(11)]), false);
      assert.equal(
        await store.annotations.anyTargetExists('span', project, [spanIdOf(11), spanIdOf(401)]),
        true,
      );
    });

    it('pages newest first through ties in created_at, to an exact last page', async () => {
      for (const limit of [10, 5, 25, 24]) {
        const seen: number[] = [];
        let cursor: number | undefined;
        let pages = 0;
        for (;;) {
          const page = await store.annotations.listAnnotations('span', project, {
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
      const page = await store.annotations.listAnnotations('span', project, {
        identifiers: ['no-such-run'],
        limit: 10,
      });
      assert.deepEqual(page, { items: [], nextCursor: null });
    });
  });

  describe('delete by filter', () => {
    let project: number;

    async function names(): Promise<string[]> {
      const page = await store.annotations.listAnnotations('trace', project, {
        targetIds: [traceIdOf(50)],
        limit: 100,
      });
      return page.items.map((a) => `${a.name}/${a.identifier}/${a.annotatorKind}`).sort();
    }

    async function otherProjectsA(): Promise<number> {
      return (await listAll('trace', alpha, [traceIdOf(1)])).filter((a) => a.name === 'a').length;
    }

    before(async () => {
      await store.insertSpans([
        spanRecord({ projectName: 'deleting', traceId: traceIdOf(50), spanId: spanIdOf(501) }),
      ]);
      project = (await store.getProjectByName('deleting'))!.rowid;
      await store.annotations.upsertAnnotations(
        'trace',
        [
          annotation(traceIdOf(50), { name: 'a', identifier: 'x', annotatorKind: 'LLM' }),
          annotation(traceIdOf(50), { name: 'a', identifier: 'y', annotatorKind: 'CODE' }),
          annotation(traceIdOf(50), { name: 'b', identifier: 'x', annotatorKind: 'HUMAN' }),
          annotation(traceIdOf(50), { name: 'b', identifier: 'y', annotatorKind: 'LLM' }),
          annotation(traceIdOf(50), { name: 'c', identifier: 'z', annotatorKind: 'LLM' }),
        ],
        { onMissingTarget: 'reject' },
      );
      // An annotation in another project, to check the delete stays in its project.
      await store.annotations.upsertAnnotations(
        'trace',
        [annotation(traceIdOf(1), { name: 'a' })],
        {
          onMissingTarget: 'reject',
        },
      );
    });

    it('narrows by name, identifier and annotator kind, within the project', async () => {
      const filter = { deleteAll: true };
      assert.equal(
        await store.annotations.deleteAnnotations('trace', project, {
          ...filter,
          name: 'a',
          identifier: 'y',
        }),
        1,
      );
      assert.equal(
        await store.annotations.deleteAnnotations('trace', project, {
          ...filter,
          annotatorKind: 'HUMAN',
        }),
        1,
      );
      assert.deepEqual(await names(), ['a/x/LLM', 'b/y/LLM', 'c/z/LLM']);
      assert.equal(await otherProjectsA(), 1);
    });

    it('deletes in a created_at window, and everything only with deleteAll', async () => {
      const now = BigInt(Date.now()) * MS;
      const hour = 3_600_000n * MS;
      const past = { createdAtStart: now - 2n * hour, createdAtEnd: now - hour, deleteAll: false };
      assert.equal(await store.annotations.deleteAnnotations('trace', project, past), 0);
      await assert.rejects(
        store.annotations.deleteAnnotations('trace', project, { deleteAll: false }),
        /created_at bounds or deleteAll/,
      );
      const window = { createdAtStart: now - hour, createdAtEnd: now + hour, deleteAll: false };
      assert.equal(
        await store.annotations.deleteAnnotations('trace', project, { ...window, name: 'c' }),
        1,
      );
      assert.equal(
        await store.annotations.deleteAnnotations('trace', project, { deleteAll: true }),
        2,
      );
      assert.deepEqual(await names(), []);
      assert.equal(await otherProjectsA(), 1);
    });
  });

  describe('cascade', () => {
    it('drops the annotations of a deleted span, trace or session', async () => {
      await store.insertSpans([
        spanRecord({
          projectName: 'cascade',
          traceId: traceIdOf(60),
          spanId: spanIdOf(601),
          sessionId: 'gone',
        }),
      ]);
      const project = (await store.getProjectByName('cascade'))!.rowid;
      await store.annotations.upsertAnnotations('span', [annotation(spanIdOf(601))], {
        onMissingTarget: 'reject',
      });
      await store.annotations.upsertAnnotations(
        'document',
        [annotation(spanIdOf(601), { documentPosition: 0 })],
        { onMissingTarget: 'reject' },
      );
      await store.annotations.addNote('span', { targetId: spanIdOf(601), text: 'bye' });
      await store.annotations.upsertAnnotations('trace', [annotation(traceIdOf(60))], {
        onMissingTarget: 'reject',
      });
      await store.annotations.upsertAnnotations('session', [annotation('gone')], {
        onMissingTarget: 'reject',
      });

      const db = openSqlite(dbPath, 'NORMAL');
      try {
        assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
        const count = (table: string) =>
          db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
        const documentsBefore = count('document_annotations');
        db.prepare('DELETE FROM spans WHERE span_id = ?').run(spanIdOf(601));
        assert.equal((await listAll('span', project, [spanIdOf(601)])).length, 0);
        assert.equal(count('document_annotations'), documentsBefore - 1);
        assert.equal((await listAll('trace', project, [traceIdOf(60)])).length, 1);
        db.prepare('DELETE FROM traces WHERE trace_id = ?').run(traceIdOf(60));
        assert.equal((await listAll('trace', project, [traceIdOf(60)])).length, 0);
        assert.equal((await listAll('session', project, ['gone'])).length, 1);
        db.prepare('DELETE FROM sessions WHERE session_id = ?').run('gone');
        assert.equal((await listAll('session', project, ['gone'])).length, 0);
      } finally {
        db.close();
      }
    });
  });

  describe('annotation configs', () => {
    it('has the seeded user_feedback config', async () => {
      const config = await store.annotations.getAnnotationConfigByName('user_feedback');
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
    });

    it('creates, renames, updates and deletes configs; names are unique', async () => {
      const created = await store.annotations.createAnnotationConfig({
        type: 'CONTINUOUS',
        name: 'latency-score',
        description: 'how fast',
        optimizationDirection: 'MINIMIZE',
        lowerBound: 0,
        upperBound: 10,
      });
      assert.equal(created.status, 'ok');
      const rowid = created.status === 'ok' ? created.config.rowid : 0;
      assert.deepEqual(
        await store.annotations.createAnnotationConfig({
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
      const updated = await store.annotations.updateAnnotationConfig(rowid, {
        type: 'FREEFORM',
        name: 'speed',
        description: null,
        optimizationDirection: null,
        threshold: 0.5,
        lowerBound: null,
        upperBound: 1,
      });
      assert.deepEqual(updated, {
        status: 'ok',
        config: {
          rowid,
          type: 'FREEFORM',
          name: 'speed',
          description: null,
          optimizationDirection: null,
          threshold: 0.5,
          lowerBound: null,
          upperBound: 1,
        },
      });
      const clash = await store.annotations.updateAnnotationConfig(rowid, {
        type: 'CATEGORICAL',
        name: 'user_feedback',
        description: null,
        optimizationDirection: 'NONE',
        values: [{ label: 'x', score: null }],
      });
      assert.deepEqual(clash, { status: 'name-taken' });
      assert.deepEqual(
        await store.annotations.updateAnnotationConfig(123_456, {
          type: 'CONTINUOUS',
          name: 'none',
          description: null,
          optimizationDirection: 'NONE',
          lowerBound: null,
          upperBound: null,
        }),
        { status: 'not-found' },
      );
      assert.equal((await store.annotations.deleteAnnotationConfig(rowid))?.name, 'speed');
      assert.equal(await store.annotations.deleteAnnotationConfig(rowid), null);
      assert.equal(await store.annotations.getAnnotationConfig(rowid), null);
    });

    it('pages configs newest first and assigns them to projects', async () => {
      const rowids: number[] = [];
      for (const name of ['c1', 'c2', 'c3']) {
        const result = await store.annotations.createAnnotationConfig({
          type: 'CATEGORICAL',
          name,
          description: null,
          optimizationDirection: 'NONE',
          values: [{ label: 'yes', score: 1 }],
        });
        assert.equal(result.status, 'ok');
        if (result.status === 'ok') rowids.push(result.config.rowid);
      }
      const first = await store.annotations.listAnnotationConfigs({ limit: 2 });
      assert.deepEqual(
        first.items.map((c) => c.name),
        ['c3', 'c2'],
      );
      assert.equal(first.nextCursor, rowids[0]);
      const rest = await store.annotations.listAnnotationConfigs({
        limit: 100,
        cursor: first.nextCursor!,
      });
      assert.equal(rest.items[0]!.name, 'c1');
      assert.equal(rest.items.at(-1)!.name, 'user_feedback');
      assert.equal(rest.nextCursor, null);

      const [c1, c2, c3] = rowids as [number, number, number];
      const set = await store.annotations.setProjectAnnotationConfigs(alpha, [c1, c2, c1]);
      assert.equal(set.status, 'ok');
      assert.deepEqual(set.status === 'ok' && set.configs.map((c) => c.name), ['c2', 'c1']);
      await store.annotations.assignAnnotationConfig(alpha, c3);
      await store.annotations.assignAnnotationConfig(alpha, c3);
      await store.annotations.unassignAnnotationConfig(alpha, c1);
      await store.annotations.unassignAnnotationConfig(alpha, c1);
      const assigned = async () =>
        (await store.annotations.listAnnotationConfigs({ limit: 100, projectId: alpha })).items.map(
          (c) => c.name,
        );
      assert.deepEqual(await assigned(), ['c3', 'c2']);
      assert.deepEqual(await store.annotations.setProjectAnnotationConfigs(alpha, [c1, 999_999]), {
        status: 'configs-not-found',
        rowids: [999_999],
      });
      assert.deepEqual(await assigned(), ['c3', 'c2'], 'a failed replace changes nothing');
      await store.annotations.deleteAnnotationConfig(c3);
      assert.deepEqual(await assigned(), ['c2']);
      await store.annotations.setProjectAnnotationConfigs(alpha, []);
      assert.deepEqual(await assigned(), []);
      assert.deepEqual(
        (await store.annotations.listAnnotationConfigs({ limit: 100, projectId: beta })).items,
        [],
      );
    });
  });
});
