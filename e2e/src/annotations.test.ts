/**
 * Annotations, notes and annotation configs through the unmodified @arizeai/phoenix-client
 * against a real Heron: span, trace, session and document annotations (sync and async, async
 * visible at once), upsert by identifier, notes that append, reads, pagination, delete by
 * filter, config CRUD and project assignment, and the error answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, HttpError } from '@arizeai/phoenix-client';
import {
  addDocumentAnnotation,
  addSpanAnnotation,
  addSpanNote,
  getSpanAnnotations,
  logSpanAnnotations,
} from '@arizeai/phoenix-client/spans';
import {
  addSessionAnnotation,
  addSessionNote,
  logSessionAnnotations,
} from '@arizeai/phoenix-client/sessions';
import {
  addTraceAnnotation,
  addTraceNote,
  logTraceAnnotations,
} from '@arizeai/phoenix-client/traces';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import {
  nowNs,
  protobufBody,
  randomSpanId,
  randomTraceId,
  type SpanSpec,
} from './support/synthetic-spans.js';

const PROJECT = 'annotated';
const SESSION = 'chat-42';
const MAX_ANNOTATIONS = 50;
const MS = 1_000_000n;

let heron: HeronProcess;
let client: ReturnType<typeof createClient>;
/** root (CHAIN, session chat-42) → retriever (RETRIEVER, 2 documents), llm (LLM). */
let trace: { traceId: string; root: string; retriever: string; llm: string };

function decodeId(id: string): string {
  return Buffer.from(id, 'base64').toString('utf8');
}

/** Runs `call`, expecting the client to throw HttpError with `status`; returns the JSON body. */
async function httpError(
  status: number,
  call: () => Promise<unknown>,
): Promise<{ message: string }> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected HttpError, got ${String(error)}`);
    assert.equal(error.status, status);
    return (await error.response.json()) as { message: string };
  }
  assert.fail(`expected an HTTP ${status}`);
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${heron.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function spanAnnotations(spanIds: string[], names?: string[]) {
  const { annotations, nextCursor } = await getSpanAnnotations({
    client,
    project: { projectName: PROJECT },
    spanIds,
    includeAnnotationNames: names,
  });
  assert.equal(nextCursor, null);
  return annotations;
}

before(async () => {
  heron = await spawnHeron({
    env: { HERON_MAX_ANNOTATIONS_PER_REQUEST: String(MAX_ANNOTATIONS) },
  });
  client = createClient({ options: { baseUrl: heron.baseUrl } });
  const start = nowNs();
  trace = {
    traceId: randomTraceId(),
    root: randomSpanId(),
    retriever: randomSpanId(),
    llm: randomSpanId(),
  };
  const specs: SpanSpec[] = [
    {
      traceId: trace.traceId,
      spanId: trace.root,
      name: 'agent',
      startNs: start,
      endNs: start + 50n * MS,
      attributes: { 'openinference.span.kind': 'CHAIN', 'session.id': SESSION },
    },
    {
      traceId: trace.traceId,
      spanId: trace.retriever,
      parentSpanId: trace.root,
      name: 'retrieve',
      startNs: start + 1n * MS,
      endNs: start + 10n * MS,
      attributes: {
        'openinference.span.kind': 'RETRIEVER',
        'retrieval.documents.0.document.content': 'herons wade',
        'retrieval.documents.1.document.content': 'egrets too',
      },
    },
    {
      traceId: trace.traceId,
      spanId: trace.llm,
      parentSpanId: trace.root,
      name: 'ChatCompletion',
      startNs: start + 11n * MS,
      endNs: start + 40n * MS,
      attributes: { 'openinference.span.kind': 'LLM' },
    },
  ];
  const response = await postOtlp(heron.baseUrl, protobufBody(specs), {
    contentType: PROTOBUF,
    headers: { 'x-project-name': PROJECT },
  });
  assert.equal(response.status, 200);
});

after(async () => {
  await heron?.stop();
});

describe('span annotations', () => {
  test('sync and async writes, read back at once by getSpanAnnotations', async () => {
    const synced = await addSpanAnnotation({
      client,
      sync: true,
      spanAnnotation: {
        spanId: trace.llm,
        name: 'correctness',
        label: 'correct',
        score: 1,
        explanation: 'matches the reference',
        annotatorKind: 'LLM',
        metadata: { judge: 'gpt-4o' },
      },
    });
    assert.ok(synced);
    assert.match(decodeId(synced.id), /^SpanAnnotation:\d+$/);

    const queued = await addSpanAnnotation({
      client,
      spanAnnotation: { spanId: trace.llm, name: 'helpfulness', score: 0.4 },
    });
    assert.equal(queued, null, 'async answers like Phoenix: no id');

    const logged = await logSpanAnnotations({
      client,
      sync: true,
      spanAnnotations: [
        { spanId: trace.root, name: 'toxicity', label: 'clean', annotatorKind: 'CODE' },
        { spanId: trace.retriever, name: 'toxicity', label: 'clean', annotatorKind: 'CODE' },
      ],
    });
    assert.equal(logged.length, 2);
    const loggedAsync = await logSpanAnnotations({
      client,
      spanAnnotations: [{ spanId: trace.root, name: 'latency-ok', label: 'yes' }],
    });
    assert.deepEqual(loggedAsync, []);

    // Async writes are committed before the answer: visible to the very next read.
    const annotations = await spanAnnotations([trace.root, trace.retriever, trace.llm]);
    assert.deepEqual(
      annotations.map((a) => `${a.span_id}/${a.name}`).sort(),
      [
        `${trace.llm}/correctness`,
        `${trace.llm}/helpfulness`,
        `${trace.retriever}/toxicity`,
        `${trace.root}/latency-ok`,
        `${trace.root}/toxicity`,
      ].sort(),
    );
    const correctness = annotations.find((a) => a.name === 'correctness')!;
    assert.equal(correctness.id, synced.id);
    assert.deepEqual(correctness.result, {
      label: 'correct',
      score: 1,
      explanation: 'matches the reference',
    });
    assert.equal(correctness.annotator_kind, 'LLM');
    assert.deepEqual(correctness.metadata, { judge: 'gpt-4o' });
    assert.equal(correctness.identifier, '');
    assert.equal(correctness.source, 'API');
    assert.equal(correctness.user_id, null);
    assert.ok(Math.abs(Date.parse(correctness.created_at) - Date.now()) < 60_000);
    assert.equal(annotations.find((a) => a.name === 'helpfulness')!.annotator_kind, 'HUMAN');
    const toxicity = await spanAnnotations([trace.root, trace.retriever], ['toxicity']);
    assert.equal(toxicity.length, 2);
  });

  test('upserts on (name, span, identifier)', async () => {
    const write = (identifier: string, score: number) =>
      logSpanAnnotations({
        client,
        sync: true,
        spanAnnotations: [{ spanId: trace.llm, name: 'faithfulness', score, identifier }],
      });
    const [first] = await write('run-1', 0.2);
    const [again] = await write('run-1', 0.8);
    const [other] = await write('run-2', 0.5);
    assert.equal(again!.id, first!.id);
    assert.notEqual(other!.id, first!.id);
    const rows = await spanAnnotations([trace.llm], ['faithfulness']);
    assert.deepEqual(rows.map((a) => [a.identifier, a.result?.score]).sort(), [
      ['run-1', 0.8],
      ['run-2', 0.5],
    ]);
  });

  test('addSpanNote appends a note per call; one with an identifier is upserted', async () => {
    const first = await addSpanNote({ client, spanNote: { spanId: trace.retriever, note: 'odd' } });
    const second = await addSpanNote({
      client,
      spanNote: { spanId: trace.retriever, note: 'very odd' },
    });
    assert.notEqual(first.id, second.id);
    await addSpanNote({
      client,
      spanNote: { spanId: trace.retriever, note: 'a', identifier: 'r' },
    });
    await addSpanNote({
      client,
      spanNote: { spanId: trace.retriever, note: 'b', identifier: 'r' },
    });
    const notes = await spanAnnotations([trace.retriever], ['note']);
    assert.deepEqual(notes.map((n) => n.result?.explanation).sort(), ['b', 'odd', 'very odd']);
    for (const note of notes.filter((n) => n.identifier !== 'r')) {
      assert.match(note.identifier ?? '', /^px-span-note:/);
    }
  });

  test('pages with limit and cursor, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof getSpanAnnotations>> = await getSpanAnnotations({
        client,
        project: { projectName: PROJECT },
        spanIds: [trace.root, trace.retriever, trace.llm],
        limit: 2,
        cursor,
      });
      assert.ok(page.annotations.length <= 2);
      seen.push(...page.annotations.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = await spanAnnotations([trace.root, trace.retriever, trace.llm]);
    assert.deepEqual(
      seen,
      all.map((a) => a.id),
    );
    const rowids = seen.map((id) => Number(decodeId(id).split(':')[1]));
    assert.deepEqual(
      rowids,
      [...rowids].sort((a, b) => b - a),
    );
  });

  test('async skips unknown spans (and logs them); sync rejects with 404 naming them', async () => {
    const unknown = randomSpanId();
    const skipped = await logSpanAnnotations({
      client,
      spanAnnotations: [
        { spanId: unknown, name: 'skipped', label: 'x' },
        { spanId: trace.llm, name: 'kept', label: 'x' },
      ],
    });
    assert.deepEqual(skipped, []);
    assert.equal((await spanAnnotations([trace.llm], ['kept'])).length, 1);
    assert.match(heron.output(), /annotation target\(s\) not found/);

    const body = await httpError(404, () =>
      logSpanAnnotations({
        client,
        sync: true,
        spanAnnotations: [
          { spanId: trace.llm, name: 'never', label: 'x' },
          { spanId: unknown, name: 'never', label: 'x' },
        ],
      }),
    );
    assert.match(body.message, new RegExp(unknown));
    assert.equal((await spanAnnotations([trace.llm], ['never'])).length, 0, 'nothing written');
  });
});

describe('trace, session and document annotations', () => {
  test('trace annotations and notes, read back with the raw client', async () => {
    const synced = await addTraceAnnotation({
      client,
      sync: true,
      traceAnnotation: { traceId: trace.traceId, name: 'resolved', label: 'yes', score: 1 },
    });
    assert.match(decodeId(synced!.id), /^TraceAnnotation:\d+$/);
    assert.deepEqual(
      await logTraceAnnotations({
        client,
        traceAnnotations: [{ traceId: trace.traceId, name: 'cost-ok', label: 'yes' }],
      }),
      [],
    );
    const note = await addTraceNote({ client, traceNote: { traceId: trace.traceId, note: 'hm' } });
    assert.match(decodeId(note.id), /^TraceAnnotation:\d+$/);

    const { data } = await client.GET('/v1/projects/{project_identifier}/trace_annotations', {
      params: { path: { project_identifier: PROJECT }, query: { trace_ids: [trace.traceId] } },
    });
    assert.ok(data);
    assert.deepEqual(data.data.map((a) => a.name).sort(), ['cost-ok', 'note', 'resolved']);
    assert.ok(data.data.every((a) => a.trace_id === trace.traceId));
    assert.equal(data.data.find((a) => a.name === 'note')!.result?.explanation, 'hm');
    assert.equal(data.next_cursor, null);
  });

  test('session annotations and notes by the session.id', async () => {
    const synced = await addSessionAnnotation({
      client,
      sync: true,
      sessionAnnotation: { sessionId: SESSION, name: 'csat', score: 5 },
    });
    assert.match(decodeId(synced!.id), /^SessionAnnotation:\d+$/);
    await logSessionAnnotations({
      client,
      sessionAnnotations: [{ sessionId: SESSION, name: 'resolved', label: 'no' }],
    });
    await addSessionNote({ client, sessionNote: { sessionId: SESSION, note: 'escalate' } });

    const { data } = await client.GET('/v1/projects/{project_identifier}/session_annotations', {
      params: { path: { project_identifier: PROJECT }, query: { session_ids: [SESSION] } },
    });
    assert.ok(data);
    assert.deepEqual(data.data.map((a) => a.name).sort(), ['csat', 'note', 'resolved']);
    assert.ok(data.data.every((a) => a.session_id === SESSION));
    assert.match(data.data.find((a) => a.name === 'note')!.identifier ?? '', /^px-session-note:/);
  });

  test('document annotations upsert on (name, span, position)', async () => {
    const annotate = (documentPosition: number, score: number) =>
      addDocumentAnnotation({
        client,
        sync: true,
        documentAnnotation: { spanId: trace.retriever, documentPosition, name: 'relevance', score },
      });
    const first = await annotate(0, 0.9);
    const second = await annotate(1, 0.1);
    const again = await annotate(0, 0.7);
    assert.match(decodeId(first!.id), /^DocumentAnnotation:\d+$/);
    assert.notEqual(first!.id, second!.id);
    assert.equal(again!.id, first!.id);
    const queued = await addDocumentAnnotation({
      client,
      documentAnnotation: {
        spanId: trace.retriever,
        documentPosition: 1,
        name: 'relevance',
        score: 0.2,
      },
    });
    assert.equal(queued, null);
  });
});

describe('delete by filter', () => {
  test('needs a time window or delete_all, then deletes only what matches', async () => {
    await logSpanAnnotations({
      client,
      sync: true,
      spanAnnotations: [
        { spanId: trace.root, name: 'doomed', label: 'x', identifier: 'a' },
        { spanId: trace.llm, name: 'doomed', label: 'x', identifier: 'b' },
        { spanId: trace.llm, name: 'spared', label: 'x', identifier: 'a' },
      ],
    });
    const path = '/v1/projects/{project_identifier}/span_annotations' as const;
    const project_identifier = PROJECT;
    const unbounded = await httpError(422, () =>
      client.DELETE(path, { params: { path: { project_identifier }, query: { name: 'doomed' } } }),
    );
    assert.match(unbounded.message, /delete_all/);

    const hour = 3_600_000;
    const { response } = await client.DELETE(path, {
      params: {
        path: { project_identifier },
        query: {
          identifier: 'a',
          start_time: new Date(Date.now() - hour).toISOString(),
          end_time: new Date(Date.now() + hour).toISOString(),
        },
      },
    });
    assert.equal(response.status, 204);
    assert.deepEqual(
      (await spanAnnotations([trace.root, trace.llm], ['doomed', 'spared'])).map((a) => a.name),
      ['doomed'],
    );
    const all = await client.DELETE(path, {
      params: { path: { project_identifier }, query: { delete_all: true, name: 'doomed' } },
    });
    assert.equal(all.response.status, 204);
    assert.deepEqual(await spanAnnotations([trace.root, trace.llm], ['doomed', 'spared']), []);
    assert.ok((await spanAnnotations([trace.llm], ['correctness'])).length === 1, 'others stay');

    const traces = await client.DELETE('/v1/projects/{project_identifier}/trace_annotations', {
      params: { path: { project_identifier }, query: { delete_all: true, name: 'cost-ok' } },
    });
    assert.equal(traces.response.status, 204);
    const sessions = await client.DELETE('/v1/projects/{project_identifier}/session_annotations', {
      params: {
        path: { project_identifier },
        query: { delete_all: true, annotator_kind: 'HUMAN' },
      },
    });
    assert.equal(sessions.response.status, 204);
    const { data } = await client.GET('/v1/projects/{project_identifier}/session_annotations', {
      params: { path: { project_identifier }, query: { session_ids: [SESSION] } },
    });
    assert.deepEqual(data?.data, []);
  });
});

describe('annotation configs', () => {
  test('CRUD, lookup by id or name, and project assignment', async () => {
    const listed = await client.GET('/v1/annotation_configs');
    const seeded = listed.data!.data.find((c) => c.name === 'user_feedback');
    assert.deepEqual(seeded && { ...seeded, id: 'x' }, {
      id: 'x',
      name: 'user_feedback',
      type: 'CATEGORICAL',
      description: null,
      optimization_direction: 'MAXIMIZE',
      values: [
        { label: 'positive', score: 1 },
        { label: 'negative', score: 0 },
      ],
    });

    const created = await client.POST('/v1/annotation_configs', {
      body: {
        type: 'CATEGORICAL',
        name: 'tone',
        description: 'how it sounds',
        optimization_direction: 'MAXIMIZE',
        values: [
          { label: 'warm', score: 1 },
          { label: 'cold', score: 0 },
        ],
      },
    });
    const config = created.data!.data;
    assert.match(decodeId(config.id), /^AnnotationConfig:\d+$/);
    const byName = await client.GET('/v1/annotation_configs/{config_identifier}', {
      params: { path: { config_identifier: 'tone' } },
    });
    assert.deepEqual(byName.data!.data, config);
    const byId = await client.GET('/v1/annotation_configs/{config_identifier}', {
      params: { path: { config_identifier: config.id } },
    });
    assert.deepEqual(byId.data!.data, config);

    const duplicate = await httpError(409, () =>
      client.POST('/v1/annotation_configs', {
        body: { type: 'FREEFORM', name: 'tone' },
      }),
    );
    assert.match(duplicate.message, /tone/);

    const updated = await client.PUT('/v1/annotation_configs/{config_id}', {
      params: { path: { config_id: config.id } },
      body: {
        type: 'CONTINUOUS',
        name: 'tone-score',
        optimization_direction: 'MINIMIZE',
        lower_bound: 0,
        upper_bound: 5,
      },
    });
    assert.deepEqual(updated.data!.data, {
      id: config.id,
      name: 'tone-score',
      type: 'CONTINUOUS',
      description: null,
      optimization_direction: 'MINIMIZE',
      lower_bound: 0,
      upper_bound: 5,
    });

    const project = { project_identifier: PROJECT };
    const set = await client.PUT('/v1/projects/{project_identifier}/annotation_configs', {
      params: { path: project },
      body: { annotation_config_ids: [config.id, seeded!.id] },
    });
    assert.deepEqual(
      set.data!.data.map((c) => c.name),
      ['tone-score', 'user_feedback'],
    );
    const unassigned = await client.DELETE(
      '/v1/projects/{project_identifier}/annotation_configs/{config_identifier}',
      { params: { path: { ...project, config_identifier: 'user_feedback' } } },
    );
    assert.equal(unassigned.response.status, 204);
    const assigned = await client.GET('/v1/projects/{project_identifier}/annotation_configs', {
      params: { path: project },
    });
    assert.deepEqual(
      assigned.data!.data.map((c) => c.name),
      ['tone-score'],
    );
    const reassigned = await client.PUT(
      '/v1/projects/{project_identifier}/annotation_configs/{config_identifier}',
      { params: { path: { ...project, config_identifier: 'user_feedback' } } },
    );
    assert.equal(reassigned.data!.data.name, 'user_feedback');

    const deleted = await client.DELETE('/v1/annotation_configs/{config_id}', {
      params: { path: { config_id: config.id } },
    });
    assert.equal(deleted.data!.data.name, 'tone-score');
    await httpError(404, () =>
      client.GET('/v1/annotation_configs/{config_identifier}', {
        params: { path: { config_identifier: config.id } },
      }),
    );
    const after = await client.GET('/v1/projects/{project_identifier}/annotation_configs', {
      params: { path: project },
    });
    assert.deepEqual(
      after.data!.data.map((c) => c.name),
      ['user_feedback'],
    );
  });
});

describe('errors', () => {
  test('the name "note" is reserved: 400', async () => {
    const body = await httpError(400, () =>
      addSpanAnnotation({
        client,
        sync: true,
        spanAnnotation: { spanId: trace.llm, name: 'note', label: 'x' },
      }),
    );
    assert.match(body.message, /note/);
  });

  test('a bad annotator_kind is 422, and an invalid item writes nothing of its batch', async () => {
    const response = await post('/v1/span_annotations?sync=true', {
      data: [
        { span_id: trace.llm, name: 'partial', annotator_kind: 'HUMAN', result: { label: 'x' } },
        { span_id: trace.llm, name: 'partial', annotator_kind: 'ROBOT', result: { label: 'x' } },
      ],
    });
    assert.equal(response.status, 422);
    const body = (await response.json()) as { statusCode: number; message: string };
    assert.equal(body.statusCode, 422);
    assert.match(body.message, /data\[1\]\.annotator_kind/);
    assert.match(body.message, /ROBOT/);
    assert.equal((await spanAnnotations([trace.llm], ['partial'])).length, 0);
  });

  test('other malformed items are 422 with the field named', async () => {
    const valid = { span_id: trace.llm, name: 'x', annotator_kind: 'LLM', result: { score: 1 } };
    for (const [path, item, field] of [
      ['/v1/span_annotations', { ...valid, result: {} }, 'result'],
      ['/v1/span_annotations', { ...valid, result: { score: 'high' } }, 'score'],
      ['/v1/span_annotations', { ...valid, span_id: '' }, 'span_id'],
      ['/v1/document_annotations', { ...valid, document_position: -1 }, 'document_position'],
      [
        '/v1/document_annotations',
        { ...valid, document_position: 0, identifier: 'r' },
        'identifier',
      ],
    ] as const) {
      const response = await post(path, { data: [item] });
      assert.equal(response.status, 422, JSON.stringify(item));
      const body = (await response.json()) as { message: string };
      assert.match(body.message, new RegExp(field), JSON.stringify(item));
    }
  });

  test(`more than HERON_MAX_ANNOTATIONS_PER_REQUEST (${MAX_ANNOTATIONS}) annotations: 413`, async () => {
    const data = Array.from({ length: MAX_ANNOTATIONS + 1 }, (_, i) => ({
      span_id: trace.llm,
      name: `bulk-${i}`,
      annotator_kind: 'CODE',
      result: { score: i },
    }));
    const response = await post('/v1/span_annotations?sync=true', { data });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { message: string };
    assert.match(body.message, /HERON_MAX_ANNOTATIONS_PER_REQUEST/);
    const atLimit = await post('/v1/span_annotations?sync=true', {
      data: data.slice(0, MAX_ANNOTATIONS),
    });
    assert.equal(atLimit.status, 200);
    assert.equal(((await atLimit.json()) as { data: unknown[] }).data.length, MAX_ANNOTATIONS);
  });

  test('reads: 422 without ids, 404 for unknown ids or project', async () => {
    await httpError(422, () =>
      client.GET('/v1/projects/{project_identifier}/span_annotations', {
        params: { path: { project_identifier: PROJECT } },
      }),
    );
    const unknownSpans = await httpError(404, () =>
      getSpanAnnotations({ client, project: { projectName: PROJECT }, spanIds: [randomSpanId()] }),
    );
    assert.match(unknownSpans.message, /span_ids/);
    await httpError(404, () =>
      getSpanAnnotations({ client, project: { projectName: 'nope' }, spanIds: [trace.llm] }),
    );
    await httpError(404, () =>
      addTraceNote({ client, traceNote: { traceId: randomTraceId(), note: 'lost' } }),
    );
  });
});
