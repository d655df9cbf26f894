/**
 * The PostgreSQL samplers of the ingest benchmark, against the real server: the backend serving
 * a connection of this process is found through this process's socket, its CPU is counted, and
 * what it waits on is seen in pg_stat_activity.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectClient } from '../../packages/server/dist/store/postgres/postgres-connection.js';
import {
  TEST_DATABASE_URL,
  postgresUnavailable,
} from '../../packages/server/dist/store/postgres/postgres-test-database.js';
import { PostgresCpuSampler } from './postgres-cpu-sampler.js';
import { PostgresWaitSampler } from './postgres-wait-sampler.js';

const skip = await postgresUnavailable();

describe('PostgreSQL samplers', { skip }, () => {
  it('count the CPU of the backend serving this process', async (t) => {
    const client = await connectClient(TEST_DATABASE_URL);
    t.after(() => client.end());
    const sampler = new PostgresCpuSampler(TEST_DATABASE_URL, [process.pid]);
    sampler.start();
    // About a second of pure backend CPU (longer on a busy machine).
    await client.query('SELECT count(*) FROM generate_series(1, 20000000)');
    const cpu = await sampler.stop();
    if (cpu.processes === 0) {
      t.skip('PostgreSQL does not run on this machine: its processes are not in /proc');
      return;
    }
    assert.equal(cpu.serverBackends, 1, 'exactly the one backend of this connection');
    assert.ok(cpu.serverBackendsCores > 0.05, `backend CPU ${cpu.serverBackendsCores} cores`);
    assert.ok(cpu.allCores >= cpu.serverBackendsCores, 'all postgres processes include it');
  });

  it('see what the backend waits on, and nothing of other connections', async (t) => {
    const client = await connectClient(TEST_DATABASE_URL);
    t.after(() => client.end());
    const sampler = new PostgresWaitSampler(TEST_DATABASE_URL, [process.pid]);
    await sampler.start();
    await client.query('SELECT pg_sleep(1)');
    const waits = await sampler.stop();
    assert.ok(waits.observations > 0, 'sampled');
    const sleeping = waits.busy.find((s) => s.state === 'waiting: Timeout PgSleep');
    assert.ok(sleeping && sleeping.share > 0.5, JSON.stringify(waits));
    // Only the sleeping connection is sampled, not the sampler's own (which is always running
    // when it samples); the sleeper may be caught just starting or ending its statement.
    assert.ok(
      waits.busy.every((s) => s.state === 'waiting: Timeout PgSleep' || /^running/.test(s.state)),
      JSON.stringify(waits.busy),
    );
    const running = waits.busy.find((s) => /^running/.test(s.state))?.share ?? 0;
    assert.ok(running < 0.5, `the sampler's own backend is not counted: ${JSON.stringify(waits)}`);
  });
});
