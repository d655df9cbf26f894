/**
 * Retention on SQLite: projects' own policies, and the bounded sweep step
 * (store/retention-policy.ts says what is kept).
 *
 * Writes are named write operations (write-operations.ts): they run on the writer thread, each
 * in one IMMEDIATE transaction, between span batches. So a sweep step never blocks ingestion
 * for longer than its own batch takes, and never races a batch writing the same trace. Deleting
 * a trace cascades (foreign keys) to its spans, their span and document annotations and its
 * trace annotations; deleting spans fires the search-index triggers (migration 0003), which
 * drop their rows from span_search and the re-index queue.
 */
import type Database from 'better-sqlite3';
import {
  ageCutoff,
  laterBound,
  limitsAnything,
  MAX_ROWID,
  type DeletionBound,
  type ProjectRetention,
  type RetentionPolicy,
  type RetentionSweepOptions,
  type RetentionSweepResult,
  type RetentionSweepStep,
} from '../retention-policy.js';
import type { ProjectClearStep } from '../project-clear.js';
import type { WriteContext } from './write-operations.js';

interface PolicyRow {
  max_age_days: number | null;
  max_traces: number | null;
}

/** The project's own policy (a point lookup on the calling thread's read connection). */
export function getRetentionPolicy(
  db: Database.Database,
  projectId: number,
): RetentionPolicy | null {
  const row = db
    .prepare('SELECT max_age_days, max_traces FROM retention_policies WHERE project_id = ?')
    .get(projectId) as PolicyRow | undefined;
  return row ? { maxAgeDays: row.max_age_days, maxTraces: row.max_traces } : null;
}

function setRetentionPolicy(
  db: Database.Database,
  args: { projectId: number; policy: RetentionPolicy },
): boolean {
  // Through SELECT … FROM projects, so an unknown project writes nothing (instead of failing
  // the foreign key).
  const result = db
    .prepare(
      `INSERT INTO retention_policies (project_id, max_age_days, max_traces)
       SELECT id, ?, ? FROM projects WHERE id = ?
       ON CONFLICT (project_id) DO UPDATE SET
         max_age_days = excluded.max_age_days, max_traces = excluded.max_traces`,
    )
    .run(args.policy.maxAgeDays, args.policy.maxTraces, args.projectId);
  return result.changes === 1;
}

function clearRetentionPolicy(db: Database.Database, args: { projectId: number }): boolean {
  return (
    db.prepare('DELETE FROM retention_policies WHERE project_id = ?').run(args.projectId)
      .changes === 1
  );
}

/** Every project whose policy (its own, else the default) limits anything, by id. */
function projectsToSweep(
  db: Database.Database,
  defaultPolicy: RetentionPolicy,
): ProjectRetention[] {
  const rows = db
    .prepare(
      `SELECT p.id AS projectId, r.project_id IS NOT NULL AS own,
         r.max_age_days AS maxAgeDays, r.max_traces AS maxTraces
       FROM projects p LEFT JOIN retention_policies r ON r.project_id = p.id
       WHERE r.max_age_days IS NOT NULL OR r.max_traces IS NOT NULL
         OR (r.project_id IS NULL AND ?)
       ORDER BY p.id`,
    )
    .all(limitsAnything(defaultPolicy) ? 1 : 0) as {
    projectId: number;
    own: number;
    maxAgeDays: number | null;
    maxTraces: number | null;
  }[];
  return rows.map((row) =>
    row.own
      ? { projectId: row.projectId, maxAgeDays: row.maxAgeDays, maxTraces: row.maxTraces }
      : { projectId: row.projectId, ...defaultPolicy },
  );
}

/** The last trace (start_time, id) the project's policy deletes, or null when none is due. */
function deletionBound(
  db: Database.Database,
  policy: ProjectRetention,
  nowUnixNano: bigint,
): DeletionBound | null {
  const cutoff = ageCutoff(policy, nowUnixNano);
  let bound: DeletionBound | null =
    cutoff === null ? null : { startTime: cutoff, rowid: MAX_ROWID };
  if (policy.maxTraces !== null) {
    // The newest trace beyond the first maxTraces, newest first: it and everything older go.
    // The (project_id, start_time) index gives the start order; SQLite sorts only the ties.
    const row = db
      .prepare(
        `SELECT start_time AS startTime, id AS rowid FROM traces WHERE project_id = ?
         ORDER BY start_time DESC, id DESC LIMIT 1 OFFSET ?`,
      )
      .safeIntegers(true)
      .get(policy.projectId, policy.maxTraces) as DeletionBound | undefined;
    bound = laterBound(bound, row ?? null);
  }
  return bound;
}

/**
 * Deletes these traces, and with them their spans and annotations (foreign keys), then
 * recomputes the sessions they were in (deleting those left empty). Shared by the retention
 * sweep and clearing a project's data.
 */
function deleteTraces(
  db: Database.Database,
  rowids: bigint[],
  { spanWriter }: WriteContext,
): Omit<RetentionSweepResult, 'more'> {
  const deleteTrace = db
    .prepare('DELETE FROM traces WHERE id = ? RETURNING session_rowid, span_count')
    .safeIntegers(true);
  const sessionExists = db.prepare('SELECT 1 FROM sessions WHERE id = ?').pluck();
  let deletedTraces = 0;
  let deletedSpans = 0;
  const leftSessions = new Set<number>();
  for (const rowid of rowids) {
    const deleted = deleteTrace.get(rowid) as
      { session_rowid: bigint | null; span_count: bigint } | undefined;
    if (!deleted) continue;
    deletedTraces++;
    deletedSpans += Number(deleted.span_count);
    if (deleted.session_rowid !== null) leftSessions.add(Number(deleted.session_rowid));
  }
  let deletedSessions = 0;
  for (const sessionRowid of leftSessions) {
    spanWriter.recomputeSession(sessionRowid);
    if (sessionExists.get(sessionRowid) === undefined) deletedSessions++;
  }
  return { deletedTraces, deletedSpans, deletedSessions };
}

/**
 * Deletes at most `maxTraces` due traces, oldest first, project by project, and what goes with
 * them; recomputes or deletes the sessions they were in.
 */
function sweepRetention(
  db: Database.Database,
  args: RetentionSweepOptions,
  context: WriteContext,
): RetentionSweepStep {
  const selectDue = db
    .prepare(
      `SELECT id FROM traces
       WHERE project_id = ? AND start_time <= ? AND (start_time < ? OR id <= ?)
       ORDER BY start_time, id LIMIT ?`,
    )
    .pluck()
    .safeIntegers(true);

  const due: bigint[] = [];
  const projectIds: number[] = [];
  for (const project of projectsToSweep(db, args.defaultPolicy)) {
    const budget = args.maxTraces - due.length;
    if (budget <= 0) break;
    const bound = deletionBound(db, project, args.nowUnixNano);
    if (bound === null) continue;
    const rowids = selectDue.all(
      project.projectId,
      bound.startTime,
      bound.startTime,
      bound.rowid,
      budget,
    ) as bigint[];
    if (rowids.length > 0) projectIds.push(project.projectId);
    due.push(...rowids);
  }
  const deleted = deleteTraces(db, due, context);
  return { ...deleted, more: deleted.deletedTraces >= args.maxTraces, projectIds };
}

/**
 * One batch of clearing a project's data (project-clear.ts): at most `maxTraces` of its traces
 * with a row id up to `throughTraceRowid` (the newest trace when the clear started; read here
 * on the first batch), lowest id first, with everything that goes with them.
 */
function clearProjectStep(
  db: Database.Database,
  args: { projectId: number; maxTraces: number; throughTraceRowid: number | null },
  context: WriteContext,
): ProjectClearStep {
  const through =
    args.throughTraceRowid ??
    Number(
      db
        .prepare('SELECT COALESCE(MAX(id), 0) FROM traces WHERE project_id = ?')
        .pluck()
        .get(args.projectId),
    );
  const rowids = db
    .prepare('SELECT id FROM traces WHERE project_id = ? AND id <= ? ORDER BY id LIMIT ?')
    .pluck()
    .safeIntegers(true)
    .all(args.projectId, through, args.maxTraces) as bigint[];
  const deleted = deleteTraces(db, rowids, context);
  return {
    ...deleted,
    more: rowids.length >= args.maxTraces,
    throughTraceRowid: through,
  };
}

export const RETENTION_WRITE_OPERATIONS = {
  setRetentionPolicy,
  clearRetentionPolicy,
  sweepRetention,
  clearProjectStep,
};
