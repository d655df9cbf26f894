/**
 * The sweeper loop over a real SQLite store: batches until nothing is due, periodic runs, a
 * database error logged and retried on the next interval, a clean stop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { spanRecord, spanIdOf, traceIdOf } from '../testing/span-record-fixture.js';
import {
  NANOS_PER_DAY,
  type RetentionSweepOptions,
  type RetentionSweepResult,
} from '../store/retention-policy.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { RetentionSweeper, type SweepableStore, type SweepLog } from './retention-sweeper.js';

const NOW_MS = Date.now();
const NOW = BigInt(NOW_MS) * 1_000_000n;
const SEVEN_DAYS = { maxAgeDays: 7, maxTraces: null };

/** Traces numbered `from`..`to` (one span each), started `days` days ago. */
function traces(from: number, to: number, days: number) {
  const spans = [];
  for (let no = from; no <= to; no++) {
    spans.push(
      spanRecord({
        projectName: 'swept',
        traceId: traceIdOf(no),
        spanId: spanIdOf(no),
        startTimeUnixNano: NOW - BigInt(days) * NANOS_PER_DAY,
      }),
    );
  }
  return spans;
}

class RecordingLog implements SweepLog {
  readonly infos: string[] = [];
  readonly errors: string[] = [];
  info(message: string): void {
    this.infos.push(message);
  }
  error(details: object, message: string): void {
    const err = (details as { err?: Error }).err;
    this.errors.push(`${message}: ${err?.message ?? ''}`);
  }
}

/** Resolves once `check()` is true; fails after `timeoutMs`. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not reached in time');
    await sleep(10);
  }
}

describe('RetentionSweeper', () => {
  let dir: string;
  let store: SqliteStore;
  let log: RecordingLog;
  let sweeper: RetentionSweeper | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-sweeper-'));
    store = await SqliteStore.open({
      path: join(dir, 'heron.db'),
      synchronous: 'NORMAL',
      readerThreads: 1,
    });
    log = new RecordingLog();
  });
  afterEach(async () => {
    await sweeper?.close();
    sweeper = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (from: number, to: number) => {
    let count = 0;
    for (let no = from; no <= to; no++) if (await store.getTrace(traceIdOf(no))) count++;
    return count;
  };

  it('sweeps batch after batch until nothing is due, and logs what it deleted', async () => {
    await store.insertSpans([...traces(1, 5, 10), ...traces(6, 7, 1)]);
    const calls: RetentionSweepOptions[] = [];
    const counting: SweepableStore = {
      sweepRetention: (options) => {
        calls.push(options);
        return store.sweepRetention(options);
      },
    };
    sweeper = new RetentionSweeper(counting, {
      intervalMs: 60_000,
      batchTraces: 2,
      defaultPolicy: SEVEN_DAYS,
      log,
      now: () => NOW,
    });
    assert.deepEqual(await sweeper.sweepNow(), {
      deletedTraces: 5,
      deletedSpans: 5,
      deletedSessions: 0,
      batches: 3,
    });
    assert.deepEqual(
      calls.map((c) => c.maxTraces),
      [2, 2, 2],
    );
    assert.ok(calls.every((c) => c.nowUnixNano === NOW && c.defaultPolicy === SEVEN_DAYS));
    assert.equal(await stored(1, 5), 0);
    assert.equal(await stored(6, 7), 2);
    assert.deepEqual(log.infos, [
      'retention: deleted 5 traces (5 spans, 0 emptied sessions) in 3 batches',
    ]);
    // Nothing due: one call, nothing logged.
    assert.deepEqual(await sweeper.sweepNow(), {
      deletedTraces: 0,
      deletedSpans: 0,
      deletedSessions: 0,
      batches: 1,
    });
    assert.equal(log.infos.length, 1);
  });

  it('sweeps at start and then every interval', async () => {
    await store.insertSpans(traces(1, 3, 10));
    sweeper = new RetentionSweeper(store, {
      intervalMs: 30,
      batchTraces: 100,
      defaultPolicy: SEVEN_DAYS,
      log,
    });
    sweeper.start();
    await until(async () => (await stored(1, 3)) === 0);
    // Traces that become due later are taken by a later run.
    await store.insertSpans(traces(4, 6, 8));
    await until(async () => (await stored(4, 6)) === 0);
    // The deletion is visible to readers a moment before the sweeper hears it committed.
    await until(() => log.infos.length >= 2);
    assert.match(log.infos.at(-1)!, /^retention: deleted 3 traces/);
    assert.deepEqual(log.errors, []);
  });

  it('logs a failed sweep and tries again on the next interval', async () => {
    await store.insertSpans(traces(1, 3, 10));
    let failures = 1;
    const flaky: SweepableStore = {
      sweepRetention: async (options): Promise<RetentionSweepResult> => {
        if (failures-- > 0) throw new Error('database is locked');
        return store.sweepRetention(options);
      },
    };
    sweeper = new RetentionSweeper(flaky, {
      intervalMs: 30,
      batchTraces: 100,
      defaultPolicy: SEVEN_DAYS,
      log,
    });
    sweeper.start();
    await until(async () => (await stored(1, 3)) === 0);
    assert.deepEqual(log.errors, [
      'retention sweep failed; trying again in 0.03 s: database is locked',
    ]);
    await sweeper.close();
    // A sweep asked for directly reports the error to its caller.
    failures = 1;
    sweeper = new RetentionSweeper(flaky, {
      intervalMs: 30,
      batchTraces: 100,
      defaultPolicy: SEVEN_DAYS,
      log,
    });
    await assert.rejects(sweeper.sweepNow(), /database is locked/);
    assert.equal(log.errors.length, 1, 'the caller reports it, not the log');
  });

  it('stops cleanly: close waits for the batch in flight, and nothing runs after', async () => {
    await store.insertSpans(traces(1, 4, 10));
    let calls = 0;
    let inFlight = false;
    const slow: SweepableStore = {
      sweepRetention: async (options) => {
        calls++;
        inFlight = true;
        await sleep(100);
        try {
          return await store.sweepRetention(options);
        } finally {
          inFlight = false;
        }
      },
    };
    sweeper = new RetentionSweeper(slow, {
      intervalMs: 10,
      batchTraces: 1,
      defaultPolicy: SEVEN_DAYS,
      log,
    });
    const running = sweeper.sweepNow();
    await until(() => inFlight);
    await sweeper.close();
    assert.equal(inFlight, false, 'the batch in flight finished before close resolved');
    const totals = await running;
    assert.equal(totals.batches, 1, 'no batch started after close');
    assert.equal(totals.deletedTraces, 1);
    const callsAtClose = calls;
    await sleep(50);
    assert.equal(calls, callsAtClose);
    await assert.rejects(sweeper.sweepNow(), /stopped/);
    sweeper.start();
    await sleep(30);
    assert.equal(calls, callsAtClose, 'start after close does nothing');
  });
});
