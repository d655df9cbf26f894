/**
 * `TraceDataset` from @heron/client on spans read from a real server: save to Parquet files
 * laid out as Phoenix's TraceDataset (reference §8), load back exactly (spans and evaluations),
 * the default directory under HERON_WORKING_DIR, and pandas reading the files with Phoenix's
 * columns, the `arize` metadata and the evaluations' index.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DocumentEvaluations,
  SpanEvaluations,
  TraceDataset,
  TraceEvaluations,
  defaultTraceDatasetDir,
  type DatasetSpan,
} from '@heron/client';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { heronCliOk, newCliDatabase } from './support/heron-cli.js';
import { findPython, runPythonJson } from './support/python-with-pandas.js';
import { writeOtlpJsonSpanFile } from './support/span-file-generator.js';

const PROJECT = 'trace-dataset';

describe('TraceDataset', () => {
  let heron: HeronProcess;
  let spans: DatasetSpan[];
  const dir = mkdtempSync(join(tmpdir(), 'heron-datasets-'));

  before(async () => {
    heron = await spawnHeron();
    await writeOtlpJsonSpanFile(join(dir, 'spans.otlp.jsonl'), PROJECT, 20);
    const posted = await fetch(`${heron.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFileSync(join(dir, 'spans.otlp.jsonl'), 'utf8').trim(),
    });
    assert.equal(posted.status, 200);
    const response = await fetch(`${heron.baseUrl}/v1/projects/${PROJECT}/spans?limit=1000`);
    spans = ((await response.json()) as { data: DatasetSpan[] }).data;
    assert.equal(spans.length, 100);
  });
  after(async () => heron?.stop());

  const evaluations = () => [
    new SpanEvaluations('correctness', [
      { spanId: spans[0]!.context.span_id, label: 'correct', score: 1, explanation: 'fine' },
      { spanId: spans[1]!.context.span_id, score: 0.5 },
    ]),
    new TraceEvaluations('trace quality', [{ traceId: spans[0]!.context.trace_id, label: 'good' }]),
    new DocumentEvaluations('relevance', [
      { spanId: spans[2]!.context.span_id, documentPosition: 0, label: 'relevant', score: 1 },
      { spanId: spans[2]!.context.span_id, documentPosition: 1, label: 'irrelevant', score: 0 },
    ]),
  ];

  test('save → load gives back exactly the spans and evaluations', async () => {
    const dataset = TraceDataset.fromSpans(spans, {
      name: 'my dataset',
      evaluations: evaluations(),
    });
    const path = await dataset.save(dir);
    assert.equal(path, join(dir, `trace_dataset-${dataset.id}.parquet`));
    const loaded = await TraceDataset.load(dataset.id, dir);
    assert.equal(loaded.id, dataset.id);
    assert.equal(loaded.name, 'my dataset');
    assert.deepEqual(loaded.spans, spans);
    assert.deepEqual(
      loaded.evaluations.map((e) => [e.constructor.name, e.evalName, e.rows]),
      evaluations().map((e) => [e.constructor.name, e.evalName, e.rows]),
    );
  });

  test('heron import of a saved dataset restores the spans with resource, scope and links', async (t) => {
    const path = await TraceDataset.fromSpans(spans, { name: 'to import' }).save(dir);
    const database = newCliDatabase();
    t.after(() => rmSync(database.workingDir, { recursive: true, force: true }));
    // No --project: the spans' resource (a heron.resource column) names it.
    const imported = await heronCliOk(database, ['import', path]);
    assert.match(imported.stderr, /imported 100 spans/);
    const exported = await heronCliOk(database, [
      'export',
      '--project',
      PROJECT,
      '--format',
      'jsonl',
    ]);
    const bySpanId = (a: { context: { span_id: string } }, b: { context: { span_id: string } }) =>
      a.context.span_id < b.context.span_id ? -1 : 1;
    const back = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as DatasetSpan)
      .sort(bySpanId);
    const want = spans.map(({ id: _rowid, ...span }) => span).sort(bySpanId);
    assert.ok(want.some((span) => (span['links'] as unknown[]).length > 0));
    assert.deepEqual(back, want);
  });

  test('the default directory is $HERON_WORKING_DIR/trace_datasets', async () => {
    const previous = process.env['HERON_WORKING_DIR'];
    process.env['HERON_WORKING_DIR'] = join(dir, 'working');
    try {
      assert.equal(defaultTraceDatasetDir(), join(dir, 'working', 'trace_datasets'));
      const dataset = TraceDataset.fromSpans(spans.slice(0, 3));
      await dataset.save();
      assert.ok(
        existsSync(join(dir, 'working', 'trace_datasets', `trace_dataset-${dataset.id}.parquet`)),
      );
      assert.deepEqual((await TraceDataset.load(dataset.id)).spans, spans.slice(0, 3));
    } finally {
      if (previous === undefined) delete process.env['HERON_WORKING_DIR'];
      else process.env['HERON_WORKING_DIR'] = previous;
    }
  });

  test('loading an unknown id says where it looked', async () => {
    await assert.rejects(
      TraceDataset.load('nope', dir),
      /no dataset nope in .*trace_dataset-nope\.parquet/,
    );
  });

  test(
    'pandas reads the files with Phoenix columns',
    { skip: findPython() ? false : 'no HERON_PYTHON or e2e/.venv' },
    async () => {
      const dataset = TraceDataset.fromSpans(spans, {
        name: 'for pandas',
        evaluations: evaluations(),
      });
      await dataset.save(dir);
      const read = await runPythonJson<{
        rows: number;
        columns: string[];
        start: string;
        first_start: string;
        prompt: number;
        meta: { dataset_id: string; dataset_name: string; eval_ids: string[] };
        evals: { type: string; name: string; index: string[]; rows: number }[];
      }>(
        findPython()!,
        `import sys, json, os, pandas as pd, pyarrow.parquet as pq
d, id = sys.argv[1], sys.argv[2]
path = os.path.join(d, f"trace_dataset-{id}.parquet")
df = pd.read_parquet(path)
meta = json.loads(pq.read_schema(path).metadata[b"arize"])
evals = []
for eval_id in meta["eval_ids"]:
    p = os.path.join(d, f"evaluations-{eval_id}.parquet")
    e = pd.read_parquet(p)
    m = json.loads(pq.read_schema(p).metadata[b"arize"])
    evals.append({"type": m["eval_type"], "name": m["eval_name"], "index": list(e.index.names), "rows": len(e)})
llm = df[df.span_kind == "LLM"].iloc[0]
print(json.dumps({"rows": len(df), "columns": list(df.columns), "start": str(df.start_time.dtype),
  "first_start": str(df.start_time.iloc[0].value), "prompt": int(llm["attributes.llm.token_count.prompt"]),
  "meta": meta, "evals": evals}))`,
        [dir, dataset.id],
      );
      assert.equal(read.rows, 100);
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
      assert.equal(read.start, 'datetime64[ns, UTC]');
      // Exact nanoseconds, not rounded to Phoenix's milliseconds.
      assert.equal(read.first_start, spans[0]!['start_time_unix_nano']);
      assert.equal(read.meta.dataset_id, dataset.id);
      assert.equal(read.meta.dataset_name, 'for pandas');
      assert.deepEqual(read.evals, [
        { type: 'SpanEvaluations', name: 'correctness', index: ['context.span_id'], rows: 2 },
        { type: 'TraceEvaluations', name: 'trace quality', index: ['context.trace_id'], rows: 1 },
        {
          type: 'DocumentEvaluations',
          name: 'relevance',
          index: ['context.span_id', 'document_position'],
          rows: 2,
        },
      ]);
      assert.ok(read.prompt >= 100);
    },
  );
});
