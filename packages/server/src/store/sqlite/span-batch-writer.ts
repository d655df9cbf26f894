/**
 * Writes one batch of span rows and the rollups of every trace and session the batch touches,
 * in one transaction. Runs inside the writer worker (see sqlite-writer-worker.ts).
 *
 * Rollups are always computed from the complete set of a trace's spans, never incremented, so
 * they come out the same whatever order spans arrive in and however often one is re-sent:
 * - a trace first seen in this batch has all its spans here, so its rollup is computed from the
 *   batch's rows and the trace row is inserted with it (the common case: no extra queries, and
 *   no second write that would move the row in every index over rollup columns);
 * - a trace that already existed is recomputed from the stored spans with SQL.
 *
 * A span's key is (trace_rowid, span_id): the batch's spans are written trace by trace, so new
 * keys land at the end of the index (see migrations/0009-span-key-by-trace.sql).
 *
 * The full-text index (search-indexer.ts) covers spans up to its watermark. A span of a trace
 * that already existed may be a re-send with new text: when its row is one the index already
 * covers, its old text is taken out of the index and the span is queued to be indexed again
 * (migrations/0011 says why this is not a trigger). New spans always get row ids above the
 * watermark, because the watermark is first brought down to the newest stored span (deleting
 * the newest spans would otherwise let SQLite hand their ids, already "indexed", to new spans).
 */
import type Database from 'better-sqlite3';
import { computeTraceRollup, ROW, type TraceRollup } from './trace-rollup.js';
import { SPAN_ROW_COLUMNS, type SpanRow } from './span-row.js';

export interface BatchWriteResult {
  spanCount: number;
  traceCount: number;
}

interface TouchedTrace {
  id: number;
  projectId: number;
  /** Session row before this batch (null for a new trace). */
  sessionRowid: number | null;
  /** Set when this batch created the trace: computed from `rows`, which are all its spans. */
  rollup: TraceRollup | null;
}

export class SpanBatchWriter {
  private readonly projectIds = new Map<string, number>();
  private readonly statements;
  private readonly writeBatch: Database.Transaction<(rows: SpanRow[]) => BatchWriteResult>;

  constructor(db: Database.Database) {
    const columns = SPAN_ROW_COLUMNS.join(', ');
    const placeholders = SPAN_ROW_COLUMNS.map(() => '?').join(', ');
    const updates = SPAN_ROW_COLUMNS.filter((c) => c !== 'trace_id' && c !== 'span_id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.statements = {
      insertProject: db.prepare(
        `INSERT INTO projects (name, description, created_at, updated_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (name) DO NOTHING`,
      ),
      selectProject: db.prepare('SELECT id FROM projects WHERE name = ?').pluck(),
      insertTrace: db.prepare(
        `INSERT INTO traces (trace_id, project_id, start_time, end_time, span_count, error_count,
           prompt_tokens, completion_tokens, total_tokens, root_span_id,
           cost, cost_prompt, cost_completion)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (trace_id) DO NOTHING`,
      ),
      selectTrace: db.prepare(
        'SELECT id, project_id AS projectId, session_rowid AS sessionRowid FROM traces WHERE trace_id = ?',
      ),
      upsertSpan: db.prepare(
        `INSERT INTO spans (trace_rowid, project_id, ${columns}) VALUES (?, ?, ${placeholders})
         ON CONFLICT (trace_rowid, span_id) DO UPDATE SET ${updates}`,
      ),
      upsertSpanReturningId: db
        .prepare(
          `INSERT INTO spans (trace_rowid, project_id, ${columns}) VALUES (?, ?, ${placeholders})
           ON CONFLICT (trace_rowid, span_id) DO UPDATE SET ${updates}
           RETURNING id`,
        )
        .pluck(),
      // Only ever lowers the watermark, to the newest stored span (see the file comment).
      clampSearchWatermark: db.prepare(
        `UPDATE search_index_state SET indexed_through = (SELECT COALESCE(MAX(id), 0) FROM spans)
         WHERE indexed_through > (SELECT COALESCE(MAX(id), 0) FROM spans)`,
      ),
      searchWatermark: db.prepare('SELECT indexed_through FROM search_index_state').pluck(),
      removeFromSearch: db.prepare('DELETE FROM span_search WHERE rowid = ?'),
      queueForSearch: db.prepare(
        'INSERT INTO search_reindex_queue (span_rowid) VALUES (?) ON CONFLICT DO NOTHING',
      ),
      recomputeTraceRollup: db.prepare(
        `UPDATE traces SET
           start_time = agg.start_time, end_time = agg.end_time, span_count = agg.span_count,
           error_count = agg.error_count, prompt_tokens = agg.prompt_tokens,
           completion_tokens = agg.completion_tokens, total_tokens = agg.total_tokens,
           cost = agg.cost, cost_prompt = agg.cost_prompt, cost_completion = agg.cost_completion,
           root_span_id = (
             SELECT s.span_id FROM spans s
             WHERE s.trace_rowid = traces.id
               AND (s.parent_id IS NULL OR NOT EXISTS (
                 SELECT 1 FROM spans p WHERE p.trace_rowid = s.trace_rowid AND p.span_id = s.parent_id))
             ORDER BY (s.parent_id IS NOT NULL), s.start_time, s.span_id
             LIMIT 1)
         FROM (
           SELECT MIN(start_time) AS start_time, MAX(end_time) AS end_time,
             COUNT(*) AS span_count, SUM(status_code = 'ERROR') AS error_count,
             -- Only LLM spans count: wrapper spans often copy their children's token counts.
             COALESCE(SUM(CASE WHEN span_kind = 'LLM' THEN prompt_tokens END), 0) AS prompt_tokens,
             COALESCE(SUM(CASE WHEN span_kind = 'LLM' THEN completion_tokens END), 0)
               AS completion_tokens,
             COALESCE(SUM(CASE WHEN span_kind = 'LLM' THEN total_tokens END), 0) AS total_tokens,
             -- Each LLM span's own cost (NULL while none has a price); see spans/prices/.
             SUM(CASE WHEN span_kind = 'LLM' THEN cost END) AS cost,
             SUM(CASE WHEN span_kind = 'LLM' THEN cost_prompt END) AS cost_prompt,
             SUM(CASE WHEN span_kind = 'LLM' THEN cost_completion END) AS cost_completion
           FROM spans WHERE trace_rowid = ?
         ) AS agg
         WHERE traces.id = ?`,
      ),
      // The session of a trace is that of its earliest span carrying `session.id`:
      // deterministic, so it does not depend on which span arrived first.
      selectTraceSession: db
        .prepare(
          `SELECT session_id FROM spans WHERE trace_rowid = ? AND session_id IS NOT NULL
           ORDER BY start_time, span_id LIMIT 1`,
        )
        .pluck(),
      insertSession: db.prepare(
        `INSERT INTO sessions (project_id, session_id, start_time, end_time) VALUES (?, ?, 0, 0)
         ON CONFLICT (project_id, session_id) DO NOTHING`,
      ),
      selectSession: db
        .prepare('SELECT id FROM sessions WHERE project_id = ? AND session_id = ?')
        .pluck(),
      setTraceSession: db.prepare('UPDATE traces SET session_rowid = ? WHERE id = ?'),
      rollupSession: db.prepare(
        `UPDATE sessions SET start_time = agg.start_time, end_time = agg.end_time,
           trace_count = agg.trace_count
         FROM (SELECT COALESCE(MIN(start_time), 0) AS start_time,
                 COALESCE(MAX(end_time), 0) AS end_time, COUNT(*) AS trace_count
               FROM traces WHERE session_rowid = ?) AS agg
         WHERE sessions.id = ?`,
      ),
      // A trace new to a session changes its rollup exactly by this much; no rescan needed.
      addTraceToSession: db.prepare(
        `UPDATE sessions SET
           start_time = CASE WHEN trace_count = 0 OR @start < start_time THEN @start ELSE start_time END,
           end_time = CASE WHEN trace_count = 0 OR @end > end_time THEN @end ELSE end_time END,
           trace_count = trace_count + 1
         WHERE id = @id`,
      ),
      deleteEmptySession: db.prepare('DELETE FROM sessions WHERE id = ? AND trace_count = 0'),
      selectTraceByRowid: db.prepare(
        `SELECT trace_id AS traceId, project_id AS projectId, session_rowid AS sessionRowid
         FROM traces WHERE id = ?`,
      ),
      countTraceSpans: db.prepare('SELECT COUNT(*) FROM spans WHERE trace_rowid = ?').pluck(),
      deleteTrace: db.prepare('DELETE FROM traces WHERE id = ?'),
    };
    this.writeBatch = db.transaction((rows: SpanRow[]) => this.write(rows));
  }

  /** Writes the rows in one IMMEDIATE transaction (all or nothing). */
  writeRows(rows: SpanRow[]): BatchWriteResult {
    try {
      return this.writeBatch.immediate(rows);
    } catch (error) {
      // The rollback may have undone projects this batch created; their cached ids are void.
      this.projectIds.clear();
      throw error;
    }
  }

  /** Forget cached project ids (after a project is deleted or renamed). */
  forgetProjects(): void {
    this.projectIds.clear();
  }

  /**
   * Brings a stored trace's rollup and session up to date after its spans were deleted or
   * moved (runs inside the caller's transaction). A trace left without spans is deleted.
   * Returns false when the trace was deleted (or did not exist).
   */
  recomputeStoredTrace(traceRowid: number): boolean {
    const s = this.statements;
    const trace = s.selectTraceByRowid.get(traceRowid) as
      { traceId: string; projectId: number; sessionRowid: number | null } | undefined;
    if (!trace) return false;
    if ((s.countTraceSpans.get(traceRowid) as number) === 0) {
      s.deleteTrace.run(traceRowid);
      if (trace.sessionRowid !== null) this.recomputeSession(trace.sessionRowid);
      return false;
    }
    s.recomputeTraceRollup.run(traceRowid, traceRowid);
    const sessionId = (s.selectTraceSession.get(traceRowid) as string | undefined) ?? null;
    let sessionRowid: number | null = null;
    if (sessionId !== null) {
      s.insertSession.run(trace.projectId, sessionId);
      sessionRowid = s.selectSession.get(trace.projectId, sessionId) as number;
    }
    if (sessionRowid !== trace.sessionRowid) s.setTraceSession.run(sessionRowid, traceRowid);
    if (trace.sessionRowid !== null && trace.sessionRowid !== sessionRowid) {
      this.recomputeSession(trace.sessionRowid);
    }
    if (sessionRowid !== null) this.recomputeSession(sessionRowid);
    return true;
  }

  /** Recomputes a session's rollup from its traces; deletes it when it has none left. */
  recomputeSession(sessionRowid: number): void {
    this.statements.rollupSession.run(sessionRowid, sessionRowid);
    this.statements.deleteEmptySession.run(sessionRowid);
  }

  private write(rows: SpanRow[]): BatchWriteResult {
    const s = this.statements;
    const now = new Date().toISOString();
    const rowsByTrace = new Map<string, SpanRow[]>();
    for (const row of rows) {
      const traceId = row[ROW.traceId] as string;
      const traceRows = rowsByTrace.get(traceId);
      if (traceRows) traceRows.push(row);
      else rowsByTrace.set(traceId, [row]);
    }
    s.clampSearchWatermark.run();
    const searchWatermark = s.searchWatermark.get() as number;
    const traces: TouchedTrace[] = [];
    for (const [traceId, traceRows] of rowsByTrace) {
      const trace = this.touchTrace(traceId, traceRows, now);
      traces.push(trace);
      // The span joins its trace's project, which may differ from the one it names.
      if (trace.rollup !== null) {
        // A new trace: every span is a new row (or a repeat within this batch, above the mark).
        for (const row of traceRows) s.upsertSpan.run(trace.id, trace.projectId, ...row.slice(1));
        continue;
      }
      for (const row of traceRows) {
        const rowid = s.upsertSpanReturningId.get(trace.id, trace.projectId, ...row.slice(1));
        if ((rowid as number) <= searchWatermark) {
          s.removeFromSearch.run(rowid);
          s.queueForSearch.run(rowid);
        }
      }
    }

    // Sessions whose rollup must be recomputed from their traces (a trace left them or changed).
    const sessionsToRecompute = new Set<number>();
    for (const trace of traces) {
      const rollup = trace.rollup;
      let sessionId: string | null;
      if (rollup !== null) {
        sessionId = rollup.sessionId;
      } else {
        s.recomputeTraceRollup.run(trace.id, trace.id);
        sessionId = (s.selectTraceSession.get(trace.id) as string | undefined) ?? null;
      }
      let sessionRowid: number | null = null;
      if (sessionId !== null) {
        s.insertSession.run(trace.projectId, sessionId);
        sessionRowid = s.selectSession.get(trace.projectId, sessionId) as number;
      }
      if (sessionRowid !== trace.sessionRowid) {
        s.setTraceSession.run(sessionRowid, trace.id);
        if (trace.sessionRowid !== null) sessionsToRecompute.add(trace.sessionRowid);
      }
      if (sessionRowid !== null) {
        if (rollup !== null) {
          s.addTraceToSession.run({
            start: rollup.startTime,
            end: rollup.endTime,
            id: sessionRowid,
          });
        } else sessionsToRecompute.add(sessionRowid);
      }
    }
    for (const sessionRowid of sessionsToRecompute) this.recomputeSession(sessionRowid);
    return { spanCount: rows.length, traceCount: traces.length };
  }

  /**
   * Creates the trace with its rollup if it is new (in the project its first span names), or
   * looks it up.
   */
  private touchTrace(traceId: string, rows: SpanRow[], now: string): TouchedTrace {
    const s = this.statements;
    const projectId = this.projectId(rows[0]![ROW.projectName] as string, now);
    const rollup = computeTraceRollup(rows);
    const inserted = s.insertTrace.run(
      traceId,
      projectId,
      rollup.startTime,
      rollup.endTime,
      rollup.spanCount,
      rollup.errorCount,
      rollup.promptTokens,
      rollup.completionTokens,
      rollup.totalTokens,
      rollup.rootSpanId,
      rollup.cost,
      rollup.costPrompt,
      rollup.costCompletion,
    );
    if (inserted.changes === 1) {
      return { id: Number(inserted.lastInsertRowid), projectId, sessionRowid: null, rollup };
    }
    const existing = s.selectTrace.get(traceId) as {
      id: number;
      projectId: number;
      sessionRowid: number | null;
    };
    return { ...existing, rollup: null };
  }

  private projectId(name: string, now: string): number {
    let id = this.projectIds.get(name);
    if (id === undefined) {
      this.statements.insertProject.run(name, now, now);
      id = this.statements.selectProject.get(name) as number;
      this.projectIds.set(name, id);
    }
    return id;
  }
}
