/**
 * SqliteAnnotationStore from the inside: the rows it writes and the foreign keys that drop
 * annotations with their targets. Everything observable through the AnnotationStore interface
 * is in conformance/annotation-conformance.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnnotationUpsert, StoredAnnotation } from '../annotation-store.js';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { openSqlite } from './open-sqlite.js';
import { SqliteStore } from './sqlite-store.js';

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

describe('SqliteAnnotationStore tables', () => {
  let dir: string;
  let dbPath: string;
  let store: SqliteStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-annotations-'));
    dbPath = join(dir, 'heron.db');
    store = await SqliteStore.open({ path: dbPath, synchronous: 'NORMAL' });
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

  it('stores one document annotation row per document position', async () => {
    await store.insertSpans([
      spanRecord({ projectName: 'documents', traceId: traceIdOf(1), spanId: spanIdOf(11) }),
    ]);
    await store.annotations.upsertAnnotations(
      'document',
      [
        annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0 }),
        annotation(spanIdOf(11), { name: 'relevance', documentPosition: 1 }),
        annotation(spanIdOf(11), { name: 'relevance', documentPosition: 0, score: 0.2 }),
      ],
      { onMissingTarget: 'reject' },
    );
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

  it('foreign keys drop the annotations of a deleted span, trace or session', async () => {
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
      const spanAnnotationsBefore = count('span_annotations');
      db.prepare('DELETE FROM spans WHERE span_id = ?').run(spanIdOf(601));
      assert.equal((await listAll('span', project, [spanIdOf(601)])).length, 0);
      assert.equal(count('span_annotations'), spanAnnotationsBefore - 2, 'annotation and note');
      assert.equal(count('document_annotations'), documentsBefore - 1);
      assert.equal((await listAll('trace', project, [traceIdOf(60)])).length, 1);
      db.prepare('DELETE FROM traces WHERE trace_id = ?').run(traceIdOf(60));
      assert.equal((await listAll('trace', project, [traceIdOf(60)])).length, 0);
      assert.equal(count('trace_annotations'), 0);
      assert.equal((await listAll('session', project, ['gone'])).length, 1);
      db.prepare('DELETE FROM sessions WHERE session_id = ?').run('gone');
      assert.equal((await listAll('session', project, ['gone'])).length, 0);
      assert.equal(count('session_annotations'), 0);
    } finally {
      db.close();
    }
  });
});
