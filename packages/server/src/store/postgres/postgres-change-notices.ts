/**
 * Live updates on PostgreSQL: every write that changes spans announces it with
 * `pg_notify('heron_changes', '<json>')` inside its own transaction. PostgreSQL delivers a
 * notice only when (and after) its transaction commits, so a rolled-back write, or an attempt
 * retried after a deadlock, announces nothing. Every node (this one included) hears the notices
 * on its LISTEN connection (live/postgres-change-feed.ts) and forwards them to its live clients.
 */
import type pg from 'pg';
import {
  changesOfTarget,
  groupByProject,
  type ChangeTarget,
  type StoreChange,
  type TouchedTrace,
} from '../store-change.js';
import { encodeChangePayload } from './postgres-change-payload.js';
import type { LockedTrace } from './postgres-trace-rollup.js';

interface TraceDbRow {
  trace_id: string;
  project_id: string;
  name: string;
  span_count: string;
}

const SELECT_TRACES = `SELECT t.trace_id, t.project_id, p.name, t.span_count
  FROM traces t JOIN projects p ON p.id = t.project_id`;

export class PostgresChangeNotices {
  constructor(readonly channel: string) {}

  /** Sends the changes (one notice each) when the caller's transaction commits. */
  async notify(client: pg.ClientBase, changes: StoreChange[]): Promise<void> {
    if (changes.length === 0) return;
    await client.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
      this.channel,
      changes.map(encodeChangePayload),
    ]);
  }

  /**
   * Announces a span batch, inside its transaction: the traces as locked by the writer (with the
   * project each belongs to) and the names of the projects the writer resolved.
   */
  async spansCommitted(
    client: pg.ClientBase,
    traces: LockedTrace[],
    projectIdsByName: Map<string, string>,
    spansPerTrace: Map<string, number>,
  ): Promise<void> {
    const names = new Map([...projectIdsByName].map(([name, id]) => [id, name]));
    // A span joins an existing trace's project, which the batch may not have named.
    const unknown = [...new Set(traces.map((t) => t.project_id))].filter((id) => !names.has(id));
    if (unknown.length > 0) {
      const { rows } = await client.query<{ id: string; name: string }>(
        'SELECT id, name FROM projects WHERE id = ANY($1::bigint[])',
        [unknown],
      );
      for (const row of rows) names.set(row.id, row.name);
    }
    const inProjects = traces.map((t) => ({
      traceId: t.trace_id,
      projectId: Number(t.project_id),
      projectName: names.get(t.project_id) ?? '',
    }));
    await this.notify(client, groupByProject('spans', inProjects, spansPerTrace));
  }

  /** Before a delete or move, in its transaction: the changes it will make. */
  async describe(client: pg.ClientBase, target: ChangeTarget): Promise<StoreChange[]> {
    let traces: TouchedTrace[] = [];
    let project: { projectId: number; projectName: string } | null = null;
    if ('traces' in target) {
      traces = await this.traces(client, 't.id = ANY($1::bigint[])', target.traces);
    } else if ('span' in target) {
      traces = await this.traces(
        client,
        't.id = (SELECT trace_rowid FROM spans WHERE id = $1)',
        target.span,
      );
    } else if ('sessions' in target) {
      traces = await this.traces(client, 't.session_rowid = ANY($1::bigint[])', target.sessions);
    } else if ('project' in target) {
      project = await this.project(client, target.project);
    } else {
      traces = await this.traces(client, 't.id = ANY($1::bigint[])', target.transfer);
      project = await this.project(client, target.destinationProjectId);
    }
    return changesOfTarget(target, traces, project);
  }

  private async traces(client: pg.ClientBase, where: string, param: unknown) {
    const { rows } = await client.query<TraceDbRow>(`${SELECT_TRACES} WHERE ${where}`, [param]);
    return rows.map((row) => ({
      traceId: row.trace_id,
      projectId: Number(row.project_id),
      projectName: row.name,
      spanCount: Number(row.span_count),
    }));
  }

  private async project(client: pg.ClientBase, rowid: number) {
    const { rows } = await client.query<{ id: string; name: string }>(
      'SELECT id, name FROM projects WHERE id = $1',
      [rowid],
    );
    return rows[0] ? { projectId: Number(rows[0].id), projectName: rows[0].name } : null;
  }
}
