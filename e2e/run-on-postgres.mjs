// Runs the whole e2e suite with every test server on PostgreSQL (HERON_E2E_DATABASE_URL, default
// the local test database), then drops the schemas the servers made. Without a PostgreSQL server
// it says so and exits 0, unless CI is set: CI must run both backends.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const url = process.env.HERON_E2E_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
} catch (error) {
  const message = `e2e on PostgreSQL: no server at ${url} (${error.message})`;
  if (process.env.CI) {
    console.error(`${message}; CI must run it: start PostgreSQL or set HERON_E2E_DATABASE_URL`);
    process.exit(1);
  }
  console.error(`${message}: skipped`);
  process.exit(0);
}
// A streaming replica of that server for the read-replica test (.ci/run makes one on 5433).
const replicaUrl = process.env.HERON_E2E_REPLICA_URL ?? 'postgresql://postgres@127.0.0.1:5433/test';
const replica = new pg.Client({ connectionString: replicaUrl, connectionTimeoutMillis: 5000 });
let replicaEnv = {};
try {
  await replica.connect();
  const { rows } = await replica.query('SELECT pg_is_in_recovery() AS standby');
  if (!rows[0].standby) throw new Error('it is not a standby');
  replicaEnv = { HERON_E2E_REPLICA_URL: replicaUrl };
} catch (error) {
  const message = `e2e on PostgreSQL: no read replica at ${replicaUrl} (${error.message})`;
  if (process.env.CI) {
    console.error(`${message}; CI must test it: see .ci/run, or set HERON_E2E_REPLICA_URL`);
    process.exit(1);
  }
  console.error(`${message}: the read-replica test is skipped`);
} finally {
  await replica.end().catch(() => {});
}
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', 'e2e/dist'], {
  stdio: 'inherit',
  env: { ...process.env, HERON_E2E_DATABASE_URL: url, ...replicaEnv },
});
const schemas = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'e2e\\_%'");
for (const { nspname } of schemas.rows) {
  await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
}
await client.end();
process.exit(run.status ?? 1);
