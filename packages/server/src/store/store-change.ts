/**
 * What a committed write changed, as a store reports it for live updates (live/): spans
 * written into a project's traces, or data deleted from a project. A store reports a change only
 * after (SQLite) or together with (PostgreSQL NOTIFY) the commit, never for a rolled-back write.
 */

/** Spans were committed into these traces of the project. */
export interface SpansCommitted {
  type: 'spans';
  projectId: number;
  projectName: string;
  /** Distinct trace ids (may be a sample when a write touched very many traces). */
  traceIds: string[];
  /** Spans written into the project (new or replaced). */
  spanCount: number;
}

/** Traces, spans or sessions of the project were deleted or moved out of it. */
export interface DataDeleted {
  type: 'deleted';
  projectId: number;
  projectName: string;
  /** The traces deleted or changed; empty means anything in the project may have changed. */
  traceIds: string[];
}

export type StoreChange = SpansCommitted | DataDeleted;

/** Where a store in this process reports its changes (the in-process change feed). */
export interface StoreChangeSink {
  /** False while nobody listens: the store may then skip the work of describing its changes. */
  readonly wanted: boolean;
  publish(changes: StoreChange[]): void;
}

/** A trace as a change describes it: its id, its project and how many spans it got. */
export interface TraceInProject {
  traceId: string;
  projectId: number;
  projectName: string;
}

/** One change per project, trace ids in first-seen order. */
export function groupByProject(
  type: 'spans' | 'deleted',
  traces: TraceInProject[],
  spansPerTrace?: Map<string, number>,
): StoreChange[] {
  const byProject = new Map<number, StoreChange>();
  for (const trace of traces) {
    let change = byProject.get(trace.projectId);
    if (change === undefined) {
      const base = { projectId: trace.projectId, projectName: trace.projectName, traceIds: [] };
      change = type === 'spans' ? { type, ...base, spanCount: 0 } : { type, ...base };
      byProject.set(trace.projectId, change);
    }
    change.traceIds.push(trace.traceId);
    if (change.type === 'spans') change.spanCount += spansPerTrace?.get(trace.traceId) ?? 0;
  }
  return [...byProject.values()];
}

/** Spans per trace id of a batch. */
export function countSpansPerTrace(spans: { traceId: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of spans) counts.set(span.traceId, (counts.get(span.traceId) ?? 0) + 1);
  return counts;
}

/**
 * What a delete or move is about to touch, so a store can describe the change (inside the same
 * transaction on PostgreSQL) before the rows are gone.
 */
export type ChangeTarget =
  | { traces: number[] }
  | { span: number }
  | { sessions: number[] }
  | { project: number }
  | { transfer: number[]; destinationProjectId: number };

/** A trace row a target touches, with its span count (for moves). */
export interface TouchedTrace extends TraceInProject {
  spanCount: number;
}

/**
 * The changes a target makes, from the rows it touches (read before the write): deletions from
 * each project, and for a move also the spans arriving in the destination.
 */
export function changesOfTarget(
  target: ChangeTarget,
  traces: TouchedTrace[],
  project: { projectId: number; projectName: string } | null,
): StoreChange[] {
  if ('project' in target) {
    return project ? [{ type: 'deleted', ...project, traceIds: [] }] : [];
  }
  if (!('transfer' in target)) return groupByProject('deleted', traces);
  const moved = traces.filter((t) => t.projectId !== target.destinationProjectId);
  if (moved.length === 0 || project === null) return [];
  const arriving = moved.map((t) => ({ ...t, ...project }));
  const counts = new Map(moved.map((t) => [t.traceId, t.spanCount]));
  return [...groupByProject('deleted', moved), ...groupByProject('spans', arriving, counts)];
}
