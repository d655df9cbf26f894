/**
 * Starts a real `heron serve` process for end-to-end tests and benchmarks: a fresh working
 * directory, free ports, and a wait until /readyz answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export async function spawnHeron(options: SpawnHeronOptions = {}): Promise<HeronProcess> {
  const workingDir = options.workingDir ?? mkdtempSync(join(tmpdir(), 'heron-'));
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const child = spawn(
    process.execPath,
    [mainPath, 'serve', '--port', String(httpPort), '--grpc-port', String(grpcPort)],
    {
      env: {
        ...process.env,
        HERON_WORKING_DIR: workingDir,
        HERON_LOG_LEVEL: 'warn',
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
