/**
 * Retention on PostgreSQL: projects' own policies, and the bounded sweep step
 * (store/retention-policy.ts says what is kept), safe with every node of a cluster sweeping.
 *
 * One sweep step is one transaction (opened and retried by the store):
 * - It first takes a transaction-level advisory lock on this schema's retention, so sweepers
 *   on several nodes take turns batch by batch instead of picking the same oldest traces. A
 *   waiting sweeper holds nothing else yet, so it cannot be part of a deadlock; when it gets the
 *   lock, its statements (READ COMMITTED) see what the previous sweeper deleted.
 * - It locks the due traces FOR UPDATE SKIP LOCKED: a trace a span batch or an edit holds right
 *   now is left for the next step, so the sweep never waits for ingestion, and the candidate
 *   conditions are re-checked on the row's latest version once it is locked.
 * - Then sessions, after their traces: the order projects → traces → sessions of the span
 *   writer (postgres-span-writer.ts), through the same session recomputation.
 * Deleting a trace cascades (foreign keys) to its spans, their annotations and its own.
 */
import type pg from 'pg';
import {
  ageCutoff,
  laterBound,
  limitsAnything,
  MAX_ROWID,
  type DeletionBound,
  type ProjectRetention,
  type RetentionPolicy,
  type RetentionSweepOptions,
  type RetentionSweepStep,
} from '../retention-policy.js';
import type { ProjectClearStep, ProjectClearStepOptions } from '../project-clear.js';
import { recomputeLockedTraces } from './postgres-trace-rollup.js';

/**
 * First half of the advisory lock key ("HRet" in ASCII); the second half is the OID of this
 * schema's retention_policies table, so Heron deployments in other schemas sweep on their own.
 */
const SWEEP_LOCK_CLASS = 0x48526574;

interface PolicyRow {
  max_age_days: number | null;
  max_traces: string | null;
}

const fromPolicyRow = (row: PolicyRow): RetentionPolicy => ({
  maxAgeDays: row.max_age_days,
  maxTraces: row.max_traces === null ? null : Number(row.max_traces),
});

export async function getRetentionPolicy(
  db: pg.Pool | pg.PoolClient,
  projectId: number,
): Promise<RetentionPolicy | null> {
  const { rows } = await db.query<PolicyRow>(
    'SELECT max_age_days, max_traces FROM retention_policies WHERE project_id = $1',
    [projectId],
  );
  return rows[0] ? fromPolicyRow(rows[0]) : null;
}

export async function setRetentionPolicy(
  client: pg.PoolClient,
  projectId: number,
  policy: RetentionPolicy,
): Promise<boolean> {
  // Through SELECT … FROM projects (which takes the project's key-share lock via the foreign
  // key), so an unknown project writes nothing instead of failing.
  const result = await client.query(
    `INSERT INTO retention_policies (project_id, max_age_days, max_traces)
     SELECT id, $2, $3 FROM projects WHERE id = $1
     ON CONFLICT (project_id) DO UPDATE SET
       max_age_days = EXCLUDED.max_age_days, max_traces = EXCLUDED.max_traces`,
    [projectId, policy.maxAgeDays, policy.maxTraces],
  );
  return result.rowCount === 1;
}

export async function clearRetentionPolicy(
  client: pg.PoolClient,
  projectId: number,
): Promise<boolean> {
  const result = await client.query('DELETE FROM retention_policies WHERE project_id = $1', [
    projectId,
  ]);
  return result.rowCount === 1;
}

/** Every project whose policy (its own, else the default) limits anything, by id. */
async function projectsToSweep(
  client: pg.PoolClient,
  defaultPolicy: RetentionPolicy,
): Promise<ProjectRetention[]> {
  const { rows } = await client.query<PolicyRow & { id: string; own: boolean }>(
    `SELECT p.id, r.project_id IS NOT NULL AS own, r.max_age_days, r.max_traces
     FROM projects p LEFT JOIN retention_policies r ON r.project_id = p.id
     WHERE r.max_age_days IS NOT NULL OR r.max_traces IS NOT NULL
       OR (r.project_id IS NULL AND $1::boolean)
     ORDER BY p.id`,
    [limitsAnything(defaultPolicy)],
  );
  return rows.map((row) => ({
    projectId: Number(row.id),
    ...(row.own ? fromPolicyRow(row) : defaultPolicy),
  }));
}

/** The last trace (start_time, id) the project's policy deletes, or null when none is due. */
async function deletionBound(
  client: pg.PoolClient,
  policy: ProjectRetention,
  nowUnixNano: bigint,
): Promise<DeletionBound | null> {
  const cutoff = ageCutoff(policy, nowUnixNano);
  let bound: DeletionBound | null =
    cutoff === null ? null : { startTime: cutoff, rowid: MAX_ROWID };
  if (policy.maxTraces !== null) {
    // The newest trace beyond the first maxTraces, newest first: it and everything older go.
    // traces_project_start (project_id, start_time, id) serves this backwards.
    const { rows } = await client.query<{ start_time: string; id: string }>(
      `SELECT start_time, id FROM traces WHERE project_id = $1
       ORDER BY start_time DESC, id DESC LIMIT 1 OFFSET $2`,
      [policy.projectId, policy.maxTraces],
    );
    const row = rows[0];
    if (row)
      bound = laterBound(bound, { startTime: BigInt(row.start_time), rowid: BigInt(row.id) });
  }
  return bound;
}

/**
 * Deletes at most `maxTraces` due traces, oldest first, project by project, and what goes with
 * them; recomputes or deletes the sessions they were in. Runs inside the caller's transaction.
 */
export async function sweepRetention(
  client: pg.PoolClient,
  options: RetentionSweepOptions,
): Promise<RetentionSweepStep> {
  await client.query(
    `SELECT pg_advisory_xact_lock($1::int, 'retention_policies'::regclass::oid::int)`,
    [SWEEP_LOCK_CLASS],
  );
  let deletedTraces = 0;
  let deletedSpans = 0;
  const leftSessions = new Set<string>();
  const projectIds: number[] = [];
  for (const project of await projectsToSweep(client, options.defaultPolicy)) {
    const budget = options.maxTraces - deletedTraces;
    if (budget <= 0) break;
    const bound = await deletionBound(client, project, options.nowUnixNano);
    if (bound === null) continue;
    const startTime = bound.startTime.toString();
    const { rows } = await client.query<{ session_rowid: string | null; span_count: number }>(
      `WITH due AS (
         SELECT id FROM traces
         WHERE project_id = $1 AND start_time <= $2 AND (start_time < $2 OR id <= $3)
         ORDER BY start_time, id LIMIT $4
         FOR UPDATE SKIP LOCKED
       )
       DELETE FROM traces WHERE id IN (SELECT id FROM due)
       RETURNING session_rowid, span_count`,
      [project.projectId, startTime, bound.rowid.toString(), budget],
    );
    if (rows.length > 0) projectIds.push(project.projectId);
    for (const row of rows) {
      deletedTraces++;
      deletedSpans += Number(row.span_count);
      if (row.session_rowid !== null) leftSessions.add(row.session_rowid);
    }
  }
  const deletedSessions = await recomputeLeftSessions(client, leftSessions);
  return {
    deletedTraces,
    deletedSpans,
    deletedSessions,
    // Traces skipped because a writer held them are left for the next sweep.
    more: deletedTraces >= options.maxTraces,
    projectIds,
  };
}

/**
 * Recomputes the sessions whose traces were deleted (after the traces: the span writer's lock
 * order), which deletes those left empty; answers how many went.
 */
async function recomputeLeftSessions(
  client: pg.PoolClient,
  leftSessions: Set<string>,
): Promise<number> {
  if (leftSessions.size === 0) return 0;
  const left = [...leftSessions];
  await recomputeLockedTraces(client, [], left);
  const { rows } = await client.query<{ n: string }>(
    'SELECT count(*) AS n FROM sessions WHERE id = ANY($1::bigint[])',
    [left],
  );
  return left.length - Number(rows[0]!.n);
}

/**
 * One batch of clearing a project's data (store/project-clear.ts), inside the caller's
 * transaction: at most `maxTraces` of its traces with a row id up to `throughTraceRowid`,
 * lowest id first. Like a sweep step it skips traces a span batch holds (they go in a later
 * batch: `more` stays true while any remain) and locks sessions after traces.
 */
export async function clearProjectStep(
  client: pg.PoolClient,
  projectId: number,
  options: ProjectClearStepOptions,
): Promise<ProjectClearStep> {
  let through = options.throughTraceRowid;
  if (through === null) {
    const { rows } = await client.query<{ id: string | null }>(
      'SELECT MAX(id) AS id FROM traces WHERE project_id = $1',
      [projectId],
    );
    through = Number(rows[0]?.id ?? 0);
  }
  const { rows } = await client.query<{ session_rowid: string | null; span_count: number }>(
    `WITH batch AS (
       SELECT id FROM traces WHERE project_id = $1 AND id <= $2
       ORDER BY id LIMIT $3
       FOR UPDATE SKIP LOCKED
     )
     DELETE FROM traces WHERE id IN (SELECT id FROM batch)
     RETURNING session_rowid, span_count`,
    [projectId, through, options.maxTraces],
  );
  let deletedSpans = 0;
  const leftSessions = new Set<string>();
  for (const row of rows) {
    deletedSpans += Number(row.span_count);
    if (row.session_rowid !== null) leftSessions.add(row.session_rowid);
  }
  const deletedSessions = await recomputeLeftSessions(client, leftSessions);
  const { rows: remaining } = await client.query(
    'SELECT 1 FROM traces WHERE project_id = $1 AND id <= $2 LIMIT 1',
    [projectId, through],
  );
  return {
    deletedTraces: rows.length,
    deletedSpans,
    deletedSessions,
    more: remaining.length > 0,
    throughTraceRowid: through,
  };
}
