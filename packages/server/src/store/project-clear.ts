/**
 * Clearing a project's data: every trace, span, session and annotation of the project goes;
 * the project itself stays, with its id, name, description, retention policy, saved views and
 * annotation configs (so a project can be reused for a fresh run without new links or settings).
 *
 * It is done the way the retention sweep deletes (and with the same code on each backend):
 * in batches of at most `batchTraces` traces, each batch one short transaction — on SQLite one
 * write on the writer thread between span batches, so ingestion waits at most one batch. Only
 * the traces that existed when the clear started are deleted (up to the newest trace row id
 * read by the first batch): spans arriving meanwhile into new traces are kept, so a clear
 * under steady ingestion ends.
 */
import type { Store } from './store.js';

export interface ProjectClearResult {
  deletedTraces: number;
  deletedSpans: number;
  deletedSessions: number;
  batches: number;
}

/** One batch, as a backend answers it. */
export interface ProjectClearStep {
  deletedTraces: number;
  deletedSpans: number;
  deletedSessions: number;
  /** Traces up to `throughTraceRowid` may remain: call again. */
  more: boolean;
  /** The newest trace row id the clear deletes; pass it to every later batch. */
  throughTraceRowid: number;
}

export interface ProjectClearStepOptions {
  maxTraces: number;
  /** null on the first batch: the backend reads the project's newest trace row id. */
  throughTraceRowid: number | null;
}

/** Clears the project batch after batch (each batch a store call, each its own transaction). */
export async function clearProject(
  store: Store,
  projectId: number,
  batchTraces: number,
): Promise<ProjectClearResult> {
  const result: ProjectClearResult = {
    deletedTraces: 0,
    deletedSpans: 0,
    deletedSessions: 0,
    batches: 0,
  };
  let throughTraceRowid: number | null = null;
  for (;;) {
    const step = await store.clearProjectStep(projectId, {
      maxTraces: batchTraces,
      throughTraceRowid,
    });
    result.batches++;
    result.deletedTraces += step.deletedTraces;
    result.deletedSpans += step.deletedSpans;
    result.deletedSessions += step.deletedSessions;
    throughTraceRowid = step.throughTraceRowid;
    if (!step.more) return result;
    // A batch that found only traces held by a writer (PostgreSQL): let the writer finish.
    if (step.deletedTraces === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
