/**
 * PostgresAnnotationStore: the annotation part of the Store conformance suite, run on a minimal
 * store (the PostgreSQL span writer and a few statements for the Store calls those tests make),
 * and what only makes sense on PostgreSQL: the rows it writes, text PostgreSQL refuses,
 * concurrent writers, and targets deleted by another transaction while a batch resolves them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import type { AnnotationUpsert } from '../annotation-store.js';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { annotationConformance } from '../conformance/annotation-conformance.js';
import type { StoreFactory } from '../conformance/store-factory.js';
import type { ProjectRow, Store } from '../store.js';
import { PostgresAnnotationStore } from './postgres-annotation-store.js';
import { PostgresSpanWriter } from './postgres-span-writer.js';
import {
  createTestSchema,
  postgresUnavailable,
  type TestSchema,
} from './postgres-test-database.js';

const skip = await postgresUnavailable();

interface ProjectDbRow {
  id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

function toProjectRow(row: ProjectDbRow | undefined): ProjectRow | null {
  if (!row) return null;
  return {
    rowid: Number(row.id),
    name: row.name,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Just the Store calls annotation-conformance.ts makes, until PostgresStore exists: spans go
 * through the real span writer; the lookups answer with the rowids the tests use; the deletes
 * and the move are single statements whose foreign keys take the annotations along (rollups are
 * not corrected: these tests do not read them).
 */
function annotationTestStore(pool: pg.Pool): Store {
  const writer = new PostgresSpanWriter(pool);
  const rowids = async (sql: string, params: unknown[]) =>
    (await pool.query<{ id: string }>(sql, params)).rows.map((row) => ({ rowid: Number(row.id) }));
  const first = async (sql: string, params: unknown[]) => (await rowids(sql, params))[0] ?? null;
  const store: Partial<Store> = {
    dialect: 'postgres',
    annotations: new PostgresAnnotationStore(pool),
    insertSpans: (spans) => writer.insertSpans(spans),
    getProjectByName: async (name) =>
      toProjectRow((await pool.query('SELECT * FROM projects WHERE name = $1', [name])).rows[0]),
    createProject: async (name, description) =>
      toProjectRow(
        (
          await pool.query(
            `INSERT INTO projects (name, description) VALUES ($1, $2)
             ON CONFLICT (name) DO NOTHING RETURNING *`,
            [name, description],
          )
        ).rows[0],
      ),
    findSpansBySpanId: async (spanId) =>
      (await rowids('SELECT id FROM spans WHERE span_id = $1', [spanId])) as never,
    getTrace: async (traceId) =>
      (await first('SELECT id FROM traces WHERE trace_id = $1', [traceId])) as never,
    getSession: async (projectId, sessionId) =>
      (await first('SELECT id FROM sessions WHERE project_id = $1 AND session_id = $2', [
        projectId,
        sessionId,
      ])) as never,
    deleteSpan: async (rowid) => {
      await pool.query('DELETE FROM spans WHERE id = $1', [rowid]);
      return { traceDeleted: false };
    },
    deleteTrace: async (rowid) =>
      ((await pool.query('DELETE FROM traces WHERE id = $1', [rowid])).rowCount ?? 0) > 0,
    deleteSessions: async (sessionRowids) => {
      await pool.query('DELETE FROM traces WHERE session_rowid = ANY($1::bigint[])', [
        sessionRowids,
      ]);
      const result = await pool.query('DELETE FROM sessions WHERE id = ANY($1::bigint[])', [
        sessionRowids,
      ]);
      return result.rowCount ?? 0;
    },
    transferTraces: async (traceRowids, projectId) => {
      await pool.query('UPDATE spans SET project_id = $2 WHERE trace_rowid = ANY($1::bigint[])', [
        traceRowids,
        projectId,
      ]);
      const result = await pool.query(
        'UPDATE traces SET project_id = $2 WHERE id = ANY($1::bigint[])',
        [traceRowids, projectId],
      );
      return result.rowCount ?? 0;
    },
  };
  return store as Store;
}

const factory: StoreFactory = {
  name: 'postgres',
  async open() {
    const schema = await createTestSchema();
    return { store: annotationTestStore(schema.pool), close: () => schema.drop() };
  },
};

describe('Store conformance (annotations): postgres', { skip: skip ?? false }, () => {
  annotationConformance(factory);
});

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
const SKIP = { onMissingTarget: 'skip' } as const;

describe('PostgresAnnotationStore on PostgreSQL', { skip: skip ?? false }, () => {
  let db: TestSchema;
  let annotations: PostgresAnnotationStore;
  let writer: PostgresSpanWriter;

  before(async () => {
    db = await createTestSchema();
    annotations = new PostgresAnnotationStore(db.pool);
    writer = new PostgresSpanWriter(db.pool);
  });
  after(async () => {
    await db?.drop();
  });

  async function projectId(name: string): Promise<number> {
    const { rows } = await db.pool.query<{ id: string }>(
      'SELECT id FROM projects WHERE name = $1',
      [name],
    );
    return Number(rows[0]!.id);
  }

  it('stores one document annotation row per document position', async () => {
    await writer.insertSpans([
      spanRecord({ projectName: 'documents', traceId: traceIdOf(1), spanId: spanIdOf(11) }),
    ]);
    await annotations.upsertAnnotations(
      'document',
      [
        annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0 }),
        annotation(spanIdOf(11), { name: 'relevance', documentPosition: 1 }),
        annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0, score: 0.2 }),
      ],
      REJECT,
    );
    const { rows } = await db.pool.query(
      'SELECT document_position, score FROM document_annotations ORDER BY document_position',
    );
    assert.deepEqual(rows, [
      { document_position: 0, score: 0.2 },
      { document_position: 1, score: 0.9 },
    ]);
  });

  it('stores times from the database clock, at the millisecond, in ns', async () => {
    await writer.insertSpans([
      spanRecord({ projectName: 'clock', traceId: traceIdOf(2), spanId: spanIdOf(21) }),
    ]);
    const { rows: before } = await db.pool.query<{ now: string }>(
      'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now',
    );
    await annotations.upsertAnnotations('span', [annotation(spanIdOf(21))], REJECT);
    const [stored] = (
      await annotations.listAnnotations('span', await projectId('clock'), { limit: 10 })
    ).items;
    assert.equal(typeof stored!.createdAtUnixNano, 'bigint');
    assert.equal(stored!.createdAtUnixNano % 1_000_000n, 0n);
    const ms = stored!.createdAtUnixNano / 1_000_000n;
    assert.ok(ms >= BigInt(before[0]!.now) && ms < BigInt(before[0]!.now) + 60_000n);
  });

  it('stores NUL characters, which PostgreSQL text refuses, as U+FFFD', async () => {
    await writer.insertSpans([
      spanRecord({
        projectName: 'nul',
        traceId: traceIdOf(3),
        spanId: spanIdOf(31),
        sessionId: 'chat\u0000x',
      }),
    ]);
    const result = await annotations.upsertAnnotations(
      'span',
      [
        annotation(spanIdOf(31), {
          name: 'n\u0000me',
          label: 'l\u0000',
          explanation: 'e\u0000',
          identifier: 'i\u0000',
          userId: 'u\u0000',
          metadata: { 'k\u0000': 'v\u0000', lone: '\ud800' },
        }),
      ],
      REJECT,
    );
    assert.ok(result.rowids[0]);
    const [stored] = (
      await annotations.listAnnotations('span', await projectId('nul'), {
        includeNames: ['n\u0000me'],
        identifiers: ['i\u0000'],
        limit: 10,
      })
    ).items;
    assert.equal(stored!.name, 'n\ufffdme');
    assert.equal(stored!.label, 'l\ufffd');
    assert.equal(stored!.explanation, 'e\ufffd');
    assert.equal(stored!.identifier, 'i\ufffd');
    assert.equal(stored!.userId, 'u\ufffd');
    assert.deepEqual(stored!.metadata, { 'k\ufffd': 'v\ufffd', lone: '\ufffd' });
    // The session id was stored with its NUL replaced too, and is found by the id as sent.
    const note = await annotations.addNote('session', { targetId: 'chat\u0000x', text: 'hi' });
    assert.ok(note);
    assert.equal(
      await annotations.anyTargetExists('session', await projectId('nul'), ['chat\u0000x']),
      true,
    );
    const config = await annotations.createAnnotationConfig({
      type: 'CATEGORICAL',
      name: 'c\u0000',
      description: 'd\u0000',
      optimizationDirection: 'NONE',
      values: [{ label: 'v\u0000', score: 1 }],
    });
    assert.equal(config.status, 'ok');
    assert.deepEqual(await annotations.getAnnotationConfigByName('c\u0000'), {
      rowid: config.status === 'ok' ? config.config.rowid : 0,
      type: 'CATEGORICAL',
      name: 'c\ufffd',
      description: 'd\ufffd',
      optimizationDirection: 'NONE',
      values: [{ label: 'v\ufffd', score: 1 }],
    });
  });

  it('upserts the same keys from concurrent batches on several connections', async () => {
    await writer.insertSpans(
      Array.from({ length: 8 }, (_, i) =>
        spanRecord({
          projectName: 'concurrent',
          traceId: traceIdOf(100 + i),
          spanId: spanIdOf(1000 + i),
        }),
      ),
    );
    const other = new PostgresAnnotationStore(db.newPool());
    const targets = Array.from({ length: 8 }, (_, i) => spanIdOf(1000 + i));
    // Every batch writes every key, in its own order (reversed or rotated).
    const batches = Array.from({ length: 12 }, (_, b) => {
      const order =
        b % 2 === 0 ? [...targets].reverse() : targets.map((_, i, all) => all[(i + b) % 8]!);
      return order.flatMap((target) =>
        ['m1', 'm2'].map((name) => annotation(target, { name, score: b, identifier: 'run' })),
      );
    });
    const results = await Promise.all(
      batches.map((batch, b) =>
        (b % 2 === 0 ? annotations : other).upsertAnnotations('span', batch, REJECT),
      ),
    );
    const project = await projectId('concurrent');
    const page = await annotations.listAnnotations('span', project, { limit: 1000 });
    assert.equal(page.items.length, 16, 'one row per (name, span, identifier)');
    const stored = new Set(page.items.map((a) => a.rowid));
    for (const result of results) {
      assert.deepEqual(result.missingTargets, []);
      assert.ok(result.rowids.every((rowid) => rowid !== null && stored.has(rowid)));
    }
    // Each key holds one batch's version, whole.
    const scores = new Set(page.items.map((a) => a.score));
    assert.ok([...scores].every((score) => score !== null && score >= 0 && score < 12));
  });

  it('treats a target deleted by a transaction it waited for as missing', async () => {
    await writer.insertSpans([
      spanRecord({ projectName: 'racing', traceId: traceIdOf(200), spanId: spanIdOf(2001) }),
      spanRecord({ projectName: 'racing', traceId: traceIdOf(201), spanId: spanIdOf(2011) }),
    ]);
    const deleter = await db.pool.connect();
    try {
      await deleter.query('BEGIN');
      await deleter.query('DELETE FROM spans WHERE span_id = $1', [spanIdOf(2001)]);
      const pending = annotations.upsertAnnotations(
        'span',
        [annotation(spanIdOf(2001)), annotation(spanIdOf(2011))],
        SKIP,
      );
      await waitForLockWait(db.pool, deleter);
      await deleter.query('COMMIT');
      const result = await pending;
      assert.deepEqual(result.missingTargets, [spanIdOf(2001)]);
      assert.equal(result.rowids[0], null);
      assert.ok(result.rowids[1]);
    } finally {
      deleter.release();
    }
  });

  it('resolves a shared span id to the next candidate when the latest is deleted meanwhile', async () => {
    // Span 3001 in trace 300 and, starting later, in trace 301.
    await writer.insertSpans([
      spanRecord({ projectName: 'older', traceId: traceIdOf(300), spanId: spanIdOf(3001) }),
      spanRecord({
        projectName: 'newer',
        traceId: traceIdOf(301),
        spanId: spanIdOf(3001),
        startTimeUnixNano: 1_800_000_000_000_000_000n,
      }),
    ]);
    const deleter = await db.pool.connect();
    try {
      await deleter.query('BEGIN');
      await deleter.query('DELETE FROM spans WHERE trace_id = $1', [traceIdOf(301)]);
      const pending = annotations.upsertAnnotations('span', [annotation(spanIdOf(3001))], REJECT);
      await waitForLockWait(db.pool, deleter);
      await deleter.query('COMMIT');
      const result = await pending;
      assert.deepEqual(result.missingTargets, []);
      const older = await annotations.listAnnotations('span', await projectId('older'), {
        limit: 10,
      });
      assert.deepEqual(
        older.items.map((a) => a.rowid),
        result.rowids,
      );
    } finally {
      deleter.release();
    }
  });

  it('replaces project configs atomically when two replacements race', async () => {
    const project = Number(
      (
        await db.pool.query<{ id: string }>(
          "INSERT INTO projects (name) VALUES ('configs') RETURNING id",
        )
      ).rows[0]!.id,
    );
    const created = await Promise.all(
      ['x1', 'x2', 'x3', 'x4'].map((name) =>
        annotations.createAnnotationConfig({
          type: 'FREEFORM',
          name,
          description: null,
          optimizationDirection: null,
          threshold: null,
          lowerBound: null,
          upperBound: null,
        }),
      ),
    );
    const ids = created.map((c) => (c.status === 'ok' ? c.config.rowid : 0));
    const other = new PostgresAnnotationStore(db.newPool());
    for (let round = 0; round < 10; round++) {
      await Promise.all([
        annotations.setProjectAnnotationConfigs(project, [ids[0]!, ids[1]!]),
        other.setProjectAnnotationConfigs(project, [ids[2]!, ids[3]!]),
      ]);
      const assigned = (
        await annotations.listAnnotationConfigs({ limit: 10, projectId: project })
      ).items
        .map((c) => c.rowid)
        .sort((a, b) => a - b);
      const either = [ids.slice(0, 2), ids.slice(2)].map((set) =>
        JSON.stringify([...set].sort((a, b) => a - b)),
      );
      assert.ok(
        either.includes(JSON.stringify(assigned)),
        `one replacement or the other, not a mix: ${JSON.stringify(assigned)}`,
      );
    }
  });
});

/** Resolves once some session waits for a lock the `holder` connection holds. */
async function waitForLockWait(pool: pg.Pool, holder: pg.PoolClient): Promise<void> {
  const { rows: pids } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  for (let i = 0; i < 500; i++) {
    const { rows } = await pool.query(
      'SELECT 1 FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid)) LIMIT 1',
      [pids[0]!.pid],
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no session came to wait for the lock');
}
