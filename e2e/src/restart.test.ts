/**
 * Durability across restarts: what Heron acknowledged is still there after SIGTERM (a clean
 * drain, exit code 0) and after SIGKILL (acknowledgement means committed), and a request is
 * stored whole or not at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { listAllSpans, listTraces, type SpanJson } from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import { protobufBody, simpleTrace, spanKeys, type SpanSpec } from './support/synthetic-spans.js';

const PROJECT = 'durable';
const EXIT_GRACE_MS = 15_000;

function keysOf(spans: SpanJson[]): string[] {
  return spans.map((s) => `${s.context.trace_id}/${s.context.span_id}`).sort();
}

/** One request per trace of `spansPerRequest` spans; resolves true when acknowledged (200). */
async function sendTrace(heron: HeronProcess, specs: SpanSpec[]): Promise<boolean> {
  try {
    const response = await postOtlp(heron.baseUrl, protobufBody(specs), {
      contentType: PROTOBUF,
      headers: { 'x-project-name': PROJECT },
    });
    return response.status === 200;
  } catch {
    return false; // the connection died with the server
  }
}

function traces(count: number, spansPerTrace: number): SpanSpec[][] {
  return Array.from({ length: count }, () =>
    simpleTrace(spansPerTrace - 1, { 'input.value': 'durable '.repeat(20) }),
  );
}

/** Every request is either entirely stored or entirely absent. */
function assertWholeOrNothing(requests: SpanSpec[][], stored: Set<string>): void {
  for (const specs of requests) {
    const present = spanKeys(specs).filter((key) => stored.has(key)).length;
    assert.ok(present === 0 || present === specs.length, `${present}/${specs.length} of a request`);
  }
}

test('SIGTERM: exit code 0, and all 2,000 acknowledged spans are there after a restart', async () => {
  const first = await spawnHeron();
  const requests = traces(20, 100);
  try {
    for (let i = 0; i < requests.length; i += 4) {
      const acks = await Promise.all(requests.slice(i, i + 4).map((r) => sendTrace(first, r)));
      assert.deepEqual(acks, [true, true, true, true]);
    }
  } finally {
    assert.equal(await first.stop('SIGTERM'), 0, first.output());
  }

  const second = await spawnHeron({ workingDir: first.workingDir });
  try {
    const stored = keysOf(await listAllSpans(second.baseUrl));
    assert.equal(stored.length, 2000);
    assert.deepEqual(stored, spanKeys(requests.flat()));
    const rollups = await listTraces(second.baseUrl, PROJECT);
    assert.equal(rollups.length, 20);
    for (const trace of rollups) assert.equal(trace.span_count, 100);
  } finally {
    assert.equal(await second.stop(), 0);
  }
});

test('SIGTERM with requests in flight: drains, exits 0, every acknowledged request kept', async () => {
  const first = await spawnHeron();
  const requests = traces(30, 50);
  let acknowledged: boolean[];
  let exitCode: number | null | string;
  try {
    const sends = requests.map((r) => sendTrace(first, r));
    await Promise.race(sends);
    const exited = first.stop('SIGTERM');
    acknowledged = await Promise.all(sends);
    // Draining means finishing the requests in flight, not waiting for clients to hang up
    // their idle keep-alive connections (orchestrators SIGKILL after a grace period, often 30 s).
    exitCode = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), EXIT_GRACE_MS)),
    ]);
  } finally {
    await first.stop('SIGKILL');
  }
  assert.ok(acknowledged.some(Boolean));

  const second = await spawnHeron({ workingDir: first.workingDir });
  try {
    const stored = new Set(keysOf(await listAllSpans(second.baseUrl)));
    requests.forEach((specs, i) => {
      if (acknowledged[i]) for (const key of spanKeys(specs)) assert.ok(stored.has(key), key);
    });
    assertWholeOrNothing(requests, stored);
  } finally {
    await second.stop();
  }
  assert.equal(exitCode, 0, `exit code ${EXIT_GRACE_MS} ms after the last answer`);
});

test('SIGKILL right after the last acknowledgement loses nothing acknowledged', async () => {
  const first = await spawnHeron();
  const requests = traces(10, 100);
  try {
    for (const specs of requests) assert.ok(await sendTrace(first, specs));
  } finally {
    // No grace period: the process dies with whatever it had not yet made durable.
    await first.stop('SIGKILL');
  }

  const second = await spawnHeron({ workingDir: first.workingDir });
  try {
    assert.deepEqual(keysOf(await listAllSpans(second.baseUrl)), spanKeys(requests.flat()));
  } finally {
    await second.stop();
  }
});

test('SIGKILL in the middle of concurrent requests: acknowledged ones whole, none half', async () => {
  const first = await spawnHeron();
  const requests = traces(40, 50);
  const acknowledged: boolean[] = new Array(requests.length).fill(false);
  try {
    let acks = 0;
    let killed: Promise<number | null> | undefined;
    await Promise.all(
      requests.map(async (specs, i) => {
        acknowledged[i] = await sendTrace(first, specs);
        if (acknowledged[i] && ++acks === 10) killed = first.stop('SIGKILL');
      }),
    );
    await killed;
  } finally {
    await first.stop('SIGKILL');
  }
  assert.ok(acknowledged.filter(Boolean).length >= 10);

  const second = await spawnHeron({ workingDir: first.workingDir });
  try {
    const stored = new Set(keysOf(await listAllSpans(second.baseUrl)));
    requests.forEach((specs, i) => {
      if (acknowledged[i]) for (const key of spanKeys(specs)) assert.ok(stored.has(key), key);
    });
    assertWholeOrNothing(requests, stored);
  } finally {
    await second.stop();
  }
});
