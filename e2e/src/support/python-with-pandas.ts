/** A Python with pandas and pyarrow (HERON_PYTHON, else e2e/.venv), or null when there is none. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export function findPython(): string | null {
  if (process.env['HERON_PYTHON']) return process.env['HERON_PYTHON'];
  const venv = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : null;
}

/** Runs a Python snippet that prints one JSON value; returns it parsed. */
export async function runPythonJson<T>(
  python: string,
  code: string,
  args: string[] = [],
): Promise<T> {
  const { stdout } = await promisify(execFile)(python, ['-c', code, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as T;
}
