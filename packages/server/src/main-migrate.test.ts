/** `heron migrate` (SQLite and PostgreSQL) and `heron serve` refusing a PostgreSQL URL, as a user runs them. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listPostgresMigrations } from './store/postgres/postgres-migrations.js';
import {
  dropSchema,
  postgresUnavailable,
  TEST_DATABASE_URL,
  testSchemaName,
} from './store/postgres/postgres-test-database.js';
import { listMigrations } from './store/sqlite/sqlite-migrations.js';

const mainPath = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function heron(args: string[], env: Record<string, string> = {}): Promise<Run> {
  // The caller's database settings must not leak into these runs.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(HERON|PHOENIX)_(SQL_DATABASE|POSTGRES)_/.test(key),
    ),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [mainPath, ...args],
      { env: { ...base, HERON_LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('heron migrate', () => {
  it('migrates the SQLite database in the working directory, then finds nothing to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heron-migrate-'));
    try {
      const first = await heron(['migrate', '--working-dir', dir]);
      assert.equal(first.code, 0, first.stderr);
      for (const migration of listMigrations()) {
        assert.match(first.stdout, new RegExp(`applying migration ${migration.name}`));
      }
      assert.match(first.stdout, new RegExp(`applied ${listMigrations().length} migrations`));
      const second = await heron(['migrate'], { HERON_WORKING_DIR: dir });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /up to date/);
      assert.doesNotMatch(second.stdout, /applying/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to do when PostgreSQL cannot be reached, without showing the password', async () => {
    const run = await heron([
      'migrate',
      '--database-url',
      'postgresql://heron:s3cret@127.0.0.1:1/x',
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /cannot connect to PostgreSQL at postgresql:\/\/heron:\*\*\*@127\.0\.0\.1:1\/x/,
    );
    assert.match(run.stderr, /Check that PostgreSQL is running/);
    assert.doesNotMatch(run.stderr + run.stdout, /s3cret/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});

describe('heron migrate on PostgreSQL', { skip: await postgresUnavailable() }, () => {
  it('applies each migration once, printing each, in the configured schema', async () => {
    const schema = testSchemaName();
    try {
      const env = { HERON_SQL_DATABASE_SCHEMA: schema };
      const first = await heron(['migrate', '--database-url', TEST_DATABASE_URL], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`schema "${schema}"`));
      for (const migration of listPostgresMigrations()) {
        assert.match(first.stdout, new RegExp(`applying migration ${migration.name}`));
      }
      assert.match(first.stdout, /applied \d+ migrations; the database is at schema version/);
      const second = await heron(['migrate'], {
        ...env,
        HERON_SQL_DATABASE_URL: TEST_DATABASE_URL,
      });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /up to date/);
    } finally {
      await dropSchema(schema);
    }
  });
});

describe('heron serve with a PostgreSQL URL', () => {
  it('says clearly when the database cannot be reached, without showing the password', async () => {
    const run = await heron(['serve', '--port', '0', '--grpc-port', '0'], {
      PHOENIX_SQL_DATABASE_URL: 'postgresql://heron:s3cret@127.0.0.1:1/heron',
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /cannot connect to PostgreSQL at postgresql:\/\/heron:\*+@127\.0\.0\.1:1/,
    );
    assert.doesNotMatch(run.stderr, /s3cret/);
  });
});
