/**
 * `heron import` / `heron export` as a user at a terminal sees them, on the backend the suite
 * runs on (SQLite, or PostgreSQL with HERON_E2E_DATABASE_URL), with 50,000 spans:
 *
 * - On a terminal (a real pseudo-terminal, support/pseudo-terminal.ts) both redraw a progress
 *   line in place and end with a one-line summary; piped, they write the summary only — no
 *   carriage returns, no escape codes.
 * - Ctrl-C typed on the terminal during an import stops it after the batch being written: exit
 *   code 130, a message saying how to finish, only whole batches stored, and running the same
 *   import again completes it without duplicates.
 * - Ctrl-C during an export to a file stops it and leaves neither the file nor its partial file.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HERON_MAIN, heronCliOk, newCliDatabase, type CliDatabase } from './support/heron-cli.js';
import { runOnTerminal } from './support/pseudo-terminal.js';
import { writeOtlpJsonSpanFile } from './support/span-file-generator.js';
import { storedRowCount } from './support/stored-row-count.js';

const PROJECT = 'cli-terminal-e2e';
const TRACES = 10_000;
const SPANS = TRACES * 5;
/** The generator writes 1,000 spans (200 whole traces) per line, so a batch is one line. */
const BATCH = 1_000;
const INTERRUPTED = 130;

/** Every redraw of the progress line: `\r`, erase the line, the figures. */
function progressFigures(output: string, verb: 'imported' | 'exported'): string[] {
  const pattern = new RegExp(`\\r\\x1b\\[2Kheron: ${verb} ([^\\r\\n]*)`, 'g');
  return [...output.matchAll(pattern)].map((match) => match[1]!);
}

function spansOf(figures: string): number {
  return Number(/^([\d,]+)/.exec(figures)![1]!.replaceAll(',', ''));
}

describe('heron import / export on a terminal, and Ctrl-C', { timeout: 300_000 }, () => {
  const database = newCliDatabase();
  const dir = database.workingDir;
  const spansFile = join(dir, 'spans.otlp.jsonl');
  const others: CliDatabase[] = [];
  const heron = (...args: string[]) => [process.execPath, HERON_MAIN, ...args];

  before(async () => {
    await writeOtlpJsonSpanFile(spansFile, PROJECT, TRACES);
  });
  after(() => {
    for (const d of [database, ...others]) rmSync(d.workingDir, { recursive: true, force: true });
  });

  test('import on a terminal redraws a progress line and ends with the summary', async () => {
    const run = runOnTerminal(
      heron('import', spansFile, '--batch-size', String(BATCH)),
      database.env,
    );
    assert.equal(await run.exited, 0, run.output());
    const output = run.output();
    const figures = progressFigures(output, 'imported');
    assert.ok(figures.length >= 2, `progress redrawn: ${JSON.stringify(output)}`);
    for (const figure of figures) {
      assert.match(figure, /^[\d,]+ spans \(\d+% of the file\), [\d,]+ spans\/s$/);
    }
    const counts = figures.map(spansOf);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i - 1]! <= counts[i]!);
    // The line shows where the import ended, then the summary starts on a line of its own.
    assert.equal(counts.at(-1), SPANS);
    assert.match(figures.at(-1)!, /^50,000 spans \(100% of the file\)/);
    assert.ok(
      output.endsWith(`spans/s\r\nheron: imported ${SPANS} spans from ${spansFile}\r\n`),
      JSON.stringify(output.slice(-300)),
    );
    assert.equal(await storedRowCount(database, 'spans'), SPANS);
  });

  test('export on a terminal shows spans done of the total, then the summary', async () => {
    const out = join(dir, 'terminal-export.jsonl');
    const run = runOnTerminal(
      heron('export', '--project', PROJECT, '--format', 'jsonl', '-o', out),
      {
        ...database.env,
        HERON_EXPORT_PAGE_SPANS: '2000',
      },
    );
    assert.equal(await run.exited, 0, run.output());
    const output = run.output();
    const figures = progressFigures(output, 'exported');
    assert.ok(figures.length >= 2, `progress redrawn: ${JSON.stringify(output)}`);
    for (const figure of figures) assert.match(figure, /^[\d,]+ \/ 50,000 spans, [\d,]+ spans\/s$/);
    assert.equal(spansOf(figures.at(-1)!), SPANS);
    assert.ok(
      output.endsWith(`spans/s\r\nheron: exported ${SPANS} spans to ${out}\r\n`),
      JSON.stringify(output.slice(-300)),
    );
    assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, SPANS);
  });

  test('piped, both write the summary only: no carriage returns, no escape codes', async () => {
    const out = join(dir, 'piped-export.jsonl');
    const exported = await heronCliOk(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'jsonl',
      '-o',
      out,
    ]);
    assert.equal(exported.stderr, `heron: exported ${SPANS} spans to ${out}\n`);
    assert.equal(exported.stdout, '');
    const toStdout = await heronCliOk(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'csv',
    ]);
    assert.equal(toStdout.stderr, '');
    assert.ok(!toStdout.stdout.includes('\x1b'), 'no escape codes in the export');
    assert.equal(toStdout.stdout.split('\r\n').length - 2, SPANS, 'header, rows, final CRLF');

    const other = newCliDatabase();
    others.push(other);
    const imported = await heronCliOk(other, ['import', out]);
    assert.equal(imported.stderr, `heron: imported ${SPANS} spans from ${out}\n`);
    assert.equal(imported.stdout, '');
  });

  test('Ctrl-C during an import stops after whole batches; running it again finishes it without duplicates', async () => {
    const fresh = newCliDatabase();
    others.push(fresh);
    const command = heron('import', spansFile, '--batch-size', String(BATCH));
    const run = runOnTerminal(command, fresh.env);
    // Ctrl-C once the first batches are in.
    await run.waitFor(/heron: imported [\d,]+ spans/);
    run.type('\x03');
    const code = await run.exited;
    const output = run.output();
    assert.equal(code, INTERRUPTED, output);
    assert.match(output, /\^C/, 'the terminal echoed the Ctrl-C');
    assert.match(output, /heron: stopping after the batch being written/);
    assert.match(
      output,
      /heron: import stopped by Ctrl-C before the end of the file, after whole batches only; run the same import again to finish it \(spans already imported are replaced, not duplicated\)\r\n$/,
    );

    const stored = await storedRowCount(fresh, 'spans');
    const summary = /heron: imported (\d+) spans from /.exec(output);
    assert.ok(summary, output);
    assert.equal(Number(summary[1]), stored, 'the summary tells what is stored');
    assert.ok(stored > 0 && stored < SPANS, `stopped part way: ${stored} of ${SPANS}`);
    // Whole batches only: each batch is 200 whole traces of 5 spans.
    assert.equal(stored % BATCH, 0, `${stored} spans is not whole batches of ${BATCH}`);
    assert.equal(await storedRowCount(fresh, 'traces'), stored / 5);

    const again = await heronCliOk(fresh, command.slice(2));
    assert.equal(again.stderr, `heron: imported ${SPANS} spans from ${spansFile}\n`);
    assert.equal(await storedRowCount(fresh, 'spans'), SPANS);
    assert.equal(await storedRowCount(fresh, 'traces'), TRACES);
  });

  test('Ctrl-C during an export to a file leaves neither the file nor a partial one', async () => {
    const out = join(dir, 'interrupted.jsonl');
    const run = runOnTerminal(
      heron('export', '--project', PROJECT, '--format', 'jsonl', '-o', out),
      {
        ...database.env,
        HERON_EXPORT_PAGE_SPANS: '1000',
      },
    );
    await run.waitFor(/heron: exported [\d,]+ \/ 50,000 spans/);
    run.type('\x03');
    const code = await run.exited;
    const output = run.output();
    assert.equal(code, INTERRUPTED, output);
    assert.match(output, /heron: stopping the export/);
    assert.match(
      output,
      /heron: export stopped by Ctrl-C after \d+ spans; .*interrupted\.jsonl was not written \(nothing is left behind\); run the export again for the whole file\r\n$/,
    );
    assert.equal(existsSync(out), false, 'no truncated file');
    assert.equal(existsSync(`${out}.partial`), false, 'no partial file');
  });
});
