/**
 * Crash safety under load: a client sends traces concurrently (each trace split over two
 * requests, so rollups are built from separate commits), records every acknowledged request,
 * and the server is SIGKILLed several times at random moments (fixed seed) and restarted on the
 * same data. Unacknowledged requests are sent again after each restart, as an OTLP exporter
 * retries. At the end every acknowledged span is stored exactly once and every trace's rollup
 * matches its stored spans. Runs on SQLite, and on PostgreSQL in `npm run test:e2e:postgres`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { listAllSpans, listTraces } from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import { SeededRandom } from './support/seeded-random.js';
import { protobufBody, simpleTrace, spanKeys, type SpanSpec } from './support/synthetic-spans.js';

const SEED = Number(process.env['HERON_CRASH_SEED'] ?? 20_240_611);
const KILLS = 4;
const CONCURRENCY = 6;
const PROJECT = 'crash-safety';

interface Request {
  specs: SpanSpec[];
  acknowledged: boolean;
}

async function send(heron: HeronProcess, request: Request): Promise<void> {
  try {
    const response = await postOtlp(heron.baseUrl, protobufBody(request.specs), {
      contentType: PROTOBUF,
      headers: { 'x-project-name': PROJECT },
    });
    if (response.status === 200) request.acknowledged = true;
  } catch {
    // the connection died with the server: not acknowledged, will be resent
  }
}

/** Sends pending requests with CONCURRENCY workers until `stop` says so or none are left. */
async function sendUntil(heron: HeronProcess, pending: Request[], stop: () => boolean) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (!stop() && next < pending.length) await send(heron, pending[next++]!);
    }),
  );
}

test(`SIGKILL ${KILLS} times under load (seed ${SEED}): acknowledged spans stored exactly once`, async () => {
  const random = new SeededRandom(SEED);
  const requests: Request[] = [];
  for (let t = 0; t < 240; t++) {
    const trace = simpleTrace(random.int(3, 19), { 'input.value': 'crash '.repeat(10) });
    const cut = random.int(1, trace.length - 1);
    requests.push({ specs: trace.slice(0, cut), acknowledged: false });
    requests.push({ specs: trace.slice(cut), acknowledged: false });
  }
  // Interleave the halves of different traces, as independent exporters would.
  for (let i = requests.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [requests[i], requests[j]] = [requests[j]!, requests[i]!];
  }
  const roundSize = Math.ceil(requests.length / (KILLS + 1));
  let heron = await spawnHeron();
  const workingDir = heron.workingDir;
  try {
    for (let round = 0; round < KILLS; round++) {
      // The new round's requests plus every one not yet acknowledged (the exporter's retries).
      const pending = requests
        .slice(0, (round + 1) * roundSize)
        .filter((request) => !request.acknowledged);
      let killed = false;
      const killAfterMs = random.int(150, 900);
      const killer = new Promise<void>((resolve) =>
        setTimeout(() => {
          killed = true;
          void heron.stop('SIGKILL').then(() => resolve());
        }, killAfterMs),
      );
      await sendUntil(heron, pending, () => killed);
      await killer;
      heron = await spawnHeron({ workingDir });
    }
    // Last round, no kill: everything still unacknowledged is sent until it is.
    for (let attempt = 0; attempt < 3; attempt++) {
      await sendUntil(
        heron,
        requests.filter((request) => !request.acknowledged),
        () => false,
      );
    }
    assert.ok(
      requests.every((request) => request.acknowledged),
      'every request is eventually acknowledged',
    );

    const stored = await listAllSpans(heron.baseUrl);
    const counts = new Map<string, number>();
    for (const span of stored) {
      const key = `${span.context.trace_id}/${span.context.span_id}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const expected = spanKeys(requests.flatMap((request) => request.specs));
    assert.equal(stored.length, expected.length, 'no span lost, none stored twice');
    for (const key of expected) assert.equal(counts.get(key), 1, `${key} stored once`);

    const spansPerTrace = new Map<string, number>();
    for (const span of stored) {
      const id = span.context.trace_id;
      spansPerTrace.set(id, (spansPerTrace.get(id) ?? 0) + 1);
    }
    const traces = await listTraces(heron.baseUrl, PROJECT);
    assert.equal(traces.length, spansPerTrace.size);
    for (const trace of traces) {
      assert.equal(
        trace.span_count,
        spansPerTrace.get(trace.trace_id),
        `rollup of ${trace.trace_id}`,
      );
      assert.notEqual(trace.root_span_id, null, 'the root arrived in one of the two halves');
    }
  } catch (error) {
    console.error(`crash-safety failed with seed ${SEED} (rerun: HERON_CRASH_SEED=${SEED})`);
    throw error;
  } finally {
    await heron.stop();
  }
});
