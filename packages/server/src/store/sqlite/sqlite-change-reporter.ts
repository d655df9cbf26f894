/**
 * Live updates on SQLite: after a write has committed, tell the in-process change feed what it
 * changed. Only one process writes a SQLite file, so there is nothing to tell other processes.
 *
 * The projects of the written traces are read back after the commit (a span joins its trace's
 * project, which may not be the one it names). Deletes and moves are described just before
 * they run, while the rows still exist, and published only when the write changed something.
 * All of it is skipped while nobody listens.
 */
import type Database from 'better-sqlite3';
import type { SpanRecord } from '../../spans/span-record.js';
import {
  changesOfTarget,
  countSpansPerTrace,
  groupByProject,
  type ChangeTarget,
  type StoreChange,
  type StoreChangeSink,
  type TouchedTrace,
} from '../store-change.js';

const TRACE_COLUMNS = `t.trace_id AS traceId, t.project_id AS projectId, p.name AS projectName,
  t.span_count AS spanCount`;
const FROM_TRACES = 'FROM traces t JOIN projects p ON p.id = t.project_id';

export class SqliteChangeReporter {
  private readonly statements;

  /** `db` is a read connection: it sees every commit of the writer thread once it is done. */
  constructor(
    db: Database.Database,
    private readonly sink: StoreChangeSink,
  ) {
    this.statements = {
      tracesById: db.prepare(
        `SELECT ${TRACE_COLUMNS} ${FROM_TRACES} WHERE t.trace_id IN (SELECT value FROM json_each(?))`,
      ),
      tracesByRowid: db.prepare(
        `SELECT ${TRACE_COLUMNS} ${FROM_TRACES} WHERE t.id IN (SELECT value FROM json_each(?))`,
      ),
      traceOfSpan: db.prepare(
        `SELECT ${TRACE_COLUMNS} ${FROM_TRACES}
         WHERE t.id = (SELECT trace_rowid FROM spans WHERE id = ?)`,
      ),
      tracesOfSessions: db.prepare(
        `SELECT ${TRACE_COLUMNS} ${FROM_TRACES}
         WHERE t.session_rowid IN (SELECT value FROM json_each(?))`,
      ),
      project: db.prepare('SELECT id AS projectId, name AS projectName FROM projects WHERE id = ?'),
    };
  }

  /**
   * Before spans are written: what to report once they have committed (spans per trace), or
   * null while nobody listens. Taken early so the span records need not be kept until then.
   */
  spansToReport(spans: SpanRecord[]): Map<string, number> | null {
    return this.sink.wanted ? countSpansPerTrace(spans) : null;
  }

  /** After spans have committed: `counts` from spansToReport. */
  spansCommitted(counts: Map<string, number>): void {
    if (!this.sink.wanted) return;
    const traces = this.statements.tracesById.all(
      JSON.stringify([...counts.keys()]),
    ) as TouchedTrace[];
    this.publish(groupByProject('spans', traces, counts));
  }

  /** Before a delete or move: the changes it will make (publish them after it committed). */
  describe(target: ChangeTarget): StoreChange[] {
    if (!this.sink.wanted) return [];
    const s = this.statements;
    let traces: TouchedTrace[] = [];
    let project: { projectId: number; projectName: string } | null = null;
    if ('traces' in target) traces = s.tracesByRowid.all(JSON.stringify(target.traces)) as never;
    else if ('span' in target) traces = s.traceOfSpan.all(target.span) as never;
    else if ('sessions' in target) {
      traces = s.tracesOfSessions.all(JSON.stringify(target.sessions)) as never;
    } else if ('project' in target) project = (s.project.get(target.project) as never) ?? null;
    else {
      traces = s.tracesByRowid.all(JSON.stringify(target.transfer)) as never;
      project = (s.project.get(target.destinationProjectId) as never) ?? null;
    }
    return changesOfTarget(target, traces, project);
  }

  publish(changes: StoreChange[]): void {
    if (changes.length > 0) this.sink.publish(changes);
  }
}
