/**
 * The database goes away while spans arrive: PostgreSQL is stopped and started again during
 * ingestion; SQLite's disk fills up and is then given room. Meanwhile ingestion answers 503 with
 * Retry-After (gRPC UNAVAILABLE) — never 500, never a hang — reads answer 503 with a clear
 * message, and once the database is back Heron serves again by itself, without a restart, with
 * every acknowledged span stored.
 *
 * Both tests bring their own database (a private PostgreSQL server; a small tmpfs for SQLite),
 * so they never disturb the shared PostgreSQL that other tests use, and run once, in the SQLite
 * pass of the e2e suite (the PostgreSQL pass skips them: they would test the same thing).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  freePort,
  spawnHeron,
  type HeronProcess,
} from '../../packages/server/dist/testing/spawn-heron.js';
import { listAllSpans } from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import { createPrivatePostgres, postgresBinDir } from './support/private-postgres.js';
import { protobufBody, simpleTrace, spanKeys } from './support/synthetic-spans.js';

const onPostgresPass = process.env['HERON_E2E_DATABASE_URL'] !== undefined;

/** Sends traces one after another until stopped, recording the acknowledged ones. */
function startSending(heron: HeronProcess, payload = 'outage ') {
  const acknowledged: string[] = [];
  const statuses = new Map<number, number>();
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const specs = simpleTrace(4, { 'input.value': payload });
      const started = Date.now();
      const response = await postOtlp(heron.baseUrl, protobufBody(specs), {
        contentType: PROTOBUF,
      });
      assert.ok(Date.now() - started < 15_000, 'an export is answered, not left hanging');
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) acknowledged.push(...spanKeys(specs));
      else {
        assert.equal(response.status, 503, `ingestion during an outage: ${response.body}`);
        assert.ok(response.headers.get('retry-after'), '503 carries Retry-After');
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    acknowledged,
    statuses,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function grpcExport(heron: HeronProcess): Promise<grpc.status> {
  const client = new grpc.Client(`127.0.0.1:${heron.grpcPort}`, grpc.credentials.createInsecure());
  const identity = (b: Buffer) => b;
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      identity,
      identity,
      protobufBody(simpleTrace(1)),
      new grpc.Metadata(),
      { deadline: Date.now() + 15_000 },
      (error) => {
        client.close();
        resolve(error ? (error.code ?? grpc.status.UNKNOWN) : grpc.status.OK);
      },
    ),
  );
}

const pgBin = postgresBinDir();

test(
  'PostgreSQL stopped and started during ingestion: 503s, clear read errors, recovery by itself',
  { skip: onPostgresPass || (!pgBin && !process.env['CI']) ? 'needs its own PostgreSQL' : false },
  async () => {
    const postgres = createPrivatePostgres(pgBin!, await freePort());
    let heron: HeronProcess | undefined;
    try {
      heron = await spawnHeron({ env: { HERON_SQL_DATABASE_URL: postgres.url } });
      const sender = startSending(heron);
      await until('spans are acknowledged', async () => sender.acknowledged.length > 20);

      postgres.stop();
      await until('ingestion answers 503', async () => (sender.statuses.get(503) ?? 0) > 2);
      const read = await fetch(`${heron.baseUrl}/v1/projects/default/spans`);
      assert.equal(read.status, 503);
      assert.ok(read.headers.get('retry-after'));
      assert.match(
        ((await read.json()) as { message: string }).message,
        /database is unavailable right now/,
      );
      assert.equal((await fetch(`${heron.baseUrl}/readyz`)).status, 503);
      assert.equal(await grpcExport(heron), grpc.status.UNAVAILABLE);

      postgres.start();
      const ackedBefore = sender.acknowledged.length;
      await until(
        'ingestion works again',
        async () => sender.acknowledged.length > ackedBefore + 20,
      );
      await sender.stop();
      assert.equal((await fetch(`${heron.baseUrl}/v1/projects/default/spans`)).status, 200);
      assert.equal(await grpcExport(heron), grpc.status.OK);
      assert.deepEqual([...sender.statuses.keys()].sort(), [200, 503]);

      const stored = new Set(
        (await listAllSpans(heron.baseUrl)).map(
          (s) => `${s.context.trace_id}/${s.context.span_id}`,
        ),
      );
      for (const key of sender.acknowledged) assert.ok(stored.has(key), `acknowledged ${key}`);
      assert.ok(heron.child.exitCode === null, 'the same server process throughout');
    } finally {
      await heron?.stop();
      postgres.destroy();
    }
  },
);

test(
  'SQLite on a full disk: 503 while full, recovery once there is room, nothing acknowledged lost',
  {
    skip:
      onPostgresPass || userInfo().uid !== 0
        ? 'needs root to mount a small tmpfs (SQLite pass)'
        : false,
  },
  async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'heron-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]);
    let heron: HeronProcess | undefined;
    try {
      mkdirSync(join(mountPoint, 'heron'));
      heron = await spawnHeron({ workingDir: join(mountPoint, 'heron') });
      const sender = startSending(heron, 'fill the disk '.repeat(500));
      await until('the disk is full', async () => (sender.statuses.get(503) ?? 0) > 3);
      const health = await fetch(`${heron.baseUrl}/v1/projects/default/spans?limit=1`);
      assert.ok([200, 503].includes(health.status), 'reads answer or report the outage');

      execFileSync('mount', ['-o', 'remount,size=64m', mountPoint]);
      const ackedBefore = sender.acknowledged.length;
      await until(
        'ingestion works again',
        async () => sender.acknowledged.length > ackedBefore + 5,
      );
      await sender.stop();
      assert.deepEqual([...sender.statuses.keys()].sort(), [200, 503]);
      assert.match(heron.output(), /database or disk is full|disk I\/O error/);

      const stored = new Set(
        (await listAllSpans(heron.baseUrl)).map(
          (s) => `${s.context.trace_id}/${s.context.span_id}`,
        ),
      );
      for (const key of sender.acknowledged) assert.ok(stored.has(key), `acknowledged ${key}`);
    } finally {
      await heron?.stop();
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  },
);
