/**
 * Write operations on projects, traces, spans and sessions besides ingestion: create/edit/
 * delete projects, delete spans, traces and sessions, move traces between projects. Each runs
 * inside one transaction the store opens (and retries on deadlock), and leaves every rollup
 * exactly as if the remaining spans had been ingested alone (sqlite/sqlite-trace-writes.ts).
 *
 * Locks follow the span writer's order, traces → sessions (postgres-span-writer.ts): a trace is
 * locked before any of its spans is deleted or moved, several traces in trace_id order, and
 * sessions only after their traces. So an edit and a concurrent batch of the same trace queue
 * up, and the one that runs second recomputes from what the first committed.
 */
import type pg from 'pg';
import type { DeleteSpanResult, ProjectRow } from '../store.js';
import { fromProjectDbRow, PROJECT_COLUMNS } from './postgres-project-reads.js';
import { recomputeLockedTraces, type LockedTrace } from './postgres-trace-rollup.js';

const LOCKED_TRACE_COLUMNS = 'id, trace_id, project_id, session_rowid';

export async function createProject(
  client: pg.PoolClient,
  name: string,
  description: string | null,
): Promise<ProjectRow | null> {
  const { rows } = await client.query(
    `INSERT INTO projects (name, description) VALUES ($1, $2)
     ON CONFLICT (name) DO NOTHING RETURNING ${PROJECT_COLUMNS}`,
    [name, description],
  );
  return rows[0] ? fromProjectDbRow(rows[0]) : null;
}

export async function updateProject(
  client: pg.PoolClient,
  rowid: number,
  description: string | null,
): Promise<ProjectRow | null> {
  const { rows } = await client.query(
    `UPDATE projects SET description = $1, updated_at = now() WHERE id = $2
     RETURNING ${PROJECT_COLUMNS}`,
    [description, rowid],
  );
  return rows[0] ? fromProjectDbRow(rows[0]) : null;
}

/** Cascades (foreign keys) to traces, spans, sessions and their annotations. */
export async function deleteProject(client: pg.PoolClient, rowid: number): Promise<boolean> {
  const result = await client.query('DELETE FROM projects WHERE id = $1', [rowid]);
  return result.rowCount === 1;
}

/**
 * Deletes the locked traces that have no span left, then recomputes the others and every
 * session they are in or were in. Returns the ids of the traces deleted.
 */
async function recomputeStoredTraces(
  client: pg.PoolClient,
  locked: LockedTrace[],
): Promise<Set<string>> {
  if (locked.length === 0) return new Set();
  const { rows: emptied } = await client.query<{ id: string; session_rowid: string | null }>(
    `DELETE FROM traces WHERE id = ANY($1::bigint[])
       AND NOT EXISTS (SELECT 1 FROM spans WHERE spans.trace_rowid = traces.id)
     RETURNING id, session_rowid`,
    [locked.map((trace) => trace.id)],
  );
  const deleted = new Set(emptied.map((row) => row.id));
  const left = emptied.map((row) => row.session_rowid).filter((id) => id !== null);
  await recomputeLockedTraces(
    client,
    locked.filter((trace) => !deleted.has(trace.id)),
    left,
  );
  return deleted;
}

export async function deleteSpan(
  client: pg.PoolClient,
  rowid: number,
): Promise<DeleteSpanResult | null> {
  // The span's trace is locked first (a span's trace never changes, so reading it unlocked is
  // safe), as the span writer locks a trace before it writes the trace's spans.
  const { rows: spans } = await client.query<{ trace_rowid: string }>(
    'SELECT trace_rowid FROM spans WHERE id = $1',
    [rowid],
  );
  if (!spans[0]) return null;
  const { rows: locked } = await client.query<LockedTrace>(
    `SELECT ${LOCKED_TRACE_COLUMNS} FROM traces WHERE id = $1 FOR NO KEY UPDATE`,
    [spans[0].trace_rowid],
  );
  if (!locked[0]) return null;
  const result = await client.query('DELETE FROM spans WHERE id = $1', [rowid]);
  if (result.rowCount !== 1) return null;
  const deleted = await recomputeStoredTraces(client, locked);
  return { traceDeleted: deleted.has(locked[0].id) };
}

export async function deleteTrace(client: pg.PoolClient, rowid: number): Promise<boolean> {
  const { rows } = await client.query<{ session_rowid: string | null }>(
    'DELETE FROM traces WHERE id = $1 RETURNING session_rowid',
    [rowid],
  );
  if (!rows[0]) return false;
  const sessionRowid = rows[0].session_rowid;
  if (sessionRowid !== null) await recomputeLockedTraces(client, [], [sessionRowid]);
  return true;
}

/** Phoenix deletes a session's traces with it (cascade); so does Heron. */
export async function deleteSessions(client: pg.PoolClient, rowids: number[]): Promise<number> {
  if (rowids.length === 0) return 0;
  // Traces first, in trace_id order, then the sessions (the writer's order).
  await client.query(
    `DELETE FROM traces WHERE id IN (
       SELECT id FROM traces WHERE session_rowid = ANY($1::bigint[])
       ORDER BY trace_id FOR UPDATE)`,
    [rowids],
  );
  await client.query(
    `SELECT id FROM sessions WHERE id = ANY($1::bigint[])
     ORDER BY project_id, session_id FOR UPDATE`,
    [rowids],
  );
  // A trace that joined one of the sessions before its lock was taken goes too.
  await client.query('DELETE FROM traces WHERE session_rowid = ANY($1::bigint[])', [rowids]);
  const result = await client.query('DELETE FROM sessions WHERE id = ANY($1::bigint[])', [rowids]);
  return result.rowCount ?? 0;
}

/**
 * Moves traces with all their spans to another project. Sessions are per project, so a moved
 * trace joins (or creates) the session of the same id in the destination, and the sessions it
 * left are recomputed.
 */
export async function transferTraces(
  client: pg.PoolClient,
  traceRowids: number[],
  destinationProjectId: number,
): Promise<number> {
  if (traceRowids.length === 0) return 0;
  // The destination first (projects → traces): held until the commit, so it cannot be deleted
  // under the moved traces. A missing one fails the move below (foreign key), as on SQLite.
  await client.query('SELECT 1 FROM projects WHERE id = $1 FOR KEY SHARE', [destinationProjectId]);
  const { rows: locked } = await client.query<LockedTrace>(
    `SELECT ${LOCKED_TRACE_COLUMNS} FROM traces
     WHERE id = ANY($1::bigint[]) AND project_id <> $2
     ORDER BY trace_id FOR NO KEY UPDATE`,
    [traceRowids, destinationProjectId],
  );
  if (locked.length === 0) return 0;
  const ids = locked.map((trace) => trace.id);
  await client.query('UPDATE traces SET project_id = $2 WHERE id = ANY($1::bigint[])', [
    ids,
    destinationProjectId,
  ]);
  await client.query('UPDATE spans SET project_id = $2 WHERE trace_rowid = ANY($1::bigint[])', [
    ids,
    destinationProjectId,
  ]);
  await recomputeStoredTraces(client, locked);
  return locked.length;
}
