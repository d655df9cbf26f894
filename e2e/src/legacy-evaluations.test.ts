/**
 * Phoenix ≤13's `POST/GET /v1/evaluations` (Arrow IPC streams, schema metadata `arize`) against a
 * real server: span, trace and document evaluations built with apache-arrow as pyarrow writes
 * them, stored as LLM annotations (seen through the annotations API), logged again to overwrite,
 * and read back as concatenated Arrow streams — by apache-arrow, and by pyarrow/pandas the way
 * `px.Client().get_evaluations()` reads them when a Python with pandas is available.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Field,
  Float64,
  Int64,
  RecordBatchReader,
  Schema,
  Table,
  Utf8,
  tableToIPC,
  vectorFromArray,
  makeVector,
  type Vector,
} from 'apache-arrow';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { findPython, runPythonJson } from './support/python-with-pandas.js';
import { writeOtlpJsonSpanFile } from './support/span-file-generator.js';

const PROJECT = 'legacy-evals';
const ARROW = 'application/x-pandas-arrow';
const TRACE_1 = '00000000000000000000000000000001';
const TRACE_2 = '00000000000000000000000000000002';

/** A dataframe as pyarrow sends it: index column(s) last, `pandas` and `arize` metadata. */
function evaluationStream(
  evalName: string,
  evalType: string,
  index: { name: string; values: (string | number)[] }[],
  columns: {
    label?: (string | null)[];
    score?: (number | null)[];
    explanation?: (string | null)[];
  },
): Uint8Array {
  const fields: Field[] = [];
  const vectors: Vector[] = [];
  for (const [name, values] of Object.entries(columns)) {
    if (name === 'score') {
      fields.push(new Field(name, new Float64(), true));
      vectors.push(
        vectorFromArray(values.map((v) => (v === null ? NaN : v)) as number[], new Float64()),
      );
    } else {
      fields.push(new Field(name, new Utf8(), true));
      vectors.push(vectorFromArray(values as (string | null)[], new Utf8()));
    }
  }
  for (const level of index) {
    if (typeof level.values[0] === 'number') {
      fields.push(new Field(level.name, new Int64(), true));
      vectors.push(makeVector(BigInt64Array.from(level.values.map((v) => BigInt(v)))));
    } else {
      fields.push(new Field(level.name, new Utf8(), true));
      vectors.push(vectorFromArray(level.values as string[], new Utf8()));
    }
  }
  const pandas = {
    index_columns: index.map((l) => l.name),
    column_indexes: [],
    columns: fields.map((f) => ({
      name: f.name,
      field_name: f.name,
      pandas_type: 'unicode',
      numpy_type: 'object',
      metadata: null,
    })),
    pandas_version: '2.2.3',
  };
  const metadata = new Map([
    ['pandas', JSON.stringify(pandas)],
    [
      'arize',
      JSON.stringify({ eval_id: crypto.randomUUID(), eval_name: evalName, eval_type: evalType }),
    ],
  ]);
  const table = new Table(Object.fromEntries(fields.map((f, i) => [f.name, vectors[i]!])));
  return tableToIPC(new Table(new Schema(table.schema.fields, metadata), table.batches), 'stream');
}

interface ReadBack {
  evalName: string;
  evalType: string;
  rows: Record<string, unknown>[];
}

async function readStreams(body: Uint8Array): Promise<ReadBack[]> {
  const out: ReadBack[] = [];
  for await (const reader of RecordBatchReader.readAll(body)) {
    const table = new Table(await reader.readAll());
    const arize = JSON.parse(reader.schema.metadata.get('arize')!) as {
      eval_name: string;
      eval_type: string;
    };
    const rows = table.toArray().map((row) => {
      const json = row.toJSON() as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) if (typeof v === 'bigint') json[k] = Number(v);
      return json;
    });
    out.push({ evalName: arize.eval_name, evalType: arize.eval_type, rows });
  }
  return out;
}

describe('legacy /v1/evaluations (Arrow IPC)', () => {
  let heron: HeronProcess;
  before(async () => {
    heron = await spawnHeron();
    const dir = mkdtempSync(join(tmpdir(), 'heron-evals-'));
    await writeOtlpJsonSpanFile(join(dir, 'spans.otlp.jsonl'), PROJECT, 2);
    const response = await fetch(`${heron.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFileSync(join(dir, 'spans.otlp.jsonl'), 'utf8').trim(),
    });
    assert.equal(response.status, 200);
  });
  after(async () => heron?.stop());

  const post = (body: Uint8Array, contentType = ARROW) =>
    fetch(`${heron.baseUrl}/v1/evaluations`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  test('nothing logged yet: GET answers 404', async () => {
    const response = await fetch(`${heron.baseUrl}/v1/evaluations?project_name=${PROJECT}`);
    assert.equal(response.status, 404);
  });

  test('span, trace and document evaluations are stored as LLM annotations and read back', async () => {
    const span = evaluationStream(
      'correctness',
      'SpanEvaluations',
      [
        {
          name: 'context.span_id',
          values: ['0000000000000001', '0000000000000002', 'ffffffffffffffff'],
        },
      ],
      {
        label: ['correct', 'incorrect', 'unknown span'],
        score: [1, 0, 0.5],
        explanation: ['fine', null, null],
      },
    );
    assert.equal((await post(span)).status, 204);
    const trace = evaluationStream(
      'trace quality',
      'TraceEvaluations',
      [{ name: 'trace_id', values: [TRACE_1, TRACE_2] }],
      {
        score: [0.25, null],
        label: ['meh', 'good'],
      },
    );
    assert.equal((await post(trace)).status, 204);
    const documents = evaluationStream(
      'relevance',
      'DocumentEvaluations',
      [
        { name: 'context.span_id', values: ['0000000000000004', '0000000000000004'] },
        { name: 'document_position', values: [0, 1] },
      ],
      { score: [1, 0], label: ['relevant', 'irrelevant'] },
    );
    assert.equal((await post(documents)).status, 204);

    // Seen through the ordinary annotations API, annotator kind LLM.
    const annotations = await fetch(
      `${heron.baseUrl}/v1/projects/${PROJECT}/span_annotations?span_ids=0000000000000001&span_ids=0000000000000002`,
    );
    const listed = ((await annotations.json()) as { data: Record<string, unknown>[] }).data;
    assert.deepEqual(
      listed
        .map((a) => [
          a['span_id'],
          a['name'],
          a['annotator_kind'],
          (a['result'] as { label: string }).label,
        ])
        .sort(),
      [
        ['0000000000000001', 'correctness', 'LLM', 'correct'],
        ['0000000000000002', 'correctness', 'LLM', 'incorrect'],
      ],
    );

    const response = await fetch(`${heron.baseUrl}/v1/evaluations?project_name=${PROJECT}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), ARROW);
    const back = await readStreams(new Uint8Array(await response.arrayBuffer()));
    const byName = Object.fromEntries(back.map((e) => [e.evalName, e]));
    assert.deepEqual(Object.keys(byName).sort(), ['correctness', 'relevance', 'trace quality']);
    assert.equal(byName['correctness']!.evalType, 'SpanEvaluations');
    assert.deepEqual(
      byName['correctness']!.rows.map((r) => [
        r['context.span_id'],
        r['label'],
        r['score'],
        r['explanation'],
      ]).sort(),
      [
        ['0000000000000001', 'correct', 1, 'fine'],
        ['0000000000000002', 'incorrect', 0, null],
      ],
    );
    assert.equal(byName['trace quality']!.evalType, 'TraceEvaluations');
    assert.deepEqual(
      byName['trace quality']!.rows.map((r) => [
        r['context.trace_id'],
        r['label'],
        r['score'],
      ]).sort(),
      [
        [TRACE_1, 'meh', 0.25],
        [TRACE_2, 'good', null],
      ],
    );
    assert.equal(byName['relevance']!.evalType, 'DocumentEvaluations');
    assert.deepEqual(
      byName['relevance']!.rows.map((r) => [
        r['context.span_id'],
        r['document_position'],
        r['label'],
      ]).sort(),
      [
        ['0000000000000004', 0, 'relevant'],
        ['0000000000000004', 1, 'irrelevant'],
      ],
    );
  });

  test('logging the same evaluation name again overwrites', async () => {
    const span = evaluationStream(
      'correctness',
      'SpanEvaluations',
      [{ name: 'span_id', values: ['0000000000000001'] }],
      {
        label: ['revised'],
        score: [0.75],
      },
    );
    assert.equal((await post(span)).status, 204);
    const response = await fetch(`${heron.baseUrl}/v1/evaluations?project_name=${PROJECT}`);
    const back = await readStreams(new Uint8Array(await response.arrayBuffer()));
    const rows = back.find((e) => e.evalName === 'correctness')!.rows;
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.find((r) => r['context.span_id'] === '0000000000000001'),
      { label: 'revised', score: 0.75, explanation: null, 'context.span_id': '0000000000000001' },
    );
  });

  test(
    'pandas reads the answer as get_evaluations does',
    { skip: findPython() ? false : 'no HERON_PYTHON or e2e/.venv' },
    async () => {
      const response = await fetch(`${heron.baseUrl}/v1/evaluations?project_name=${PROJECT}`);
      const dir = mkdtempSync(join(tmpdir(), 'heron-evals-'));
      writeFileSync(join(dir, 'body.arrow'), new Uint8Array(await response.arrayBuffer()));
      const read = await runPythonJson<
        { name: string; type: string; index: string[]; rows: number }[]
      >(
        findPython()!,
        `import sys, json, pyarrow as pa
from io import BytesIO
buffer = BytesIO(open(sys.argv[1], "rb").read())
out = []
while True:
    try:
        reader = pa.ipc.open_stream(buffer)
    except pa.ArrowInvalid:
        break
    table = reader.read_all()
    meta = json.loads(table.schema.metadata[b"arize"])
    df = table.to_pandas()
    out.append({"name": meta["eval_name"], "type": meta["eval_type"], "index": list(df.index.names), "rows": len(df)})
print(json.dumps(sorted(out, key=lambda e: e["name"])))`,
        [join(dir, 'body.arrow')],
      );
      assert.deepEqual(read, [
        { name: 'correctness', type: 'SpanEvaluations', index: ['context.span_id'], rows: 2 },
        {
          name: 'relevance',
          type: 'DocumentEvaluations',
          index: ['context.span_id', 'document_position'],
          rows: 2,
        },
        { name: 'trace quality', type: 'TraceEvaluations', index: ['context.trace_id'], rows: 2 },
      ]);
    },
  );

  test('bad requests: 415, 422 and 404 with a message', async () => {
    const json = await post(new TextEncoder().encode('{}'), 'application/json');
    assert.equal(json.status, 415);
    const garbage = await post(new TextEncoder().encode('not arrow'));
    assert.equal(garbage.status, 422);
    assert.match(((await garbage.json()) as { message: string }).message, /Arrow IPC stream/);
    const noName = evaluationStream(
      '  ',
      'SpanEvaluations',
      [{ name: 'span_id', values: ['0000000000000001'] }],
      { score: [1] },
    );
    assert.equal((await post(noName)).status, 422);
    const badType = evaluationStream(
      'x',
      'SessionEvaluations',
      [{ name: 'span_id', values: ['0000000000000001'] }],
      { score: [1] },
    );
    assert.equal((await post(badType)).status, 422);
    const noIndex = evaluationStream(
      'x',
      'TraceEvaluations',
      [{ name: 'span_id', values: ['0000000000000001'] }],
      { score: [1] },
    );
    const noIndexResponse = await post(noIndex);
    assert.equal(noIndexResponse.status, 422);
    assert.match(
      ((await noIndexResponse.json()) as { message: string }).message,
      /context\.trace_id or trace_id/,
    );
    assert.equal((await fetch(`${heron.baseUrl}/v1/evaluations?project_name=nope`)).status, 404);
  });
});
