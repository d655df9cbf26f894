/**
 * A real PostgreSQL streaming replica behind HERON_SQL_DATABASE_READ_REPLICA_URL (runs in the
 * PostgreSQL e2e pass when a replica answers; `.ci/run` sets one up on port 5433): ingestion goes
 * to the primary, lists are served by the replica once it has replayed the writes, point lookups
 * by id see a write at once (they stay on the primary).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { getJson, listTraces } from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import { protobufBody, simpleTrace } from './support/synthetic-spans.js';

const databaseUrl = process.env['HERON_E2E_DATABASE_URL'];
const replicaUrl = process.env['HERON_E2E_REPLICA_URL'];
const skip =
  databaseUrl && replicaUrl
    ? false
    : 'runs in the PostgreSQL e2e pass with a replica (HERON_E2E_REPLICA_URL)';

let heron: HeronProcess | undefined;
let replica: pg.Client | undefined;

before(async () => {
  if (skip) return;
  replica = new pg.Client({ connectionString: replicaUrl, application_name: 'e2e-replica-check' });
  await replica.connect();
  heron = await spawnHeron({ env: { HERON_SQL_DATABASE_READ_REPLICA_URL: replicaUrl! } });
});

after(async () => {
  await heron?.stop();
  await replica?.end();
});

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test(
  'lists come from the replica, writes and lookups by id from the primary',
  { skip },
  async () => {
    const inRecovery = await replica!.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    assert.equal(inRecovery.rows[0]!.r, true, 'HERON_E2E_REPLICA_URL must point at a standby');

    const spans = simpleTrace(2, {}, BigInt(Date.now()) * 1_000_000n);
    const traceId = spans[0]!.traceId;
    const sent = await postOtlp(
      heron!.baseUrl,
      protobufBody(spans, {
        resourceAttributes: { 'openinference.project.name': 'replicated' },
      }),
      {
        contentType: PROTOBUF,
      },
    );
    assert.equal(sent.status, 200);

    // A lookup by id right after the acknowledgement: the primary answers.
    const trace = await getJson<{ data: { trace_id: string; span_count: number } }>(
      `${heron!.baseUrl}/v1/traces/${traceId}`,
    );
    assert.equal(trace.status, 200);
    assert.equal(trace.body.data.span_count, 3);

    // The list is read on the replica: it shows the trace once the replica has replayed it
    // (until then the project may not even exist there).
    const listed = await eventually(
      () => listTraces(heron!.baseUrl, 'replicated').catch(() => []),
      (traces) => traces.length === 1,
    );
    assert.deepEqual(
      listed.map((t) => t.trace_id),
      [traceId],
    );

    // Heron's connections on the standby: the long-reads pool lives there.
    const sessions = await replica!.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = 'heron'`,
    );
    assert.ok(Number(sessions.rows[0]!.n) > 0, 'Heron reads from the replica');
  },
);
