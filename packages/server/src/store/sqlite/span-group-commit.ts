/**
 * Group commit inside the SQLite writer thread.
 *
 * The server posts each export request's span rows to the writer as soon as they are decoded
 * (sqlite-store.ts), without waiting for earlier requests. Requests that arrive while a
 * transaction is being written and fsynced wait here and are then written together, in one
 * transaction, so a commit's cost is shared — and the next transaction can start the moment the
 * previous one ends, because its rows are already in this thread. Each request is answered
 * only after the transaction holding its rows has committed.
 *
 * One request's bad rows must not fail the requests that happened to share its transaction:
 * when a shared transaction fails, each of its requests is written again on its own.
 */
import type { BatchWriteResult } from './span-batch-writer.js';
import { ROW } from './trace-rollup.js';
import type { SpanRow } from './span-row.js';

/** The rows of one export request, and how to answer it. */
export interface PendingSpans {
  rows: SpanRow[];
  done(result: GroupCommitResult): void;
  failed(error: Error): void;
}

export interface GroupCommitResult {
  /** Spans of this request (new or replaced). */
  spanCount: number;
  /** Traces this request's spans belong to. */
  traceCount: number;
  /** The transaction that committed them (shared within a group). */
  transaction: CommittedTransaction;
}

export interface CommittedTransaction {
  /** Sequence number, the same for every request of the group. */
  id: number;
  /** Spans of the whole transaction. */
  spans: number;
  /** How long writing and committing it took. */
  seconds: number;
}

export class SpanGroupCommit {
  private pending: PendingSpans[] = [];
  private transactions = 0;

  constructor(
    /** Writes rows in one transaction (all or nothing). */
    private readonly writeRows: (rows: SpanRow[]) => BatchWriteResult,
    /** Most spans one transaction takes (a single larger request still goes in whole). */
    private readonly maxBatchSpans: number,
  ) {}

  add(spans: PendingSpans): void {
    this.pending.push(spans);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Writes one group of waiting requests; call again while `hasPending`. */
  commitNext(): void {
    const group = this.takeGroup();
    if (group.length === 0) return;
    if (group.length === 1) {
      this.commitAlone(group[0]!);
      return;
    }
    const rows = group.flatMap((p) => p.rows);
    const started = performance.now();
    try {
      this.writeRows(rows);
    } catch {
      for (const spans of group) this.commitAlone(spans);
      return;
    }
    const transaction = this.transactionOf(rows.length, started);
    for (const spans of group) spans.done(resultOf(spans.rows, transaction));
  }

  private commitAlone(spans: PendingSpans): void {
    const started = performance.now();
    try {
      this.writeRows(spans.rows);
    } catch (error) {
      spans.failed(error as Error);
      return;
    }
    spans.done(resultOf(spans.rows, this.transactionOf(spans.rows.length, started)));
  }

  private transactionOf(spans: number, started: number): CommittedTransaction {
    return { id: ++this.transactions, spans, seconds: (performance.now() - started) / 1000 };
  }

  /** Whole requests, oldest first, until the group reaches maxBatchSpans (at least one). */
  private takeGroup(): PendingSpans[] {
    let count = 0;
    let n = 0;
    while (n < this.pending.length) {
      const size = this.pending[n]!.rows.length;
      if (n > 0 && count + size > this.maxBatchSpans) break;
      count += size;
      n++;
    }
    return this.pending.splice(0, n);
  }
}

function resultOf(rows: SpanRow[], transaction: CommittedTransaction): GroupCommitResult {
  const traces = new Set<unknown>();
  for (const row of rows) traces.add(row[ROW.traceId]);
  return { spanCount: rows.length, traceCount: traces.size, transaction };
}
