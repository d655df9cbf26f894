/**
 * The share of a sliding window of time a thread spent busy, from the intervals it reports
 * (the SQLite writer uses it to tell heavy ingestion from light; see sqlite-writer-worker.ts).
 */
export class BusyShare {
  /** Reported busy intervals [start, end] in milliseconds, oldest first. */
  private readonly intervals: [number, number][] = [];

  constructor(private readonly windowMs: number) {}

  add(start: number, end: number): void {
    this.intervals.push([start, end]);
  }

  /** Share (0..1) of the window ending at `now` covered by busy intervals. */
  share(now: number): number {
    const from = now - this.windowMs;
    while (this.intervals.length > 0 && this.intervals[0]![1] <= from) this.intervals.shift();
    let busy = 0;
    for (const [start, end] of this.intervals) {
      busy += Math.max(0, Math.min(end, now) - Math.max(start, from));
    }
    return busy / this.windowMs;
  }
}
