/**
 * Retention: which traces a project keeps, and the bounded deletion step a sweeper repeats.
 *
 * A project keeps its traces by age and/or by count. Age is judged by the trace's start time:
 * it is indexed per project on both backends (so "the oldest traces of a project" is an index
 * range, however big the project), it is the time trace lists and summaries filter on, and it
 * is what Phoenix's retention uses. (An end time would keep a long-running trace a little
 * longer, but moves every time a late span arrives.) Count keeps the newest `maxTraces` traces
 * by start time, ties broken by row id. With both limits, a trace goes when either says so.
 *
 * Deleting a trace deletes its spans and every annotation on them and on the trace; a session
 * left without traces is deleted, and a session that keeps some has its rollups recomputed.
 */

/** `null` on an axis means no limit on it; both `null` keeps everything. */
export interface RetentionPolicy {
  maxAgeDays: number | null;
  maxTraces: number | null;
}

export const KEEP_FOREVER: RetentionPolicy = { maxAgeDays: null, maxTraces: null };

export const NANOS_PER_DAY = 86_400n * 1_000_000_000n;

export interface RetentionSweepOptions {
  /** Most traces this call deletes (one short transaction). */
  maxTraces: number;
  /** The policy of every project without one of its own. */
  defaultPolicy: RetentionPolicy;
  /** "Now" for age limits, in ns since the Unix epoch. */
  nowUnixNano: bigint;
}

export interface RetentionSweepResult {
  deletedTraces: number;
  /** Spans of the deleted traces. */
  deletedSpans: number;
  /** Sessions left without traces, deleted. */
  deletedSessions: number;
  /** The call deleted as many traces as it was allowed: more may be due, call again. */
  more: boolean;
}

/** A backend's sweep step: the result, and the projects it deleted from (for live updates). */
export interface RetentionSweepStep extends RetentionSweepResult {
  projectIds: number[];
}

/** A project's policy as the sweep reads it: its own, or the default. */
export interface ProjectRetention extends RetentionPolicy {
  projectId: number;
}

/**
 * The newest trace start a trace may have and still be too old, or null without an age limit:
 * a trace whose start_time is at or before this is due.
 */
export function ageCutoff(policy: RetentionPolicy, nowUnixNano: bigint): bigint | null {
  if (policy.maxAgeDays === null) return null;
  return nowUnixNano - BigInt(policy.maxAgeDays) * NANOS_PER_DAY - 1n;
}

/**
 * The last trace (in start_time, id order) to delete: traces at or before this key are due.
 * Age and count each give such a key; the later of the two wins, since both delete from the
 * oldest end.
 */
export interface DeletionBound {
  startTime: bigint;
  /** Row id; `MAX_ROWID` for "every trace started at or before startTime". */
  rowid: bigint;
}

/** Larger than any row id either backend hands out (SQLite and PostgreSQL bigint maximum). */
export const MAX_ROWID = 9_223_372_036_854_775_807n;

export function laterBound(a: DeletionBound | null, b: DeletionBound | null): DeletionBound | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.startTime !== b.startTime) return a.startTime > b.startTime ? a : b;
  return a.rowid >= b.rowid ? a : b;
}

/** Whether the policy limits anything (a sweep skips projects it cannot touch). */
export function limitsAnything(policy: RetentionPolicy): boolean {
  return policy.maxAgeDays !== null || policy.maxTraces !== null;
}
