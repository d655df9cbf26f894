/**
 * Graceful shutdown within a bound: SIGTERM with nothing pending exits 0 at once and says so;
 * a request that never completes (a client that stalls mid-body) cannot hold the process past
 * HERON_SHUTDOWN_TIMEOUT_SECONDS: it exits 1 and says what was left. (restart.test.ts checks
 * that a drain under load keeps every acknowledged span.)
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { spawnHeron } from '../../packages/server/dist/testing/spawn-heron.js';

test('SIGTERM with nothing in flight: exit 0 quickly, "shutdown complete" logged', async () => {
  const heron = await spawnHeron({ env: { HERON_LOG_LEVEL: 'info' } });
  const started = Date.now();
  assert.equal(await heron.stop('SIGTERM'), 0);
  assert.ok(Date.now() - started < 5000);
  assert.match(heron.output(), /shutdown complete/);
});

test('a stalled request cannot hold shutdown past HERON_SHUTDOWN_TIMEOUT_SECONDS', async () => {
  const heron = await spawnHeron({ env: { HERON_SHUTDOWN_TIMEOUT_SECONDS: '2' } });
  // Headers and half of the announced body, then silence.
  const socket = connect(heron.httpPort, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(
    'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n' +
      'Content-Length: 1000\r\n\r\n' +
      'x'.repeat(10),
  );
  socket.on('error', () => {});
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  const code = await heron.stop('SIGTERM');
  const took = Date.now() - started;
  socket.destroy();
  assert.equal(code, 1, heron.output());
  assert.ok(took >= 1900 && took < 8000, `exited after ${took} ms`);
  assert.match(heron.output(), /did not finish within 2 s.*1 HTTP request\(s\) unanswered/);
});
