/**
 * `heron export` / `heron import` and the REST download, end to end on the backend the suite
 * runs on (SQLite, or PostgreSQL with HERON_E2E_DATABASE_URL):
 *
 * - 100,000 spans: import, export jsonl, import into an empty database and export again —
 *   byte-identical.
 * - Every format's content on a smaller project: otlp-json round trip byte-identical and accepted
 *   line by line by a real Heron's /v1/traces; csv parsed back by pandas; parquet read by pandas
 *   with Phoenix's columns (and Heron's beside them); a Parquet export imported into an empty
 *   database exports the same files in every format (resource, scope, links, trace state and
 *   OTel kind included); the REST download equals the CLI's bytes, while a server runs on the
 *   same database the CLI imported into.
 * - Bad input: clear messages and a non-zero exit.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { heronCli, heronCliOk, newCliDatabase, type CliDatabase } from './support/heron-cli.js';
import { findPython, runPythonJson } from './support/python-with-pandas.js';
import { writeOtlpJsonSpanFile } from './support/span-file-generator.js';
import { storedRowCount } from './support/stored-row-count.js';

const PROJECT = 'export-e2e';

function spanCount(database: CliDatabase): Promise<number> {
  return storedRowCount(database, 'spans');
}

describe('heron export / import with 100,000 spans', { timeout: 240_000 }, () => {
  const source = newCliDatabase();
  const copy = newCliDatabase();
  const dir = source.workingDir;
  // Hundreds of MB of spans: not left behind in /tmp.
  after(() => {
    for (const d of [source, copy]) rmSync(d.workingDir, { recursive: true, force: true });
  });

  test('export → import into an empty store → export is byte-identical', async () => {
    const generated = join(dir, 'generated.otlp.jsonl');
    await writeOtlpJsonSpanFile(generated, PROJECT, 20_000);
    await heronCliOk(source, ['import', generated]);
    assert.equal(await spanCount(source), 100_000);

    const first = join(dir, 'first.jsonl');
    await heronCliOk(source, ['export', '--project', PROJECT, '--format', 'jsonl', '-o', first]);
    const firstBytes = readFileSync(first);
    const lines = firstBytes.toString('utf8').trimEnd().split('\n');
    assert.equal(lines.length, 100_000);
    // The export order: start time, then storage order for equal start times.
    const starts = lines.slice(0, 2000).map((l) => BigInt(JSON.parse(l).start_time_unix_nano));
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i - 1]! <= starts[i]!);

    await heronCliOk(copy, ['import', first]);
    assert.equal(await spanCount(copy), 100_000);
    const second = join(dir, 'second.jsonl');
    await heronCliOk(copy, ['export', '--project', PROJECT, '--format', 'jsonl', '-o', second]);
    assert.ok(readFileSync(second).equals(firstBytes), 'the second export differs from the first');
  });
});

describe('export formats, the REST download and bad input', { timeout: 180_000 }, () => {
  const database = newCliDatabase();
  const dir = database.workingDir;
  const servers: HeronProcess[] = [];
  const others: CliDatabase[] = [];
  after(async () => {
    for (const server of servers) await server.stop();
    for (const d of [database, ...others]) rmSync(d.workingDir, { recursive: true, force: true });
  });
  const python = findPython();
  const file = (name: string) => join(dir, name);
  let jsonl: Buffer;

  test('import while a server runs on the same database; the REST download equals the CLI export', async () => {
    const server = await spawnHeron({ workingDir: dir, env: database.env });
    servers.push(server);
    await writeOtlpJsonSpanFile(file('small.otlp.jsonl'), PROJECT, 600);
    await heronCliOk(database, ['import', file('small.otlp.jsonl')]);
    const stdout = await heronCliOk(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'jsonl',
    ]);
    jsonl = Buffer.from(stdout.stdout);
    assert.equal(jsonl.toString().trimEnd().split('\n').length, 3000);

    // Importing the same spans again (here: the export) replaces them, never duplicates.
    writeFileSync(file('export.jsonl'), jsonl);
    const again = await heronCliOk(database, ['import', file('export.jsonl')]);
    assert.match(again.stderr, /imported 3000 spans/);
    assert.equal(await spanCount(database), 3000);
    const after = await heronCliOk(database, ['export', '--project', PROJECT, '--format', 'jsonl']);
    assert.equal(after.stdout, jsonl.toString());

    const response = await fetch(`${server.baseUrl}/v1/projects/${PROJECT}/export?format=jsonl`);
    assert.equal(response.status, 200);
    assert.match(
      response.headers.get('content-disposition') ?? '',
      /attachment; filename="export-e2e-spans\.jsonl"/,
    );
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(jsonl));

    // The same filter on both sides selects the same spans.
    const filter = "span_kind == 'RETRIEVER'";
    const cli = await heronCliOk(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'csv',
      '--filter',
      filter,
    ]);
    const rest = await fetch(
      `${server.baseUrl}/v1/projects/${PROJECT}/export?format=csv&filter=${encodeURIComponent(filter)}`,
    );
    assert.equal(await rest.text(), cli.stdout);
    assert.equal(cli.stdout.split('\r\n').filter((l) => l.includes(',RETRIEVER,')).length, 600);

    const bad = await fetch(`${server.baseUrl}/v1/projects/${PROJECT}/export?format=xml`);
    assert.equal(bad.status, 422);
    const badFilter = await fetch(
      `${server.baseUrl}/v1/projects/${PROJECT}/export?filter=nonsense%20%3D%3D`,
    );
    assert.equal(badFilter.status, 422);
    const missing = await fetch(`${server.baseUrl}/v1/projects/no-such-project/export`);
    assert.equal(missing.status, 404);
  });

  test('otlp-json: byte-identical round trip, and every line accepted by a real /v1/traces', async () => {
    await heronCliOk(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'otlp-json',
      '-o',
      file('a.otlp.jsonl'),
    ]);
    const other = newCliDatabase();
    others.push(other);
    await heronCliOk(other, ['import', file('a.otlp.jsonl')]);
    await heronCliOk(other, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'otlp-json',
      '-o',
      file('b.otlp.jsonl'),
    ]);
    assert.ok(readFileSync(file('b.otlp.jsonl')).equals(readFileSync(file('a.otlp.jsonl'))));

    const receiver = await spawnHeron();
    servers.push(receiver);
    for (const line of readFileSync(file('a.otlp.jsonl'), 'utf8').trimEnd().split('\n')) {
      const response = await fetch(`${receiver.baseUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: line,
      });
      const text = await response.text();
      assert.equal(response.status, 200, text);
      const body = JSON.parse(text) as { partialSuccess?: { rejectedSpans?: number } };
      assert.ok(!body.partialSuccess?.rejectedSpans, JSON.stringify(body));
    }
    const download = await fetch(`${receiver.baseUrl}/v1/projects/${PROJECT}/export?format=jsonl`);
    assert.ok(
      Buffer.from(await download.arrayBuffer()).equals(jsonl),
      'spans differ after OTLP/HTTP',
    );
  });

  test(
    'csv parses back with pandas',
    { skip: python ? false : 'no HERON_PYTHON or e2e/.venv' },
    async () => {
      await heronCliOk(database, [
        'export',
        '--project',
        PROJECT,
        '--format',
        'csv',
        '-o',
        file('spans.csv'),
      ]);
      const read = await runPythonJson<{
        rows: number;
        columns: string[];
        input: string;
        tokens: number;
      }>(
        python!,
        `import sys, json, pandas as pd
df = pd.read_csv(sys.argv[1])
llm = df[df.span_kind == 'LLM'].iloc[0]
print(json.dumps({"rows": len(df), "columns": list(df.columns), "input": df.iloc[0]["input"], "tokens": int(llm["prompt_tokens"])}))`,
        [file('spans.csv')],
      );
      assert.equal(read.rows, 3000);
      assert.deepEqual(read.columns.slice(0, 5), [
        'trace_id',
        'span_id',
        'parent_id',
        'name',
        'span_kind',
      ]);
      assert.equal(read.input, 'question 0.0: "quotes", commas, and\nnew lines');
      assert.equal(read.tokens, 100);
    },
  );

  test(
    "parquet: pandas reads Phoenix's columns, and Heron's fields beside them",
    { skip: python ? false : 'no HERON_PYTHON or e2e/.venv' },
    async () => {
      await heronCliOk(database, [
        'export',
        '--project',
        PROJECT,
        '--format',
        'parquet',
        '-o',
        file('spans.parquet'),
      ]);
      const read = await runPythonJson<{
        rows: number;
        columns: string[];
        start: string;
        prompt: number;
        ids: number;
        resource: Record<string, unknown>;
        scope: Record<string, unknown>;
      }>(
        python!,
        `import sys, json, pandas as pd
df = pd.read_parquet(sys.argv[1])
llm = df[df.span_kind == 'LLM'].iloc[0]
print(json.dumps({"rows": len(df), "columns": list(df.columns), "start": str(df.start_time.dtype),
  "prompt": int(llm["attributes.llm.token_count.prompt"]), "ids": int(df["context.span_id"].nunique()),
  "resource": json.loads(df["heron.resource"].iloc[0])["v"], "scope": json.loads(df["heron.scope"].iloc[0])["v"]}))`,
        [file('spans.parquet')],
      );
      assert.equal(read.rows, 3000);
      assert.equal(read.ids, 3000);
      for (const column of [
        'name',
        'span_kind',
        'parent_id',
        'start_time',
        'end_time',
        'status_code',
        'status_message',
        'events',
        'context.span_id',
        'context.trace_id',
        'attributes.input.value',
      ]) {
        assert.ok(read.columns.includes(column), `no ${column} column`);
      }
      // Phoenix's columns come first, in Phoenix's order; Heron's own fields follow them.
      assert.deepEqual(read.columns.slice(0, 3), ['name', 'span_kind', 'parent_id']);
      assert.deepEqual(read.columns.slice(-6), [
        'heron.attribute_keys',
        'heron.links',
        'heron.otel_kind',
        'heron.resource',
        'heron.scope',
        'heron.trace_state',
      ]);
      assert.equal(read.start, 'datetime64[ns, UTC]');
      assert.equal(read.prompt, 100);
      assert.equal(read.resource['attributes'] && typeof read.resource['attributes'], 'object');
      assert.match(
        String((read.resource['attributes'] as Record<string, unknown>)['service.name']),
        /^svc-[01]$/,
      );
      assert.match(String(read.scope['name']), /^generator-[01]$/);
    },
  );

  test('parquet: export → import into an empty store → export gives the same files in every format', async () => {
    const formats = [
      ['jsonl', 'jsonl'],
      ['otlp-json', 'otlp.jsonl'],
      ['csv', 'csv'],
      ['parquet', 'parquet'],
    ] as const;
    const exportAll = async (from: CliDatabase, prefix: string) => {
      for (const [format, extension] of formats) {
        await heronCliOk(from, [
          'export',
          '--project',
          PROJECT,
          '--format',
          format,
          '-o',
          file(`${prefix}.${extension}`),
        ]);
      }
    };
    await exportAll(database, 'first');
    const other = newCliDatabase();
    others.push(other);
    // No --project: the file's resources name the project, as they did in the source.
    const imported = await heronCliOk(other, ['import', file('first.parquet')]);
    assert.match(imported.stderr, /imported 3000 spans/);
    await exportAll(other, 'second');
    for (const [format, extension] of formats) {
      assert.ok(
        readFileSync(file(`second.${extension}`)).equals(readFileSync(file(`first.${extension}`))),
        `the ${format} export after the Parquet round trip differs`,
      );
    }
    // What Phoenix's columns cannot carry came back through Heron's: the data had all of it.
    const spans = readFileSync(file('second.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const linked = spans.filter((s) => (s['links'] as unknown[]).length > 0);
    assert.equal(linked.length, 600 - 1, 'span 2 of every trace but the first has a link');
    const [link] = linked[0]!['links'] as { trace_state: string; attributes: object }[];
    assert.equal(link!.trace_state, 'heron=linked');
    assert.equal(
      (link!.attributes as Record<string, unknown>)['link.reason'],
      'retry of the previous trace',
    );
    assert.ok(spans.some((s) => s['trace_state'] === 'heron=t1'));
    assert.deepEqual(new Set(spans.map((s) => s['otel_kind'])), new Set([1, 2, 3]));
    const origins = new Set(
      spans.map((s) => {
        const resource = (s['resource'] as { attributes: Record<string, unknown> }).attributes;
        const scope = s['scope'] as { name: string; version: string };
        return [
          resource['openinference.project.name'],
          resource['service.name'],
          Object.keys(resource).length,
          scope.name,
          scope.version,
        ].join(' ');
      }),
    );
    assert.deepEqual(
      origins,
      new Set([`${PROJECT} svc-0 2 generator-0 1.0.0`, `${PROJECT} svc-1 2 generator-1 1.1.0`]),
    );
    // Importing the same Parquet file again replaces its spans, never duplicates them.
    await heronCliOk(other, ['import', file('first.parquet')]);
    assert.equal(await spanCount(other), 3000);
  });

  test('bad input: a clear message and a non-zero exit', async () => {
    const noProject = await heronCli(database, [
      'export',
      '--project',
      'nope',
      '--format',
      'jsonl',
    ]);
    assert.equal(noProject.code, 1);
    assert.match(noProject.stderr, /no project named "nope"; projects: .*export-e2e/);
    const parquetToStdout = await heronCli(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'parquet',
    ]);
    assert.match(parquetToStdout.stderr, /-o FILE\.parquet/);
    const badFilter = await heronCli(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'jsonl',
      '--filter',
      'span_kind ==',
    ]);
    assert.equal(badFilter.code, 1);
    assert.match(badFilter.stderr, /--filter/);
    const badSince = await heronCli(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'jsonl',
      '--since',
      'yesterday',
    ]);
    assert.match(badSince.stderr, /--since "yesterday" is not an ISO 8601 time/);
    const unknownExtension = await heronCli(database, ['import', file('spans.csv')]);
    assert.match(unknownExtension.stderr, /cannot tell the format .* use --format/);
    writeFileSync(file('broken.jsonl'), `${jsonl.toString().split('\n')[0]}\n{not json\n`);
    const broken = await heronCli(database, ['import', file('broken.jsonl')]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken\.jsonl, line 2: .*run the import again/);
    const missing = await heronCli(database, ['import', file('missing.jsonl')]);
    assert.match(missing.stderr, /cannot read .*missing\.jsonl/);
  });
});
