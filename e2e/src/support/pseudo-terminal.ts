/**
 * Runs a command on a pseudo-terminal, as a user at a terminal would: util-linux `script`
 * gives the command a pty as its stdin, stdout and stderr (so `isTTY` is true and Ctrl-C works
 * through the terminal's line discipline), copies what the command writes to our pipe, and
 * copies what we write to the terminal's input — `\x03` is Ctrl-C, which the terminal turns
 * into SIGINT for the command. The command is `exec`ed, so no shell stands between.
 */
import { spawn } from 'node:child_process';

export interface TerminalRun {
  /** Everything the command wrote to the terminal so far (`\n` comes out as `\r\n`). */
  output(): string;
  /** Resolves when the output matches `pattern` (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Types on the terminal (`'\x03'` for Ctrl-C). */
  type(text: string): void;
  /** The command's exit code. */
  exited: Promise<number>;
}

function shellQuoted(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function runOnTerminal(
  command: string[],
  env: Record<string, string | undefined>,
): TerminalRun {
  const child = spawn(
    'script',
    ['-qfec', `exec ${command.map(shellQuoted).join(' ')}`, '/dev/null'],
    {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    text += chunk;
    check();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    text += chunk;
    check();
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.end();
      resolve(code ?? -1);
    });
  });
  return {
    output: () => text,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no ${String(pattern)} in the terminal output: ${JSON.stringify(text)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        check();
      }),
    type: (input) => child.stdin.write(input),
    exited,
  };
}
