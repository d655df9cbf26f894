/**
 * POST /v1/spans (Phoenix's span query DSL) against a real Heron fed by the stock OTLP
 * exporter: the spans dataframe, select + rename, explode of retrieval.documents, concat, a
 * filter condition, limit and time window, both answer encodings (multipart JSON and Arrow
 * IPC), the GET alias and the 404/422 answers. When a Python with pandas and pyarrow is at hand
 * (HERON_PYTHON, or e2e/.venv), e2e/python/read_span_query.py reads the answers with pandas as
 * Phoenix users do.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { emitOpenInferenceTrace, RecordingExporter } from './support/openinference-trace.js';
import {
  ARROW_TYPE,
  arrowTables,
  multipartFrames,
  pandasMetadata,
  querySpans,
  type JsonFrame,
  type SpanQueryRequest,
} from './support/span-query-client.js';
import { nsOf } from './support/synthetic-spans.js';

const PROJECT = 'span-query';
const SPAN_COLUMNS = [
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
];

let heron: HeronProcess;
/** What the SDK finished, per trace, in the order the traces were sent. */
let traces: ReadableSpan[][];

before(async () => {
  heron = await spawnHeron({ env: { HERON_MAX_SPAN_QUERY_LIMIT: '5000' } });
  const recording = new RecordingExporter(
    new OTLPTraceExporter({ url: `${heron.baseUrl}/v1/traces` }),
  );
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'openinference.project.name': PROJECT }),
    spanProcessors: [new SimpleSpanProcessor(recording), new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('span-query-e2e');
  const first = emitOpenInferenceTrace(tracer, 'first');
  await new Promise((resolve) => setTimeout(resolve, 5));
  const second = emitOpenInferenceTrace(tracer, 'second');
  await provider.forceFlush();
  recording.assertAllSucceeded();
  // Read before shutdown, which empties the in-memory exporter.
  const finished = memory.getFinishedSpans();
  await provider.shutdown();
  traces = [first, second].map((t) =>
    finished.filter((span) => span.spanContext().traceId === t.traceId),
  );
});

after(async () => {
  await heron?.stop();
});

const spanId = (span: ReadableSpan) => span.spanContext().spanId;
const byName = (trace: ReadableSpan[], name: string) => trace.find((s) => s.name === name)!;
const allSpans = () => traces.flat();

async function jsonFrames(request: Omit<SpanQueryRequest, 'accept'>): Promise<JsonFrame[]> {
  const response = await querySpans(heron.baseUrl, {
    params: { project_name: PROJECT },
    ...request,
    accept: 'application/json',
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const type = response.headers.get('content-type') ?? '';
  assert.match(type, /^multipart\/mixed; boundary=[A-Za-z0-9_-]{86}$/);
  return multipartFrames(type, text);
}

async function jsonFrame(query: object, extra: object = {}): Promise<JsonFrame> {
  const frames = await jsonFrames({ body: { queries: [query], ...extra } });
  assert.equal(frames.length, 1);
  return frames[0]!;
}

const column = (frame: JsonFrame, name: string) => frame.rows.map((row) => row[name]);

/** pandas' ISO form of a nanosecond time. */
function isoNanos(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString();
  return `${iso.slice(0, 19)}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}

describe('the spans dataframe (no select)', () => {
  test('multipart JSON: §8 columns, attributes.* flattened, indexed by context.span_id', async () => {
    const frame = await jsonFrame({});
    assert.deepEqual(frame.indexNames, ['context.span_id']);
    assert.deepEqual(frame.columns.slice(0, SPAN_COLUMNS.length), SPAN_COLUMNS);
    for (const name of [
      'attributes.input.value',
      'attributes.llm.token_count.prompt',
      'attributes.llm.input_messages',
      'attributes.retrieval.documents',
      'attributes.metadata',
      'attributes.heron',
    ]) {
      assert.ok(frame.columns.includes(name), `${name} in ${frame.columns.join(', ')}`);
    }
    assert.deepEqual(column(frame, 'context.span_id').sort(), allSpans().map(spanId).sort());
    assert.equal(frame.types['start_time'], 'datetime');
    assert.equal(frame.types['attributes.llm.token_count.prompt'], 'number');

    const llm = byName(traces[1]!, 'ChatCompletion');
    const row = frame.rows.find((r) => r['context.span_id'] === spanId(llm))!;
    assert.equal(row['span_kind'], 'LLM');
    assert.equal(row['parent_id'], spanId(byName(traces[1]!, 'rag-pipeline')));
    assert.equal(row['start_time'], isoNanos(nsOf(llm.startTime)));
    assert.equal(row['attributes.llm.token_count.prompt'], 120);
    assert.deepEqual(row['attributes.llm.input_messages'], [
      { 'message.role': 'system', 'message.content': 'You answer questions about Heron.' },
      { 'message.role': 'user', 'message.content': 'What is Heron?' },
    ]);
    // Not a JSON-string attribute in Phoenix either: the text as sent.
    assert.equal(
      row['attributes.llm.invocation_parameters'],
      JSON.stringify({ temperature: 0.2, max_tokens: 256 }),
    );
    const retriever = frame.rows.find(
      (r) => r['context.span_id'] === spanId(byName(traces[1]!, 'retrieve-docs')),
    )!;
    assert.deepEqual(retriever['attributes.retrieval.documents'], [
      {
        'document.id': 'doc-1',
        'document.content': 'Heron stores spans in SQLite.',
        'document.score': 0.92,
        'document.metadata': { source: 'manual.pdf', page: 3 },
      },
      {
        'document.id': 'doc-2',
        'document.content': 'Heron speaks OTLP over HTTP and gRPC.',
        'document.score': 0.5,
        'document.metadata': { source: 'readme.md', section: { title: 'Ingest', level: 2 } },
      },
    ]);
    const failing = frame.rows.find(
      (r) => r['context.span_id'] === spanId(byName(traces[1]!, 'format-answer')),
    )!;
    // A custom key is one column per top-level key, holding the nested dict.
    assert.deepEqual(failing['attributes.heron'], { test: { step: 3, ratio: 0.75, flag: true } });
    assert.equal((failing['events'] as { name: string }[])[0]!.name, 'exception');
  });

  test('Arrow: the same frame, index field and pandas metadata as pyarrow writes them', async () => {
    const response = await querySpans(heron.baseUrl, {
      params: { project_name: PROJECT },
      body: { queries: [{}] },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), ARROW_TYPE);
    const [table, ...rest] = await arrowTables(new Uint8Array(await response.arrayBuffer()));
    assert.equal(rest.length, 0);
    assert.equal(table!.numRows, 10);
    const metadata = pandasMetadata(table!);
    assert.deepEqual(metadata.index_columns, ['__index_level_0__']);
    const indexColumn = metadata.columns.find((c) => c.field_name === '__index_level_0__')!;
    assert.equal(indexColumn.name, 'context.span_id');
    const fields = table!.schema.fields.map((f) => f.name);
    assert.deepEqual(fields.slice(0, SPAN_COLUMNS.length), SPAN_COLUMNS);
    assert.equal(fields.at(-1), '__index_level_0__');
    const start = table!.schema.fields.find((f) => f.name === 'start_time')!;
    assert.equal(String(start.type), 'Timestamp<NANOSECOND, UTC>');
    const ids = table!.getChild('context.span_id')!.toArray() as string[];
    const llm = byName(traces[0]!, 'ChatCompletion');
    const row = ids.indexOf(spanId(llm));
    assert.ok(row >= 0);
    assert.equal(table!.getChild('start_time')!.data[0]!.values[row], nsOf(llm.startTime));
    assert.equal(table!.getChild('attributes.llm.token_count.prompt')!.get(row), 120);
  });
});

describe('select, explode, concat', () => {
  test('select + rename; span_id re-indexes by parent', async () => {
    const frame = await jsonFrame({
      select: { input: { key: 'input.value' }, kind: { key: 'span_kind' } },
      rename: { input: 'question' },
    });
    assert.deepEqual(frame.indexNames, ['context.span_id']);
    assert.deepEqual(frame.columns, ['question', 'kind']);
    const llm = frame.rows.find(
      (r) => r['context.span_id'] === spanId(byName(traces[0]!, 'ChatCompletion')),
    );
    assert.deepEqual(llm, {
      'context.span_id': spanId(byName(traces[0]!, 'ChatCompletion')),
      question: 'What is Heron?',
      kind: 'LLM',
    });

    const parents = await jsonFrame({
      select: { span_id: { key: 'parent_id' }, child: { key: 'name' } },
    });
    const root = spanId(byName(traces[0]!, 'rag-pipeline'));
    const children = parents.rows.filter((r) => r['context.span_id'] === root);
    assert.deepEqual(children.map((r) => r['child']).sort(), [
      'ChatCompletion',
      'format-answer',
      'retrieve-docs',
      'search_web',
    ]);
  });

  test('explode retrieval.documents: one row per document, document_position level', async () => {
    const frame = await jsonFrame({
      select: { input: { key: 'input.value' } },
      explode: {
        key: 'retrieval.documents',
        kwargs: { reference: 'document.content', score: 'document.score' },
      },
    });
    assert.deepEqual(frame.indexNames, ['context.span_id', 'document_position']);
    assert.deepEqual(frame.columns, ['input', 'reference', 'score']);
    assert.equal(frame.types['document_position'], 'integer');
    const retriever = spanId(byName(traces[0]!, 'retrieve-docs'));
    assert.deepEqual(
      frame.rows.filter((r) => r['context.span_id'] === retriever),
      [
        {
          'context.span_id': retriever,
          document_position: 0,
          input: 'heron tracing server',
          reference: 'Heron stores spans in SQLite.',
          score: 0.92,
        },
        {
          'context.span_id': retriever,
          document_position: 1,
          input: 'heron tracing server',
          reference: 'Heron speaks OTLP over HTTP and gRPC.',
          score: 0.5,
        },
      ],
    );
    assert.equal(frame.rows.length, 4);
  });

  test('concat document contents with a separator', async () => {
    const frame = await jsonFrame({
      concat: {
        key: 'retrieval.documents',
        kwargs: { reference: 'document.content' },
        separator: '\n---\n',
      },
    });
    assert.deepEqual(frame.columns, ['reference']);
    assert.deepEqual(column(frame, 'reference'), [
      'Heron stores spans in SQLite.\n---\nHeron speaks OTLP over HTTP and gRPC.',
      'Heron stores spans in SQLite.\n---\nHeron speaks OTLP over HTTP and gRPC.',
    ]);
  });

  test('Arrow for an explode: both index levels named in the pandas metadata', async () => {
    const response = await querySpans(heron.baseUrl, {
      params: { project_name: PROJECT },
      body: {
        queries: [
          { explode: { key: 'retrieval.documents', kwargs: { reference: 'document.content' } } },
          {},
        ],
      },
    });
    const tables = await arrowTables(new Uint8Array(await response.arrayBuffer()));
    assert.equal(tables.length, 2);
    assert.deepEqual(pandasMetadata(tables[0]!).index_columns, [
      'context.span_id',
      'document_position',
    ]);
    assert.equal(tables[0]!.numRows, 4);
    assert.equal(tables[1]!.numRows, 10);
  });
});

describe('filter, limit, time window', () => {
  test("filter condition span_kind == 'LLM'", async () => {
    const frame = await jsonFrame({
      filter: { condition: "span_kind == 'LLM'" },
      select: { model: { key: 'llm.model_name' } },
    });
    assert.deepEqual(
      frame.rows.map((r) => r['context.span_id']).sort(),
      traces.map((t) => spanId(byName(t, 'ChatCompletion'))).sort(),
    );
    assert.deepEqual(column(frame, 'model'), ['gpt-4o-mini', 'gpt-4o-mini']);
  });

  test('limit counts spans, newest first; root_spans_only', async () => {
    const frame = await jsonFrame({ select: { name: { key: 'name' } } }, { limit: 3 });
    assert.equal(frame.rows.length, 3);
    const secondIds = new Set(traces[1]!.map(spanId));
    for (const row of frame.rows) assert.ok(secondIds.has(row['context.span_id'] as string));
    const roots = await jsonFrame({ select: { name: { key: 'name' } } }, { root_spans_only: true });
    assert.deepEqual(column(roots, 'name'), ['rag-pipeline', 'rag-pipeline']);
  });

  test('start_time (inclusive) and end_time (exclusive) on the span start', async () => {
    const secondStart = nsOf(byName(traces[1]!, 'rag-pipeline').startTime);
    const iso = isoNanos(secondStart);
    const after = await jsonFrame({ select: { name: { key: 'name' } } }, { start_time: iso });
    assert.deepEqual(
      after.rows.map((r) => r['context.span_id']).sort(),
      traces[1]!.map(spanId).sort(),
    );
    const before = await jsonFrame({ select: { name: { key: 'name' } } }, { end_time: iso });
    assert.deepEqual(
      before.rows.map((r) => r['context.span_id']).sort(),
      traces[0]!.map(spanId).sort(),
    );
    const stop = await jsonFrame({ select: { name: { key: 'name' } } }, { stop_time: iso });
    assert.equal(stop.rows.length, 5);
  });

  test('nothing matches: an empty frame with its columns', async () => {
    const frame = await jsonFrame(
      { select: { name: { key: 'name' } } },
      { start_time: '2100-01-01T00:00:00Z' },
    );
    assert.deepEqual(frame.columns, ['name']);
    assert.equal(frame.rows.length, 0);
  });
});

describe('requests', () => {
  test('project by name in the query, the legacy header or body, or by GlobalID', async () => {
    const bodies = [
      { params: { project_name: PROJECT } },
      { params: { 'project-name': PROJECT } },
      { headers: { 'project-name': PROJECT } },
      { params: {}, extra: { project_name: PROJECT } },
    ];
    for (const { extra, ...request } of bodies as (Partial<SpanQueryRequest> & {
      extra?: object;
    })[]) {
      const frames = await jsonFrames({
        params: {},
        ...request,
        body: { queries: [{ select: { n: { key: 'name' } } }], ...extra },
      });
      assert.equal(frames[0]!.rows.length, 10, JSON.stringify(request));
    }
    const projects = (await (await fetch(`${heron.baseUrl}/v1/projects`)).json()) as {
      data: { id: string; name: string }[];
    };
    const id = projects.data.find((p) => p.name === PROJECT)!.id;
    const byId = await jsonFrames({
      params: { project_identifier: id },
      body: { queries: [{ select: { n: { key: 'name' } } }] },
    });
    assert.equal(byId[0]!.rows.length, 10);
  });

  test('GET /v1/spans with a JSON body is the deprecated alias', async () => {
    const frames = await jsonFrames({ method: 'GET', body: { queries: [{}, {}] } });
    assert.equal(frames.length, 2);
    assert.equal(frames[1]!.rows.length, 10);
  });

  test('404: unknown project, no queries; the default project is empty, not missing', async () => {
    const unknown = await querySpans(heron.baseUrl, {
      params: { project_name: 'no-such-project' },
      body: { queries: [{}] },
    });
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /Project not found: no-such-project/);
    const none = await querySpans(heron.baseUrl, {
      params: { project_name: PROJECT },
      body: { queries: [] },
    });
    assert.equal(none.status, 404);
    await none.arrayBuffer();
    const empty = await querySpans(heron.baseUrl, {
      accept: 'application/json',
      body: { queries: [{}] },
    });
    assert.equal(empty.status, 200);
    const [frame] = multipartFrames(empty.headers.get('content-type')!, await empty.text());
    assert.deepEqual(frame!.columns, SPAN_COLUMNS);
    assert.equal(frame!.rows.length, 0);
  });

  test('422 with a message for bad queries, filters and parameters', async () => {
    const cases: [unknown, RegExp][] = [
      [{ queries: {} }, /queries must be a list/],
      [[], /JSON object/],
      [
        { queries: [{ select: { a: { key: 'input.value ==' } } }] },
        /Invalid query: queries\[0\]\.select\.a\.key/,
      ],
      [
        { queries: [{}, { select: { a: {} } }] },
        /queries\[1\]\.select\.a\.key: missing expression/,
      ],
      [
        { queries: [{ filter: { condition: "span_kind = 'LLM'" } }] },
        /queries\[0\]\.filter\.condition/,
      ],
      [{ queries: [{}], limit: -1 }, /limit must be an integer/],
      [{ queries: [{}], limit: 'all' }, /limit must be an integer/],
      [{ queries: [{}], limit: 5001 }, /between 0 and 5000 \(HERON_MAX_SPAN_QUERY_LIMIT\)/],
      [{ queries: [{}], start_time: 'yesterday' }, /start_time must be an ISO 8601 timestamp/],
      [{ queries: [{}], root_spans_only: 'yes' }, /root_spans_only must be true or false/],
    ];
    for (const [body, message] of cases) {
      const response = await querySpans(heron.baseUrl, { params: { project_name: PROJECT }, body });
      const text = await response.text();
      assert.equal(response.status, 422, `${JSON.stringify(body)}: ${text}`);
      assert.match(text, message, JSON.stringify(body));
    }
  });
});

/** pandas' `Timestamp.isoformat()` of a UTC time: as many fraction digits as it needs. */
function pythonIsoformat(ns: bigint): string {
  const nanos = ns % 1_000_000_000n;
  const base = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  const fraction =
    nanos === 0n
      ? ''
      : nanos % 1000n === 0n
        ? `.${String(nanos / 1000n).padStart(6, '0')}`
        : `.${String(nanos).padStart(9, '0')}`;
  return `${base}${fraction}+00:00`;
}

/** A Python with pandas and pyarrow: HERON_PYTHON, else e2e/.venv. */
function findPython(): string | null {
  if (process.env.HERON_PYTHON) return process.env.HERON_PYTHON;
  const here = dirname(fileURLToPath(import.meta.url));
  const venv = join(here, '..', '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : null;
}

const python = findPython();

describe(
  'pandas reads the answers',
  { skip: python ? false : 'no HERON_PYTHON or e2e/.venv' },
  () => {
    interface Described {
      index_names: string[];
      columns: string[];
      dtypes: Record<string, string>;
      rows: number;
      values: Record<string, unknown>;
    }
    interface PerQuery {
      arrow_content_type: string;
      json_content_type: string;
      arrow_frames: number;
      json_frames: number;
      arrow: Described;
      json: Described;
      equal: boolean;
    }

    test('Arrow via read_pandas and JSON via the table-schema reader give the same frames', async () => {
      const script = join(
        dirname(fileURLToPath(import.meta.url)),
        '..',
        'python',
        'read_span_query.py',
      );
      const { stdout } = await promisify(execFile)(python!, [script, heron.baseUrl, PROJECT], {
        timeout: 60_000,
      });
      const out = JSON.parse(stdout) as Record<string, PerQuery> & { pandas: string };
      for (const name of ['default', 'select', 'explode']) {
        const result = out[name]!;
        assert.equal(result.arrow_content_type, ARROW_TYPE);
        assert.equal(result.json_content_type, 'multipart/mixed');
        assert.equal(result.arrow_frames, 2, name);
        assert.equal(result.json_frames, 2, name);
        assert.ok(result.equal, `${name}: Arrow and JSON frames differ`);
        for (const frame of [result.arrow, result.json]) {
          assert.deepEqual(frame.columns, result.arrow.columns, name);
        }
      }

      for (const frame of [out.default!.arrow, out.default!.json]) {
        assert.deepEqual(frame.index_names, ['context.span_id']);
        assert.deepEqual(frame.columns.slice(0, SPAN_COLUMNS.length), SPAN_COLUMNS);
        assert.equal(frame.rows, 10);
        assert.equal(frame.dtypes['start_time'], 'datetime64[ns, UTC]');
        assert.equal(frame.dtypes['end_time'], 'datetime64[ns, UTC]');
        assert.equal(frame.dtypes['attributes.llm.token_count.prompt'], 'float64');
        // Nanoseconds survive both encodings.
        assert.deepEqual(
          (frame.values['start_time'] as string[]).sort(),
          allSpans()
            .map((s) => pythonIsoformat(nsOf(s.startTime)))
            .sort(),
        );
        assert.deepEqual(frame.values['input_messages'], [
          [
            { 'message.role': 'system', 'message.content': 'You answer questions about Heron.' },
            { 'message.role': 'user', 'message.content': 'What is Heron?' },
          ],
          [
            { 'message.role': 'system', 'message.content': 'You answer questions about Heron.' },
            { 'message.role': 'user', 'message.content': 'What is Heron?' },
          ],
        ]);
      }
      for (const frame of [out.select!.arrow, out.select!.json]) {
        assert.deepEqual(frame.index_names, ['context.span_id']);
        assert.deepEqual(frame.columns, ['question', 'kind']);
      }
      for (const frame of [out.explode!.arrow, out.explode!.json]) {
        assert.deepEqual(frame.index_names, ['context.span_id', 'document_position']);
        assert.deepEqual(frame.columns, ['reference', 'score']);
        assert.equal(frame.dtypes['score'], 'float64');
        assert.equal(frame.rows, 4);
        assert.deepEqual(
          (frame.values['index'] as [string, number][]).map(([, position]) => position),
          [0, 1, 0, 1],
        );
      }
    });
  },
);
