/**
 * Coalesces changes so a browser is not flooded at 20,000 spans/s: for each project and kind
 * (spans, deleted), at most one event per interval.
 *
 * The first change after a quiet interval goes out at once (no added latency for the usual
 * trickle); changes arriving within the interval after it are merged and sent when it ends:
 * trace ids de-duplicated and capped at `maxTraceIds` (the first ones seen), span counts added.
 *
 * A deletion event's trace ids must be complete (a client may drop exactly those traces), so
 * one that would name more than `maxTraceIds`, or merges a change that named none, names none:
 * "anything in the project may have changed".
 */
import type { StoreChange } from '../store/store-change.js';

export interface CoalescerOptions {
  /** One event per project and kind per this many ms at most; 0 sends every change as is. */
  intervalMs: number;
  /** Trace ids in one event at most. */
  maxTraceIds: number;
}

/** Changes merged while a project's interval runs. */
interface Merged {
  change: StoreChange;
  traceIds: Set<string>;
  /** More trace ids than the cap were seen. */
  overflow: boolean;
  /** A deletion that did not say which traces it touched was merged. */
  unspecified: boolean;
}

interface Interval {
  pending: Merged | null;
  timer: NodeJS.Timeout;
}

export class ChangeCoalescer {
  private readonly intervals = new Map<string, Interval>();

  constructor(
    private readonly options: CoalescerOptions,
    private readonly emit: (change: StoreChange) => void,
  ) {}

  add(change: StoreChange): void {
    const key = `${change.type}:${change.projectId}`;
    const interval = this.intervals.get(key);
    if (interval === undefined) {
      this.emit(this.finish(this.merge(null, change)));
      if (this.options.intervalMs > 0) {
        this.intervals.set(key, { pending: null, timer: this.startInterval(key) });
      }
      return;
    }
    interval.pending = this.merge(interval.pending, change);
  }

  /** Drops what is pending and stops every timer. */
  clear(): void {
    for (const interval of this.intervals.values()) clearTimeout(interval.timer);
    this.intervals.clear();
  }

  private startInterval(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.endInterval(key), this.options.intervalMs);
    timer.unref();
    return timer;
  }

  /** Sends what was merged during the interval and starts another, or ends the quiet one. */
  private endInterval(key: string): void {
    const interval = this.intervals.get(key);
    if (interval === undefined) return;
    if (interval.pending === null) {
      this.intervals.delete(key);
      return;
    }
    const merged = interval.pending;
    interval.pending = null;
    interval.timer = this.startInterval(key);
    this.emit(this.finish(merged));
  }

  private merge(merged: Merged | null, change: StoreChange): Merged {
    const result = merged ?? {
      change: { ...change, traceIds: [] },
      traceIds: new Set<string>(),
      overflow: false,
      unspecified: false,
    };
    result.change.projectName = change.projectName;
    if (change.type === 'deleted' && change.traceIds.length === 0) result.unspecified = true;
    if (result.change.type === 'spans' && change.type === 'spans' && merged !== null) {
      result.change.spanCount += change.spanCount;
    }
    for (const id of change.traceIds) {
      if (result.traceIds.has(id)) continue;
      if (result.traceIds.size >= this.options.maxTraceIds) {
        result.overflow = true;
        break;
      }
      result.traceIds.add(id);
    }
    return result;
  }

  private finish(merged: Merged): StoreChange {
    const anything = merged.change.type === 'deleted' && (merged.unspecified || merged.overflow);
    return { ...merged.change, traceIds: anything ? [] : [...merged.traceIds] };
  }
}
