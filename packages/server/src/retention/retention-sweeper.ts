/**
 * The retention sweeper of `heron serve`: every interval it calls `Store.sweepRetention` batch
 * after batch until nothing is due, yielding to the event loop between batches (on SQLite each
 * batch is one message to the writer thread, so span batches queued meanwhile are written
 * before the next one). Runs never overlap: a sweep asked for over the API waits for the one
 * in progress, then runs. A database error is logged and the next interval tries again; it
 * never takes the server down. `close()` stops the timer and waits for the batch in flight.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type RetentionPolicy,
  type RetentionSweepOptions,
  type RetentionSweepResult,
} from '../store/retention-policy.js';

/** What the sweeper needs of a store. */
export interface SweepableStore {
  sweepRetention(options: RetentionSweepOptions): Promise<RetentionSweepResult>;
}

/** The parts of a pino / fastify logger the sweeper uses. */
export interface SweepLog {
  info(message: string): void;
  error(details: object, message: string): void;
}

export interface RetentionSweeperOptions {
  /** Milliseconds from the end of one periodic sweep to the start of the next. */
  intervalMs: number;
  /** Traces per batch (per transaction). */
  batchTraces: number;
  defaultPolicy: RetentionPolicy;
  log: SweepLog;
  /** "Now" in ns since the epoch (tests move it). */
  now?: () => bigint;
}

export interface SweepTotals {
  deletedTraces: number;
  deletedSpans: number;
  deletedSessions: number;
  /** Store calls made (the last one found less than a full batch). */
  batches: number;
}

export class RetentionSweeper {
  private readonly now: () => bigint;
  private timer: NodeJS.Timeout | undefined;
  /** The sweep running or queued last; the next one starts after it. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: SweepableStore,
    private readonly options: RetentionSweeperOptions,
  ) {
    this.now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  }

  /** Starts the periodic sweeps; the first one runs at once (a restarted server catches up). */
  start(): void {
    this.schedule(0);
  }

  /** Runs one sweep to the end (after the one in progress, if any) and says what it deleted. */
  sweepNow(): Promise<SweepTotals> {
    if (this.closed) return Promise.reject(new Error('the retention sweeper is stopped'));
    const run = this.tail.then(() => this.sweepUntilDone());
    this.tail = run.catch(() => {});
    return run;
  }

  /** Stops the periodic sweeps; resolves once the batch in flight (if any) has finished. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.tail;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runPeriodic();
    }, delayMs);
    // The sweeper alone never keeps the process alive.
    this.timer.unref();
  }

  private async runPeriodic(): Promise<void> {
    try {
      await this.sweepNow();
    } catch (error) {
      if (!this.closed) {
        this.options.log.error(
          { err: error },
          `retention sweep failed; trying again in ${this.options.intervalMs / 1000} s`,
        );
      }
    }
    this.schedule(this.options.intervalMs);
  }

  private async sweepUntilDone(): Promise<SweepTotals> {
    const totals: SweepTotals = {
      deletedTraces: 0,
      deletedSpans: 0,
      deletedSessions: 0,
      batches: 0,
    };
    // One "now" per sweep: the due set only shrinks, so the loop ends.
    const nowUnixNano = this.now();
    while (!this.closed) {
      const result = await this.store.sweepRetention({
        maxTraces: this.options.batchTraces,
        defaultPolicy: this.options.defaultPolicy,
        nowUnixNano,
      });
      totals.batches++;
      totals.deletedTraces += result.deletedTraces;
      totals.deletedSpans += result.deletedSpans;
      totals.deletedSessions += result.deletedSessions;
      if (!result.more) break;
      await yieldToEventLoop();
    }
    if (totals.deletedTraces > 0) {
      this.options.log.info(
        `retention: deleted ${totals.deletedTraces} traces (${totals.deletedSpans} spans, ` +
          `${totals.deletedSessions} emptied sessions) in ${totals.batches} batches`,
      );
    }
    return totals;
  }
}
