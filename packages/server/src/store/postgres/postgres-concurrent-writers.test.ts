/**
 * Two writers (two pools: two "nodes") ingest one interleaved workload into one database at the
 * same time — traces split across both, spans sent to both, children before parents, sessions
 * shared by traces that different writers hold — and every rollup must come out as the
 * definition gives it for the full set of spans.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanRecord } from '../../spans/span-record.js';
import { BASE_TIME, spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { PostgresSpanWriter } from './postgres-span-writer.js';
import { createTestSchema, postgresUnavailable } from './postgres-test-database.js';
import { randomBatches, randomTraces, seededRandom, shuffle } from './random-trace-workload.js';
import { expectedRollups, postgresSnapshot } from './rollup-snapshot.js';

const MS = 1_000_000n;
const skip = await postgresUnavailable();

/** Runs the batches through the writer, `lanes` at a time (like concurrent OTLP requests). */
async function ingest(writer: PostgresSpanWriter, batches: SpanRecord[][], lanes: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < batches.length) await writer.insertSpans(batches[next++]!);
    }),
  );
}

describe('PostgreSQL span writers on two nodes at once', { skip }, () => {
  it('produce exactly the rollups of the full span set', async (t) => {
    const db = await createTestSchema();
    try {
      const writers = [new PostgresSpanWriter(db.newPool()), new PostgresSpanWriter(db.newPool())];
      const all: SpanRecord[] = [];
      for (const seed of [11, 12, 13, 14]) {
        const random = seededRandom(seed * 104_729);
        const spans = randomTraces({
          seed,
          traces: 60,
          tracePrefix: `d${seed}`,
          projects: ['north', 'south'],
          // Few sessions, so traces held by different writers keep meeting in one session.
          sessionsPerProject: 3,
          maxSpansPerTrace: 8,
        });
        all.push(...spans);
        // Each span goes to node A, node B, or both (an exporter retry landing elsewhere).
        const perNode: SpanRecord[][] = [[], []];
        for (const span of spans) {
          const r = random();
          if (r < 0.8) perNode[r < 0.4 ? 0 : 1]!.push(span);
          else for (const node of perNode) node.push(span);
        }
        // Shuffled (children before parents, traces interleaved), in batches of 1–10.
        await Promise.all(
          writers.map((writer, i) =>
            ingest(writer, randomBatches(shuffle(perNode[i]!, random), 10, random), 3),
          ),
        );
      }
      t.diagnostic(
        `retries after deadlock/serialization failure: ${writers[0]!.retries + writers[1]!.retries}`,
      );

      const expected = expectedRollups(all);
      const actual = await postgresSnapshot(db.pool);
      assert.equal(actual.spans.length, all.length, 'every span stored once');
      assert.equal(actual.traces.length, expected.traces.length);
      for (let i = 0; i < expected.traces.length; i++) {
        assert.deepEqual(
          actual.traces[i],
          expected.traces[i],
          `trace ${expected.traces[i]!.traceId}`,
        );
      }
      assert.deepEqual(actual.sessions, expected.sessions, 'every session rollup, none left empty');
      assert.deepEqual(actual.projects, ['north', 'south']);
    } finally {
      await db.drop();
    }
  });

  it('agree when both nodes send the whole of one trace at the same time, many times', async () => {
    const db = await createTestSchema();
    try {
      const writers = [new PostgresSpanWriter(db.newPool()), new PostgresSpanWriter(db.newPool())];
      const spans = randomTraces({
        seed: 99,
        traces: 6,
        tracePrefix: 'e',
        projects: ['one'],
        sessionsPerProject: 1,
        maxSpansPerTrace: 12,
      });
      const random = seededRandom(4242);
      for (let round = 0; round < 10; round++) {
        await Promise.all(
          writers.map((writer) =>
            Promise.all(
              randomBatches(shuffle(spans, random), 4, random).map((b) => writer.insertSpans(b)),
            ),
          ),
        );
      }
      const expected = expectedRollups(spans);
      const actual = await postgresSnapshot(db.pool);
      assert.equal(actual.spans.length, spans.length);
      assert.deepEqual(actual.traces, expected.traces);
      assert.deepEqual(actual.sessions, expected.sessions);
    } finally {
      await db.drop();
    }
  });

  it('agree on a session whose two new traces arrive at the two nodes at the same moment', async () => {
    // Each session exists (one trace), then gets two more traces, one per node, at once: two
    // transactions recompute its rollup concurrently, and as no later batch touches it, a lost
    // update would show.
    const db = await createTestSchema();
    try {
      const writers = [new PostgresSpanWriter(db.newPool()), new PostgresSpanWriter(db.newPool())];
      const spans: SpanRecord[] = [];
      const sessionSpan = (s: number, i: number) =>
        spanRecord({
          projectName: 'trios',
          traceId: traceIdOf(0xa0000 + s * 3 + i),
          spanId: spanIdOf(s * 3 + i + 1),
          sessionId: `trio-${s}`,
          startTimeUnixNano: BASE_TIME + BigInt(s * 1000 + i * 10) * MS,
          endTimeUnixNano: BASE_TIME + BigInt(s * 1000 + i * 10 + 5) * MS,
        });
      for (let s = 0; s < 60; s++) {
        const [first, ...pair] = [0, 1, 2].map((i) => sessionSpan(s, i));
        spans.push(first!, ...pair);
        await writers[s % 2]!.insertSpans([first!]);
        await Promise.all(pair.map((span, i) => writers[i]!.insertSpans([span])));
      }
      const expected = expectedRollups(spans);
      const actual = await postgresSnapshot(db.pool);
      assert.deepEqual(actual.sessions, expected.sessions);
      assert.deepEqual(actual.traces, expected.traces);
    } finally {
      await db.drop();
    }
  });
});
