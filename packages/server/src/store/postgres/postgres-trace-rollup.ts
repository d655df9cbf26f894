/**
 * Trace and session rollups on PostgreSQL, recomputed from the stored rows (never incremented),
 * with exactly the definitions and tie-breaks of the SQLite writer (sqlite/span-batch-writer.ts,
 * trace-rollup.ts). Used by the span writer after a batch and by the edits (deleting spans,
 * moving traces) after they changed a trace's spans.
 *
 * The caller holds the row locks of the traces (taken in trace_id order); sessions are locked
 * here, after them, in (project_id, session_id) order: the order projects → traces → sessions
 * every PostgreSQL write keeps, so concurrent writers queue up instead of deadlocking.
 */
import type pg from 'pg';
import { pgBinaryArray } from './postgres-binary-array.js';

/** A trace row as locked by its writer: its session before the change. */
export interface LockedTrace {
  id: string;
  trace_id: string;
  project_id: string;
  session_rowid: string | null;
}

interface RecomputedTrace {
  id: string;
  project_id: string;
  session_id: string | null;
}

// The rollup of each trace from its stored spans, with the same definitions and tie-breaks as
// the SQLite writer (ORDER BY … start_time, span_id; span_id is in the "C" collation).
const RECOMPUTE_TRACES_SQL = `
  WITH agg AS (
    SELECT trace_rowid AS id, MIN(start_time) AS start_time, MAX(end_time) AS end_time,
      COUNT(*) AS span_count, COUNT(*) FILTER (WHERE status_code = 'ERROR') AS error_count,
      -- Only LLM spans count: wrapper spans often copy their children's token counts.
      COALESCE(SUM(prompt_tokens) FILTER (WHERE span_kind = 'LLM'), 0)::bigint AS prompt_tokens,
      COALESCE(SUM(completion_tokens) FILTER (WHERE span_kind = 'LLM'), 0)::bigint
        AS completion_tokens,
      COALESCE(SUM(total_tokens) FILTER (WHERE span_kind = 'LLM'), 0)::bigint AS total_tokens,
      -- Each LLM span's own cost (NULL while none has a price); see spans/prices/.
      SUM(cost) FILTER (WHERE span_kind = 'LLM') AS cost,
      SUM(cost_prompt) FILTER (WHERE span_kind = 'LLM') AS cost_prompt,
      SUM(cost_completion) FILTER (WHERE span_kind = 'LLM') AS cost_completion
    FROM spans WHERE trace_rowid = ANY($1::bigint[])
    GROUP BY trace_rowid
  ), root AS (
    SELECT DISTINCT ON (s.trace_rowid) s.trace_rowid AS id, s.span_id
    FROM spans s
    WHERE s.trace_rowid = ANY($1::bigint[])
      AND (s.parent_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM spans p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_id))
    ORDER BY s.trace_rowid, (s.parent_id IS NOT NULL), s.start_time, s.span_id
  ), first_session AS (
    SELECT DISTINCT ON (trace_rowid) trace_rowid AS id, session_id
    FROM spans WHERE trace_rowid = ANY($1::bigint[]) AND session_id IS NOT NULL
    ORDER BY trace_rowid, start_time, span_id
  )
  UPDATE traces t SET
    start_time = agg.start_time, end_time = agg.end_time, span_count = agg.span_count,
    error_count = agg.error_count, prompt_tokens = agg.prompt_tokens,
    completion_tokens = agg.completion_tokens, total_tokens = agg.total_tokens,
    cost = agg.cost, cost_prompt = agg.cost_prompt, cost_completion = agg.cost_completion,
    root_span_id = root.span_id
  FROM agg
    LEFT JOIN root ON root.id = agg.id
    LEFT JOIN first_session ON first_session.id = agg.id
  WHERE t.id = agg.id
  RETURNING t.id, t.project_id, first_session.session_id`;

// Creates or locks sessions, in (project_id, session_id) order, as the writer does traces, and
// links the traces to them in the same statement (one round trip less while the locks are held).
// Sessions a trace leaves are locked too (recreated if meanwhile deleted, then deleted again
// below), so every session whose rollup this transaction changes is held.
// Each key carries either what new traces add to the session — applied at once, exactly, since
// the row is locked by the update itself: first start, last end, traces — or trace_count -1,
// which means "recomputed below" (such a row, if created here, holds -1 until then).
const LOCK_AND_LINK_SESSIONS_SQL = `
  WITH locked AS (
    INSERT INTO sessions (project_id, session_id, start_time, end_time, trace_count)
    SELECT k.project_id, k.session_id, k.start_time, k.end_time, k.trace_count
    FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::int[])
      AS k(project_id, session_id, start_time, end_time, trace_count)
    ORDER BY k.project_id, k.session_id
    ON CONFLICT (project_id, session_id) DO UPDATE SET
      start_time = CASE WHEN EXCLUDED.trace_count < 0 THEN sessions.start_time
        ELSE LEAST(sessions.start_time, EXCLUDED.start_time) END,
      end_time = CASE WHEN EXCLUDED.trace_count < 0 THEN sessions.end_time
        ELSE GREATEST(sessions.end_time, EXCLUDED.end_time) END,
      trace_count = CASE WHEN EXCLUDED.trace_count < 0 THEN sessions.trace_count
        ELSE sessions.trace_count + EXCLUDED.trace_count END
    RETURNING id, project_id, session_id
  ), linked AS (
    UPDATE traces t SET session_rowid = locked.id
    FROM unnest($6::bigint[], $7::bigint[], $8::text[]) AS u(id, project_id, session_id)
    JOIN locked ON locked.project_id = u.project_id AND locked.session_id = u.session_id
    WHERE t.id = u.id AND t.session_rowid IS DISTINCT FROM locked.id
  )
  SELECT id, project_id, session_id FROM locked`;

// Traces no span of which names a session any more (only recomputed ones can).
const UNLINK_TRACES_SQL = `
  UPDATE traces SET session_rowid = NULL
  WHERE id = ANY($1::bigint[]) AND session_rowid IS NOT NULL`;

const RECOMPUTE_SESSIONS_SQL = `
  UPDATE sessions s SET
    start_time = agg.start_time, end_time = agg.end_time, trace_count = agg.trace_count
  FROM (
    SELECT x.id, COALESCE(MIN(t.start_time), 0) AS start_time,
      COALESCE(MAX(t.end_time), 0) AS end_time, COUNT(t.id) AS trace_count
    FROM unnest($1::bigint[]) AS x(id) LEFT JOIN traces t ON t.session_rowid = x.id
    GROUP BY x.id
  ) AS agg
  WHERE s.id = agg.id`;

/**
 * A trace this transaction created (so no other writer has spans of it: they would be waiting
 * for its row), with its rollup computed from the batch and the session it joins.
 */
export interface CreatedTrace {
  id: string;
  project_id: string;
  session_id: string;
  start_time: bigint;
  end_time: bigint;
}

/**
 * Recomputes the rollups of the locked traces (each must still have spans) and the sessions
 * they are in now or were in before, plus `leftSessionRowids` (sessions of traces the caller
 * deleted). A trace joins the session named by its earliest span with a session id, in its
 * current project; a session left without traces is deleted.
 */
export async function recomputeLockedTraces(
  client: pg.PoolClient,
  locked: LockedTrace[],
  leftSessionRowids: readonly string[] = [],
): Promise<void> {
  await settleRollups(client, locked, [], leftSessionRowids);
}

/**
 * After a span batch: recomputes the traces that existed before (`existing`, locked) from their
 * stored spans, and brings every session up to date — the sessions `created` traces (inserted
 * with their final rollup, not in any session yet) join, and those existing traces are in or
 * left. A session only joined by new traces is updated by adding them, without reading its
 * other traces; any other is recomputed.
 */
export async function settleRollups(
  client: pg.PoolClient,
  existing: LockedTrace[],
  created: CreatedTrace[],
  leftSessionRowids: readonly string[] = [],
): Promise<void> {
  const recomputed =
    existing.length === 0
      ? []
      : (await client.query<RecomputedTrace>(RECOMPUTE_TRACES_SQL, [existing.map((row) => row.id)]))
          .rows;

  // Sessions: the one each trace belongs to now, and the one it was in before.
  const previous = new Map<string, string | null>(
    existing.map((row) => [row.id, row.session_rowid]),
  );
  for (const trace of created) previous.set(trace.id, null);
  const previousRowids = [
    ...new Set([
      ...existing.map((row) => row.session_rowid).filter((id) => id !== null),
      ...leftSessionRowids,
    ]),
  ];
  interface SessionKey {
    projectId: string;
    sessionId: string;
    /** What new traces add: start, end, count; null when the session is recomputed. */
    added: { start: bigint; end: bigint; count: number } | null;
  }
  const keys = new Map<string, SessionKey>();
  const keyOf = (projectId: string, sessionId: string) => `${projectId}\u0000${sessionId}`;
  const recompute = (projectId: string, sessionId: string) =>
    keys.set(keyOf(projectId, sessionId), { projectId, sessionId, added: null });
  for (const row of recomputed) {
    if (row.session_id !== null) recompute(row.project_id, row.session_id);
  }
  if (previousRowids.length > 0) {
    // Keys never change, so reading them unlocked is safe; the lock comes with the upsert.
    const rows = (
      await client.query<{ project_id: string; session_id: string }>(
        'SELECT project_id, session_id FROM sessions WHERE id = ANY($1::bigint[])',
        [previousRowids],
      )
    ).rows;
    for (const row of rows) recompute(row.project_id, row.session_id);
  }
  for (const trace of created) {
    const key = keyOf(trace.project_id, trace.session_id);
    const entry = keys.get(key);
    if (entry === undefined) {
      keys.set(key, {
        projectId: trace.project_id,
        sessionId: trace.session_id,
        added: { start: trace.start_time, end: trace.end_time, count: 1 },
      });
    } else if (entry.added !== null) {
      if (trace.start_time < entry.added.start) entry.added.start = trace.start_time;
      if (trace.end_time > entry.added.end) entry.added.end = trace.end_time;
      entry.added.count++;
    }
  }
  const unlinked = recomputed
    .filter((row) => row.session_id === null && previous.get(row.id) !== null)
    .map((row) => row.id);
  if (unlinked.length > 0) await client.query(UNLINK_TRACES_SQL, [unlinked]);
  if (keys.size === 0) return;
  const ordered = [...keys.values()];
  // Every trace that is in a session now, linked to it by the statement that locks it.
  const members: { id: string; project_id: string; session_id: string | null }[] = [
    ...recomputed.filter((row) => row.session_id !== null),
    ...created,
  ];
  const sessions = (
    await client.query<{ id: string; project_id: string; session_id: string }>(
      LOCK_AND_LINK_SESSIONS_SQL,
      [
        pgBinaryArray(
          'bigint',
          ordered.map((k) => k.projectId),
        ),
        pgBinaryArray(
          'text',
          ordered.map((k) => k.sessionId),
        ),
        pgBinaryArray(
          'bigint',
          ordered.map((k) => k.added?.start ?? 0n),
        ),
        pgBinaryArray(
          'bigint',
          ordered.map((k) => k.added?.end ?? 0n),
        ),
        pgBinaryArray(
          'integer',
          ordered.map((k) => k.added?.count ?? -1),
        ),
        pgBinaryArray(
          'bigint',
          members.map((row) => row.id),
        ),
        pgBinaryArray(
          'bigint',
          members.map((row) => row.project_id),
        ),
        pgBinaryArray(
          'text',
          members.map((row) => row.session_id),
        ),
      ],
    )
  ).rows;
  const recomputedSessions = sessions
    .filter((row) => keys.get(keyOf(row.project_id, row.session_id))!.added === null)
    .map((row) => row.id);
  if (recomputedSessions.length === 0) return;
  await client.query(RECOMPUTE_SESSIONS_SQL, [recomputedSessions]);
  await client.query('DELETE FROM sessions WHERE id = ANY($1::bigint[]) AND trace_count = 0', [
    recomputedSessions,
  ]);
}
