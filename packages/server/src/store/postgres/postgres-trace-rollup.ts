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

// Creates or locks sessions, in (project_id, session_id) order, as LOCK_TRACES_SQL does traces.
// Sessions a trace leaves are locked too (recreated empty if meanwhile deleted, then deleted
// again below), so every session whose rollup this batch recomputes is held.
const LOCK_SESSIONS_SQL = `
  INSERT INTO sessions (project_id, session_id, start_time, end_time)
  SELECT k.project_id, k.session_id, 0, 0
  FROM unnest($1::bigint[], $2::text[]) AS k(project_id, session_id)
  ORDER BY k.project_id, k.session_id
  ON CONFLICT (project_id, session_id) DO UPDATE SET trace_count = sessions.trace_count
  RETURNING id, project_id, session_id`;

const SET_TRACE_SESSIONS_SQL = `
  UPDATE traces t SET session_rowid = u.session_rowid
  FROM unnest($1::bigint[], $2::bigint[]) AS u(id, session_rowid)
  WHERE t.id = u.id AND t.session_rowid IS DISTINCT FROM u.session_rowid`;

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
  const traceIds = locked.map((row) => row.id);
  const recomputed = (await client.query<RecomputedTrace>(RECOMPUTE_TRACES_SQL, [traceIds])).rows;

  // Sessions: the one each trace belongs to now, and the one it was in before.
  const previous = new Map(locked.map((row) => [row.id, row.session_rowid]));
  const previousRowids = [
    ...new Set([
      ...locked.map((row) => row.session_rowid).filter((id) => id !== null),
      ...leftSessionRowids,
    ]),
  ];
  const keys = new Map<string, { projectId: string; sessionId: string }>();
  const keyOf = (projectId: string, sessionId: string) => `${projectId}\u0000${sessionId}`;
  for (const row of recomputed) {
    if (row.session_id !== null) {
      keys.set(keyOf(row.project_id, row.session_id), {
        projectId: row.project_id,
        sessionId: row.session_id,
      });
    }
  }
  if (previousRowids.length > 0) {
    // Keys never change, so reading them unlocked is safe; the lock comes with the upsert.
    const rows = (
      await client.query<{ project_id: string; session_id: string }>(
        'SELECT project_id, session_id FROM sessions WHERE id = ANY($1::bigint[])',
        [previousRowids],
      )
    ).rows;
    for (const row of rows) {
      keys.set(keyOf(row.project_id, row.session_id), {
        projectId: row.project_id,
        sessionId: row.session_id,
      });
    }
  }
  if (keys.size === 0) return;
  const sessions = (
    await client.query<{ id: string; project_id: string; session_id: string }>(LOCK_SESSIONS_SQL, [
      [...keys.values()].map((k) => k.projectId),
      [...keys.values()].map((k) => k.sessionId),
    ])
  ).rows;
  const sessionRowids = new Map(
    sessions.map((row) => [keyOf(row.project_id, row.session_id), row.id]),
  );
  const changed = recomputed
    .map((row) => ({
      id: row.id,
      sessionRowid:
        row.session_id === null ? null : sessionRowids.get(keyOf(row.project_id, row.session_id))!,
    }))
    .filter((row) => row.sessionRowid !== previous.get(row.id));
  if (changed.length > 0) {
    await client.query(SET_TRACE_SESSIONS_SQL, [
      changed.map((row) => row.id),
      changed.map((row) => row.sessionRowid),
    ]);
  }
  const touchedSessions = sessions.map((row) => row.id);
  await client.query(RECOMPUTE_SESSIONS_SQL, [touchedSessions]);
  await client.query('DELETE FROM sessions WHERE id = ANY($1::bigint[]) AND trace_count = 0', [
    touchedSessions,
  ]);
}
