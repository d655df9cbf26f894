/**
 * Retention on PostgreSQL with two nodes: both sweep the same database while both ingest new
 * traces into the sessions the old traces share. Every old trace is deleted exactly once
 * (the counts add up), nothing new is touched, no step fails, and every remaining trace and
 * session rollup is what the definition gives for the new spans alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanRecord } from '../../spans/span-record.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { NANOS_PER_DAY, type RetentionSweepResult } from '../retention-policy.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema, postgresUnavailable } from './postgres-test-database.js';
import { randomBatches, randomTraces, seededRandom, shuffle } from './random-trace-workload.js';
import { expectedRollups, postgresSnapshot } from './rollup-snapshot.js';

const skip = await postgresUnavailable();

const workload = (seed: number, prefix: string): SpanRecord[] =>
  randomTraces({
    seed,
    traces: 90,
    tracePrefix: prefix,
    projects: ['north', 'south'],
    // Few sessions: old and new traces keep meeting in one.
    sessionsPerProject: 3,
    maxSpansPerTrace: 6,
  });

describe('PostgreSQL retention sweeps on two nodes at once', { skip }, () => {
  it('delete each due trace once, beside live ingestion, leaving exact rollups', async () => {
    const db = await createTestSchema();
    try {
      const nodes = [new PostgresStore(db.newPool()), new PostgresStore(db.newPool())];
      const old = workload(31, 'a1').map((span) => ({
        ...span,
        startTimeUnixNano: span.startTimeUnixNano - 30n * NANOS_PER_DAY,
        endTimeUnixNano: span.endTimeUnixNano - 30n * NANOS_PER_DAY,
      }));
      const fresh = workload(32, 'b2');
      for (const batch of randomBatches(old, 40, seededRandom(1)))
        await nodes[0]!.insertSpans(batch);

      const options = {
        maxTraces: 7,
        defaultPolicy: { maxAgeDays: 7, maxTraces: null },
        nowUnixNano: BASE_TIME + NANOS_PER_DAY,
      };
      const sweepUntilDone = async (node: PostgresStore) => {
        const results: RetentionSweepResult[] = [];
        for (;;) {
          const result = await node.sweepRetention(options);
          assert.ok(result.deletedTraces <= options.maxTraces, 'batch bound');
          results.push(result);
          if (!result.more) return results;
        }
      };
      const ingest = async (node: PostgresStore, spans: SpanRecord[], seed: number) => {
        const batches = randomBatches(shuffle(spans, seededRandom(seed)), 8, seededRandom(seed));
        let next = 0;
        await Promise.all(
          [0, 1, 2].map(async () => {
            while (next < batches.length) await node.insertSpans(batches[next++]!);
          }),
        );
      };
      const half = Math.floor(fresh.length / 2);
      const [sweptA, sweptB] = await Promise.all([
        sweepUntilDone(nodes[0]!),
        sweepUntilDone(nodes[1]!),
        ingest(nodes[0]!, fresh.slice(0, half), 5),
        ingest(nodes[1]!, fresh.slice(half), 6),
      ]);
      const results = [...sweptA!, ...sweptB!];
      const oldTraces = new Set(old.map((span) => span.traceId)).size;
      const total = (key: 'deletedTraces' | 'deletedSpans') =>
        results.reduce((sum, result) => sum + result[key], 0);
      assert.equal(total('deletedTraces'), oldTraces, 'every old trace deleted exactly once');
      assert.equal(total('deletedSpans'), old.length);
      assert.ok(sweptA!.length > 1 && sweptB!.length > 1, 'both nodes swept');
      assert.equal((await nodes[1]!.sweepRetention(options)).deletedTraces, 0);

      const expected = expectedRollups(fresh);
      const actual = await postgresSnapshot(db.pool);
      assert.equal(actual.spans.length, fresh.length, 'only the new spans are left');
      assert.deepEqual(actual.traces, expected.traces);
      assert.deepEqual(actual.sessions, expected.sessions, 'sessions exact, none left empty');
    } finally {
      await db.drop();
    }
  });

  it('skip traces a writer holds, and take turns with another sweeper', async () => {
    const db = await createTestSchema();
    const holder = await db.pool.connect();
    try {
      const store = new PostgresStore(db.newPool());
      const old = (no: number) =>
        spanRecord({
          projectName: 'held',
          traceId: traceIdOf(no),
          spanId: spanIdOf(no),
          startTimeUnixNano: BASE_TIME - 30n * NANOS_PER_DAY,
        });
      await store.insertSpans([old(1), old(2), old(3)]);
      const options = {
        maxTraces: 10,
        defaultPolicy: { maxAgeDays: 7, maxTraces: null },
        nowUnixNano: BASE_TIME,
      };
      const within = <T>(promise: Promise<T>, ms: number) =>
        Promise.race([
          promise,
          sleep(ms).then(() => Promise.reject(new Error(`still waiting after ${ms} ms`))),
        ]);

      // A span batch of trace 2 in progress holds its row, as the span writer does.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM traces WHERE trace_id = $1 FOR NO KEY UPDATE', [
        traceIdOf(2),
      ]);
      const first = await within(store.sweepRetention(options), 5_000);
      assert.equal(first.deletedTraces, 2, 'the held trace is skipped, not waited for');
      assert.ok(await store.getTrace(traceIdOf(2)));
      await holder.query('ROLLBACK');
      assert.equal((await store.sweepRetention(options)).deletedTraces, 1);

      // Another node's sweep step holds the retention lock: this one waits its turn.
      await store.insertSpans([old(4)]);
      await holder.query('BEGIN');
      await holder.query(
        `SELECT pg_advisory_xact_lock($1::int, 'retention_policies'::regclass::oid::int)`,
        [0x48526574],
      );
      const waiting = store.sweepRetention(options);
      await assert.rejects(within(waiting, 300), /still waiting/);
      await holder.query('COMMIT');
      assert.equal((await within(waiting, 5_000)).deletedTraces, 1);
    } finally {
      holder.release();
      await db.drop();
    }
  });
});
