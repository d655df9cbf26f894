/**
 * Runs one-shot `heron` commands (export, import) the way a user would, on the database a test
 * owns: a working directory for SQLite, or — with HERON_E2E_DATABASE_URL — a PostgreSQL schema
 * of its own (named `e2e_…`, so e2e/run-on-postgres.mjs drops it afterwards).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const HERON_MAIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'packages',
  'server',
  'dist',
  'main.js',
);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A database for CLI runs: its working directory (and PostgreSQL schema, if any). */
export interface CliDatabase {
  workingDir: string;
  env: Record<string, string>;
  backend: 'sqlite' | 'postgres';
}

export function newCliDatabase(
  workingDir = mkdtempSync(join(tmpdir(), 'heron-cli-')),
): CliDatabase {
  const url = process.env['HERON_E2E_DATABASE_URL'];
  const env: Record<string, string> = { HERON_WORKING_DIR: workingDir, HERON_LOG_LEVEL: 'warn' };
  if (!url) return { workingDir, env, backend: 'sqlite' };
  const file = join(workingDir, 'e2e-schema');
  if (!existsSync(file)) writeFileSync(file, `e2e_${randomBytes(6).toString('hex')}`);
  env['HERON_SQL_DATABASE_URL'] = url;
  env['HERON_SQL_DATABASE_SCHEMA'] = readFileSync(file, 'utf8');
  return { workingDir, env, backend: 'postgres' };
}

export async function heronCli(database: CliDatabase, args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [HERON_MAIN, ...args], {
      env: { ...process.env, ...database.env },
      maxBuffer: 512 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

/** Fails the test with the command's own words when it did not succeed. */
export async function heronCliOk(database: CliDatabase, args: string[]): Promise<CliResult> {
  const result = await heronCli(database, args);
  if (result.code !== 0) {
    throw new Error(`heron ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return result;
}
