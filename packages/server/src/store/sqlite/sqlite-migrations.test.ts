/**
 * The SQLite migrations: a table rebuild keeps every row, every reference to the rebuilt rows
 * (annotations), and every index and trigger earlier migrations made.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import { openSqlite } from './open-sqlite.js';
import { listMigrations, migrateSqlite } from './sqlite-migrations.js';

const SPAN_KEY_MIGRATION = 9;

function withDatabase(test: (db: Database.Database) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'heron-migrations-'));
  const db = openSqlite(join(dir, 'heron.db'), 'NORMAL');
  try {
    test(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Applies the migrations before `version` to a new database, recorded as migrateSqlite does. */
function migrateBefore(db: Database.Database, version: number): void {
  db.exec(`CREATE TABLE heron_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  for (const migration of listMigrations().filter((m) => m.version < version)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO heron_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      '2026-01-01T00:00:00.000Z',
    );
  }
}

function schemaOf(db: Database.Database, table: string) {
  const objects = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name`,
    )
    .all(table) as { type: string; name: string; sql: string }[];
  const columns = (db.pragma(`table_info(${table})`) as { name: string; type: string }[]).map(
    (c) => `${c.name} ${c.type}`,
  );
  return { objects, columns };
}

describe('SQLite migrations', () => {
  it('rebuilds spans keyed by (trace_rowid, span_id), keeping rows, annotations and indexes', () => {
    withDatabase((db) => {
      migrateBefore(db, SPAN_KEY_MIGRATION);
      const before = schemaOf(db, 'spans');
      db.exec(`
        INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', 'x', 'x');
        INSERT INTO traces (id, trace_id, project_id, start_time, end_time) VALUES (7, 'aa', 1, 1, 2);`);
      const insertSpan = db.prepare(
        `INSERT INTO spans (trace_rowid, project_id, trace_id, span_id, name, span_kind, otel_kind,
           start_time, end_time, latency_ms, status_code, status_message, attributes, events, links,
           resource_attributes, scope_name, scope_version, trace_state, flags)
         VALUES (7, 1, 'aa', ?, 'n', 'LLM', 0, 1, 2, 0, 'OK', '', '{}', '[]', '[]', '{}', '', '', '', 0)`,
      );
      insertSpan.run('s1');
      insertSpan.run('s2');
      db.exec(`INSERT INTO span_annotations (span_rowid, name, annotator_kind, source, identifier,
                 metadata, created_at, updated_at)
               SELECT id, 'q', 'HUMAN', 'API', '', '{}', 1, 1 FROM spans WHERE span_id = 's2'`);

      const applied = migrateSqlite(db);
      assert.deepEqual(
        applied.map((m) => m.version),
        listMigrations()
          .filter((m) => m.version >= SPAN_KEY_MIGRATION)
          .map((m) => m.version),
      );
      const after = schemaOf(db, 'spans');
      assert.deepEqual(after.columns.slice(0, before.columns.length), before.columns);
      // Made obsolete on purpose: the span key serves the trace_rowid index; the writer replaces
      // the update trigger (migrations/0011).
      const kept = (name: string) => name !== 'spans_trace_rowid' && name !== 'spans_search_update';
      const normalized = (sql: string) => sql.replace(/\s+/g, ' ').replace(/\( /g, '(');
      const afterSql = new Map(after.objects.map((o) => [o.name, normalized(o.sql)]));
      for (const object of before.objects.filter((o) => kept(o.name))) {
        assert.equal(
          afterSql.get(object.name),
          normalized(object.sql),
          `${object.type} ${object.name} was lost or changed`,
        );
      }
      assert.deepEqual(db.prepare('SELECT id, span_id FROM spans ORDER BY id').all(), [
        { id: 1, span_id: 's1' },
        { id: 2, span_id: 's2' },
      ]);
      assert.equal(
        db.prepare('SELECT COUNT(*) FROM span_annotations WHERE span_rowid = 2').pluck().get(),
        1,
        'the annotation still points at its span',
      );
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys back on');
      // The new key: the same span id in another trace is another span; in the same, a conflict.
      db.exec(
        `INSERT INTO traces (id, trace_id, project_id, start_time, end_time) VALUES (8, 'bb', 1, 1, 2)`,
      );
      db.prepare(insertSpan.source.replace("VALUES (7, 1, 'aa'", "VALUES (8, 1, 'bb'")).run('s1');
      assert.throws(() => insertSpan.run('s1'), /UNIQUE constraint failed: spans.trace_rowid/);
    });
  });
});
