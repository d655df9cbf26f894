/**
 * The server's own account of its commits (the `heron_commit_*` histograms of GET /metrics):
 * how many transactions committed spans in a window, how big they were and how long they took.
 * On SQLite a transaction is one group commit of the writer thread, so "committing" close to
 * 100 % of the window means the writer thread is what limits throughput.
 */
export interface CommitTotals {
  transactions: number;
  spans: number;
  seconds: number;
}

export interface CommitFigures {
  transactions: number;
  meanSpans: number;
  meanMs: number;
  /** Sum of commit durations over the window length (can pass 1 with concurrent commits). */
  committingShare: number;
}

export async function readCommitTotals(baseUrl: string): Promise<CommitTotals> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    transactions: value('heron_commit_batch_spans_count'),
    spans: value('heron_commit_batch_spans_sum'),
    seconds: value('heron_commit_duration_seconds_sum'),
  };
}

export function commitFigures(
  start: CommitTotals,
  end: CommitTotals,
  windowSeconds: number,
): CommitFigures {
  const transactions = end.transactions - start.transactions;
  const seconds = end.seconds - start.seconds;
  return {
    transactions,
    meanSpans: transactions === 0 ? 0 : (end.spans - start.spans) / transactions,
    meanMs: transactions === 0 ? 0 : (seconds / transactions) * 1000,
    committingShare: seconds / windowSeconds,
  };
}
