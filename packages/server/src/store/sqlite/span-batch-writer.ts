/**
 * Writes one batch of span rows and recomputes the rollups of every trace and session the batch
 * touches, in one transaction. Runs inside the writer worker (see sqlite-writer-worker.ts).
 *
 * Rollups are recomputed from the stored spans rather than incremented, so they are exact
 * whatever order spans arrive in and however often a span is re-sent.
 */
import type Database from 'better-sqlite3';
import { SPAN_ROW_COLUMNS, type SpanRow } from './span-row.js';

export interface BatchWriteResult {
  spanCount: number;
  traceCount: number;
}

export class SpanBatchWriter {
  private readonly projectIds = new Map<string, number>();
  private readonly insertProject: Database.Statement;
  private readonly selectProject: Database.Statement;
  private readonly insertTrace: Database.Statement;
  private readonly selectTrace: Database.Statement;
  private readonly upsertSpan: Database.Statement;
  private readonly rollupTrace: Database.Statement;
  private readonly selectTraceSession: Database.Statement;
  private readonly insertSession: Database.Statement;
  private readonly selectSession: Database.Statement;
  private readonly setTraceSession: Database.Statement;
  private readonly rollupSession: Database.Statement;
  private readonly deleteEmptySession: Database.Statement;
  private readonly writeBatch: Database.Transaction<(rows: SpanRow[]) => BatchWriteResult>;

  constructor(private readonly db: Database.Database) {
    this.insertProject = db.prepare(
      `INSERT INTO projects (name, description, created_at, updated_at) VALUES (?, NULL, ?, ?)
       ON CONFLICT (name) DO NOTHING`,
    );
    this.selectProject = db.prepare('SELECT id FROM projects WHERE name = ?').pluck();
    this.insertTrace = db.prepare(
      `INSERT INTO traces (trace_id, project_id, start_time, end_time) VALUES (?, ?, ?, ?)
       ON CONFLICT (trace_id) DO NOTHING`,
    );
    this.selectTrace = db.prepare(
      'SELECT id, project_id AS projectId, session_rowid AS sessionRowid FROM traces WHERE trace_id = ?',
    );
    const columns = SPAN_ROW_COLUMNS.join(', ');
    const placeholders = SPAN_ROW_COLUMNS.map(() => '?').join(', ');
    const updates = SPAN_ROW_COLUMNS.filter((c) => c !== 'trace_id' && c !== 'span_id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    this.upsertSpan = db.prepare(
      `INSERT INTO spans (trace_rowid, project_id, ${columns}) VALUES (?, ?, ${placeholders})
       ON CONFLICT (trace_id, span_id) DO UPDATE SET ${updates}`,
    );
    this.rollupTrace = db.prepare(
      `UPDATE traces SET
         start_time = agg.start_time, end_time = agg.end_time, span_count = agg.span_count,
         error_count = agg.error_count, prompt_tokens = agg.prompt_tokens,
         completion_tokens = agg.completion_tokens, total_tokens = agg.total_tokens,
         root_span_id = (
           SELECT s.span_id FROM spans s
           WHERE s.trace_rowid = traces.id
             AND (s.parent_id IS NULL OR NOT EXISTS (
               SELECT 1 FROM spans p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_id))
           ORDER BY (s.parent_id IS NOT NULL), s.start_time, s.span_id
           LIMIT 1)
       FROM (
         SELECT MIN(start_time) AS start_time, MAX(end_time) AS end_time, COUNT(*) AS span_count,
           SUM(status_code = 'ERROR') AS error_count,
           -- Only LLM spans count: wrapper spans often copy their children's token counts.
           COALESCE(SUM(CASE WHEN span_kind = 'LLM' THEN prompt_tokens END), 0) AS prompt_tokens,
           COALESCE(SUM(CASE WHEN span_kind = 'LLM' THEN completion_tokens END), 0) AS completion_tokens,
           COALESCE(SUM(CASE WHEN span_kind = 'LLM' THEN total_tokens END), 0) AS total_tokens
         FROM spans WHERE trace_rowid = ?
       ) AS agg
       WHERE traces.id = ?`,
    );
    // The session of a trace is that of its earliest span carrying `session.id`: deterministic,
    // so it does not depend on which span arrived first.
    this.selectTraceSession = db
      .prepare(
        `SELECT session_id FROM spans WHERE trace_rowid = ? AND session_id IS NOT NULL
         ORDER BY start_time, span_id LIMIT 1`,
      )
      .pluck();
    this.insertSession = db.prepare(
      `INSERT INTO sessions (project_id, session_id, start_time, end_time) VALUES (?, ?, 0, 0)
       ON CONFLICT (project_id, session_id) DO NOTHING`,
    );
    this.selectSession = db
      .prepare('SELECT id FROM sessions WHERE project_id = ? AND session_id = ?')
      .pluck();
    this.setTraceSession = db.prepare('UPDATE traces SET session_rowid = ? WHERE id = ?');
    this.rollupSession = db.prepare(
      `UPDATE sessions SET start_time = agg.start_time, end_time = agg.end_time,
         trace_count = agg.trace_count
       FROM (SELECT COALESCE(MIN(start_time), 0) AS start_time, COALESCE(MAX(end_time), 0) AS end_time,
               COUNT(*) AS trace_count FROM traces WHERE session_rowid = ?) AS agg
       WHERE sessions.id = ?`,
    );
    this.deleteEmptySession = db.prepare('DELETE FROM sessions WHERE id = ? AND trace_count = 0');
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

  private write(rows: SpanRow[]): BatchWriteResult {
    const now = new Date().toISOString();
    const traces = new Map<
      string,
      { id: number; projectId: number; sessionRowid: number | null }
    >();
    for (const row of rows) {
      const projectName = row[0] as string;
      const traceId = row[1] as string;
      let trace = traces.get(traceId);
      if (!trace) {
        const projectId = this.projectId(projectName, now);
        this.insertTrace.run(traceId, projectId, row[7], row[8]);
        trace = this.selectTrace.get(traceId) as {
          id: number;
          projectId: number;
          sessionRowid: number | null;
        };
        traces.set(traceId, trace);
      }
      // The span joins its trace's project, which may differ from the one it names.
      row[0] = trace.projectId;
      this.upsertSpan.run(trace.id, ...row);
    }
    const sessions = new Set<number>();
    for (const trace of traces.values()) {
      this.rollupTrace.run(trace.id, trace.id);
      const sessionId = this.selectTraceSession.get(trace.id) as string | undefined;
      let sessionRowid: number | null = null;
      if (sessionId !== undefined) {
        this.insertSession.run(trace.projectId, sessionId);
        sessionRowid = this.selectSession.get(trace.projectId, sessionId) as number;
        sessions.add(sessionRowid);
      }
      if (sessionRowid !== trace.sessionRowid) {
        this.setTraceSession.run(sessionRowid, trace.id);
        if (trace.sessionRowid !== null) sessions.add(trace.sessionRowid);
      }
    }
    for (const sessionRowid of sessions) {
      this.rollupSession.run(sessionRowid, sessionRowid);
      this.deleteEmptySession.run(sessionRowid);
    }
    return { spanCount: rows.length, traceCount: traces.size };
  }

  private projectId(name: string, now: string): number {
    let id = this.projectIds.get(name);
    if (id === undefined) {
      this.insertProject.run(name, now, now);
      id = this.selectProject.get(name) as number;
      this.projectIds.set(name, id);
    }
    return id;
  }
}
