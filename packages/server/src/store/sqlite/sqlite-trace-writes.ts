/**
 * Write operations on projects, traces, spans and sessions besides ingestion: create/edit/
 * delete projects, delete spans, traces and sessions, move traces between projects. Each runs
 * in the writer thread inside one transaction (see write-operations.ts), and leaves every
 * rollup exactly as if the remaining spans had been ingested alone.
 */
import type Database from 'better-sqlite3';
import type { WriteContext } from './write-operations.js';

function createProject(
  db: Database.Database,
  args: { name: string; description: string | null },
): number | null {
  const now = new Date().toISOString();
  const result = db
    .prepare(
      `INSERT INTO projects (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO NOTHING`,
    )
    .run(args.name, args.description, now, now);
  return result.changes === 1 ? Number(result.lastInsertRowid) : null;
}

function updateProject(
  db: Database.Database,
  args: { rowid: number; description: string | null },
): boolean {
  const result = db
    .prepare('UPDATE projects SET description = ?, updated_at = ? WHERE id = ?')
    .run(args.description, new Date().toISOString(), args.rowid);
  return result.changes === 1;
}

/** Cascades (foreign keys) to traces, spans, sessions and their annotations. */
function deleteProject(db: Database.Database, args: { rowid: number }): boolean {
  return db.prepare('DELETE FROM projects WHERE id = ?').run(args.rowid).changes === 1;
}

function deleteSpan(
  db: Database.Database,
  args: { rowid: number },
  { spanWriter }: WriteContext,
): { traceDeleted: boolean } | null {
  const traceRowid = db
    .prepare('DELETE FROM spans WHERE id = ? RETURNING trace_rowid')
    .pluck()
    .get(args.rowid) as number | undefined;
  if (traceRowid === undefined) return null;
  return { traceDeleted: !spanWriter.recomputeStoredTrace(traceRowid) };
}

function deleteTrace(
  db: Database.Database,
  args: { rowid: number },
  { spanWriter }: WriteContext,
): boolean {
  const sessionRowid = db
    .prepare('DELETE FROM traces WHERE id = ? RETURNING session_rowid')
    .pluck()
    .get(args.rowid) as number | null | undefined;
  if (sessionRowid === undefined) return false;
  if (sessionRowid !== null) spanWriter.recomputeSession(sessionRowid);
  return true;
}

/** Phoenix deletes a session's traces with it (cascade); so does Heron. */
function deleteSessions(db: Database.Database, args: { rowids: number[] }): number {
  const deleteTraces = db.prepare('DELETE FROM traces WHERE session_rowid = ?');
  const deleteSession = db.prepare('DELETE FROM sessions WHERE id = ?');
  let deleted = 0;
  for (const rowid of args.rowids) {
    deleteTraces.run(rowid);
    deleted += deleteSession.run(rowid).changes;
  }
  return deleted;
}

/**
 * Moves traces with all their spans to another project. Sessions are per project, so a moved
 * trace joins (or creates) the session of the same id in the destination, and the sessions it
 * left are recomputed.
 */
function transferTraces(
  db: Database.Database,
  args: { traceRowids: number[]; destinationProjectId: number },
  { spanWriter }: WriteContext,
): number {
  const moveTrace = db.prepare('UPDATE traces SET project_id = ? WHERE id = ? AND project_id <> ?');
  const moveSpans = db.prepare('UPDATE spans SET project_id = ? WHERE trace_rowid = ?');
  let moved = 0;
  for (const rowid of args.traceRowids) {
    const changed = moveTrace.run(args.destinationProjectId, rowid, args.destinationProjectId);
    if (changed.changes === 0) continue;
    moveSpans.run(args.destinationProjectId, rowid);
    spanWriter.recomputeStoredTrace(rowid);
    moved++;
  }
  return moved;
}

export const TRACE_WRITE_OPERATIONS = {
  createProject,
  updateProject,
  deleteProject,
  deleteSpan,
  deleteTrace,
  deleteSessions,
  transferTraces,
};
