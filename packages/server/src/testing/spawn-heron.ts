/**
 * Starts a real `heron serve` process for end-to-end tests and benchmarks: a fresh working
 * directory, free ports, and a wait until /readyz answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HERON_NODE_FLAGS } from '../node-flags.js';

const mainPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

export interface HeronProcess {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  httpPort: number;
  grpcPort: number;
  workingDir: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the signal (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnHeronOptions {
  /** Reuse a working directory (e.g. to restart on the same database). */
  workingDir?: string;
  /** Extra environment (HERON_* settings). */
  env?: Record<string, string>;
  httpPort?: number;
  grpcPort?: number;
  /** How long to wait for readiness. */
  timeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * With HERON_E2E_DATABASE_URL set, every server runs on PostgreSQL in a schema of its own (named
 * in the working directory, so a restart on the same working directory finds the same data):
 * the whole e2e suite then checks the PostgreSQL backend.
 */
function postgresEnv(workingDir: string): Record<string, string> {
  const url = process.env['HERON_E2E_DATABASE_URL'];
  if (!url) return {};
  const file = join(workingDir, 'e2e-schema');
  if (!existsSync(file)) writeFileSync(file, `e2e_${randomBytes(6).toString('hex')}`);
  return { HERON_SQL_DATABASE_URL: url, HERON_SQL_DATABASE_SCHEMA: readFileSync(file, 'utf8') };
}

export async function spawnHeron(options: SpawnHeronOptions = {}): Promise<HeronProcess> {
  const workingDir = options.workingDir ?? mkdtempSync(join(tmpdir(), 'heron-'));
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      ...HERON_NODE_FLAGS,
      mainPath,
      'serve',
      '--port',
      String(httpPort),
      '--grpc-port',
      String(grpcPort),
    ],
    {
      env: {
        ...process.env,
        HERON_WORKING_DIR: workingDir,
        HERON_LOG_LEVEL: 'warn',
        ...postgresEnv(workingDir),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const baseUrl = `http://127.0.0.1:${httpPort}`;

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`heron exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`heron was not ready within the timeout:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    baseUrl,
    httpPort,
    grpcPort,
    workingDir,
    child,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
