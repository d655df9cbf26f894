/**
 * The read side: health and version endpoints, the Phoenix version header on every answer,
 * projects (list, name_contains, pagination), span filters and pagination, 404 / 422, and the
 * unmodified @arizeai/phoenix-client reading spans from Heron.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@arizeai/phoenix-client';
import { getSpans } from '@arizeai/phoenix-client/spans';
import { SpanStatusCode } from '@opentelemetry/api';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  getJson,
  listProjects,
  listSpans,
  queryString,
  type Page,
  type ProjectJson,
  type Query,
  type SpanJson,
} from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import {
  isoOf,
  protobufBody,
  randomSpanId,
  randomTraceId,
  simpleTrace,
  type SpanSpec,
} from './support/synthetic-spans.js';

const VERSION_HEADER = 'x-phoenix-server-version';
const MS = 1_000_000n;
const HOUR = 3_600_000n * MS;

let heron: HeronProcess;
/** Two traces in project alpha-one, an hour apart. */
let early: SpanSpec[];
let late: SpanSpec[];

function agentTrace(startNs: bigint): SpanSpec[] {
  const traceId = randomTraceId();
  const rootId = randomSpanId();
  return [
    {
      traceId,
      spanId: rootId,
      name: 'agent',
      startNs,
      endNs: startNs + 90n * MS,
      attributes: { 'openinference.span.kind': 'AGENT', 'user.id': 'u-1' },
      status: { code: SpanStatusCode.OK },
    },
    {
      traceId,
      spanId: randomSpanId(),
      parentSpanId: rootId,
      name: 'ChatCompletion',
      startNs: startNs + 10n * MS,
      endNs: startNs + 40n * MS,
      attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4' },
      status: { code: SpanStatusCode.ERROR, message: 'rate limited' },
    },
    {
      traceId,
      spanId: randomSpanId(),
      parentSpanId: rootId,
      name: 'ChatCompletion',
      startNs: startNs + 50n * MS,
      endNs: startNs + 60n * MS,
      attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4' },
    },
    {
      traceId,
      spanId: randomSpanId(),
      parentSpanId: rootId,
      name: 'lookup',
      startNs: startNs + 70n * MS,
      endNs: startNs + 80n * MS,
      attributes: { 'openinference.span.kind': 'TOOL' },
    },
  ];
}

async function send(specs: SpanSpec[], project: string): Promise<void> {
  const response = await postOtlp(heron.baseUrl, protobufBody(specs), {
    contentType: PROTOBUF,
    headers: { 'x-project-name': project },
  });
  assert.equal(response.status, 200);
}

before(async () => {
  heron = await spawnHeron();
  const now = BigInt(Date.now()) * MS;
  early = agentTrace(now - 2n * HOUR + 123_456n);
  late = agentTrace(now - HOUR + 654_321n);
  await send(early, 'alpha-one');
  await send(late, 'alpha-one');
  await send(simpleTrace(1), 'Alpha-Two');
  await send(simpleTrace(2), 'beta');
});

after(async () => {
  await heron?.stop();
});

function spansUrl(project: string, query: Query = {}): string {
  return `${heron.baseUrl}/v1/projects/${encodeURIComponent(project)}/spans${queryString(query)}`;
}

function ids(spans: { context: { span_id: string } }[]): string[] {
  return spans.map((s) => s.context.span_id).sort();
}

function specIds(specs: SpanSpec[]): string[] {
  return specs.map((s) => s.spanId).sort();
}

describe('health, version and the version header', () => {
  test('/healthz, /readyz and /arize_phoenix_version', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${heron.baseUrl}${path}`);
      assert.equal(response.status, 200, path);
      await response.arrayBuffer();
      assert.equal(response.headers.get(VERSION_HEADER), '15.5.0', path);
    }
    const version = await fetch(`${heron.baseUrl}/arize_phoenix_version`);
    assert.equal(version.status, 200);
    assert.match(version.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal((await version.text()).trim(), '15.5.0');
    assert.equal(version.headers.get(VERSION_HEADER), '15.5.0');
  });

  test('the header is on errors and OTLP answers too', async () => {
    const answers = [
      // (Outside /v1 an unknown path is a client-side route of the web UI: index.html.)
      await fetch(`${heron.baseUrl}/v1/no/such/route`),
      await fetch(spansUrl('no-such-project')),
      await fetch(spansUrl('alpha-one', { limit: 0 })),
      await fetch(`${heron.baseUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      }),
      await fetch(`${heron.baseUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': PROTOBUF },
        body: Buffer.alloc(0),
      }),
    ];
    assert.deepEqual(
      answers.map((a) => a.status),
      [404, 404, 422, 415, 200],
    );
    for (const answer of answers) {
      await answer.arrayBuffer();
      assert.equal(answer.headers.get(VERSION_HEADER), '15.5.0', `status ${answer.status}`);
    }
  });
});

describe('projects', () => {
  test('GET /v1/projects lists every project with a GlobalID', async () => {
    const projects = await listProjects(heron.baseUrl);
    assert.deepEqual(projects.map((p) => p.name).sort(), ['Alpha-Two', 'alpha-one', 'beta']);
    for (const project of projects) {
      assert.match(Buffer.from(project.id, 'base64').toString('utf8'), /^Project:\d+$/);
      assert.equal(project.description ?? null, null);
      const byId = await getJson<{ data: ProjectJson }>(
        `${heron.baseUrl}/v1/projects/${encodeURIComponent(project.id)}`,
      );
      const byName = await getJson<{ data: ProjectJson }>(
        `${heron.baseUrl}/v1/projects/${encodeURIComponent(project.name)}`,
      );
      assert.equal(byId.status, 200);
      assert.deepEqual(byId.body.data, byName.body.data);
      assert.equal(byId.body.data.name, project.name);
    }
  });

  test('name_contains is a case-insensitive substring match', async () => {
    const alpha = await listProjects(heron.baseUrl, { name_contains: 'ALPHA' });
    assert.deepEqual(alpha.map((p) => p.name).sort(), ['Alpha-Two', 'alpha-one']);
    assert.deepEqual(await listProjects(heron.baseUrl, { name_contains: 'zzz' }), []);
  });

  test('limit=1 pages through every project with next_cursor', async () => {
    const all = await listProjects(heron.baseUrl);
    const seen: ProjectJson[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await getJson<Page<ProjectJson>>(
        `${heron.baseUrl}/v1/projects${queryString({ limit: 1, cursor })}`,
      );
      assert.equal(page.status, 200);
      assert.equal(page.body.data.length, 1);
      seen.push(...page.body.data);
      if (page.body.next_cursor === null) break;
      cursor = page.body.next_cursor;
    }
    assert.deepEqual(seen, all);
  });
});

describe('span filters', () => {
  test('a project by name and by GlobalID gives the same spans, newest row first', async () => {
    const byName = await listSpans(heron.baseUrl, 'alpha-one');
    const project = (await listProjects(heron.baseUrl)).find((p) => p.name === 'alpha-one')!;
    const byId = await listSpans(heron.baseUrl, project.id);
    assert.deepEqual(byId, byName);
    assert.deepEqual(ids(byName), specIds([...early, ...late]));
    const rowids = byName.map((s) => Number(Buffer.from(s.id, 'base64').toString().split(':')[1]));
    assert.deepEqual(
      rowids,
      [...rowids].sort((a, b) => b - a),
    );
  });

  test('trace_id (one or several)', async () => {
    const one = await listSpans(heron.baseUrl, 'alpha-one', { trace_id: early[0]!.traceId });
    assert.deepEqual(ids(one), specIds(early));
    const both = await listSpans(heron.baseUrl, 'alpha-one', {
      trace_id: [early[0]!.traceId, late[0]!.traceId],
    });
    assert.equal(both.length, 8);
  });

  test('parent_id=null gives the roots', async () => {
    const roots = await listSpans(heron.baseUrl, 'alpha-one', { parent_id: 'null' });
    assert.deepEqual(ids(roots), specIds([early[0]!, late[0]!]));
    for (const root of roots) assert.equal(root.parent_id, null);
  });

  test('span_kind, status_code and name (repeatable)', async () => {
    const llm = await listSpans(heron.baseUrl, 'alpha-one', { span_kind: 'LLM' });
    assert.equal(llm.length, 4);
    assert.ok(llm.every((s) => s.span_kind === 'LLM'));
    const llmOrTool = await listSpans(heron.baseUrl, 'alpha-one', { span_kind: ['LLM', 'TOOL'] });
    assert.equal(llmOrTool.length, 6);
    const errors = await listSpans(heron.baseUrl, 'alpha-one', { status_code: 'ERROR' });
    assert.deepEqual(ids(errors), specIds([early[1]!, late[1]!]));
    const ok = await listSpans(heron.baseUrl, 'alpha-one', { status_code: ['OK', 'UNSET'] });
    assert.equal(ok.length, 6);
    const named = await listSpans(heron.baseUrl, 'alpha-one', { name: 'lookup' });
    assert.deepEqual(ids(named), specIds([early[3]!, late[3]!]));
    const combined = await listSpans(heron.baseUrl, 'alpha-one', {
      name: 'ChatCompletion',
      status_code: 'ERROR',
      trace_id: late[0]!.traceId,
    });
    assert.deepEqual(ids(combined), [late[1]!.spanId]);
  });

  test('start_time / end_time select span starts in [start, end)', async () => {
    const window = await listSpans(heron.baseUrl, 'alpha-one', {
      start_time: isoOf(late[0]!.startNs),
      end_time: isoOf(late[0]!.startNs + 60n * MS),
    });
    // The root (+0, the inclusive bound, to the µs) and both LLM spans (+10, +50 ms) are in;
    // the tool span (+70 ms) is out.
    assert.deepEqual(ids(window), specIds(late.slice(0, 3)));
    const beforeLate = await listSpans(heron.baseUrl, 'alpha-one', {
      end_time: new Date(Number((late[0]!.startNs - HOUR / 2n) / MS)).toISOString(),
    });
    assert.deepEqual(ids(beforeLate), specIds(early));
  });

  test('limit and cursor page through all spans without repeats', async () => {
    const all = await listSpans(heron.baseUrl, 'alpha-one');
    const seen: SpanJson[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await getJson<Page<SpanJson>>(spansUrl('alpha-one', { limit: 3, cursor }));
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 3);
      seen.push(...page.body.data);
      if (page.body.next_cursor === null) break;
      cursor = page.body.next_cursor;
    }
    assert.deepEqual(seen, all);
  });
});

describe('errors', () => {
  test('404 for an unknown project', async () => {
    for (const url of [
      spansUrl('no-such-project'),
      `${heron.baseUrl}/v1/projects/no-such-project`,
      `${heron.baseUrl}/v1/projects/no-such-project/traces`,
      spansUrl(Buffer.from('Project:999').toString('base64')),
    ]) {
      const response = await getJson<{ message?: string }>(url);
      assert.equal(response.status, 404, url);
      assert.match(JSON.stringify(response.body), /not found/i);
    }
  });

  test('422 for bad limits, kinds, status codes, times and cursors', async () => {
    for (const query of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 'abc' },
      { span_kind: 'BOGUS' },
      { status_code: 'NOPE' },
      { start_time: 'yesterday' },
      { cursor: 'not-a-cursor' },
    ] as Query[]) {
      const response = await getJson<unknown>(spansUrl('alpha-one', query));
      assert.equal(response.status, 422, JSON.stringify(query));
      const name = Object.keys(query)[0]!;
      assert.match(JSON.stringify(response.body), new RegExp(name), JSON.stringify(query));
    }
    const projects = await getJson<unknown>(`${heron.baseUrl}/v1/projects?limit=0`);
    assert.equal(projects.status, 422);
  });
});

describe('@arizeai/phoenix-client', () => {
  const client = () => createClient({ options: { baseUrl: heron.baseUrl } });

  test('getSpans of a project', async () => {
    const { spans, nextCursor } = await getSpans({
      client: client(),
      project: { projectName: 'alpha-one' },
    });
    assert.equal(nextCursor, null);
    assert.deepEqual(ids(spans), specIds([...early, ...late]));
    const llm = spans.find((s) => s.context.span_id === early[1]!.spanId)!;
    assert.equal(llm.name, 'ChatCompletion');
    assert.equal(llm.span_kind, 'LLM');
    assert.equal(llm.parent_id, early[0]!.spanId);
    assert.equal(llm.status_code, 'ERROR');
    assert.equal(llm.status_message, 'rate limited');
    assert.equal(llm.start_time, isoOf(early[1]!.startNs));
    assert.deepEqual(llm.attributes, { 'llm.model_name': 'gpt-4' });
  });

  test('getSpans with spanKind, traceIds, parentId: null, statusCode', async () => {
    const project = { projectName: 'alpha-one' };
    const llm = await getSpans({ client: client(), project, spanKind: 'LLM' });
    assert.equal(llm.spans.length, 4);
    const early1 = await getSpans({ client: client(), project, traceIds: [early[0]!.traceId] });
    assert.deepEqual(ids(early1.spans), specIds(early));
    const roots = await getSpans({ client: client(), project, parentId: null });
    assert.deepEqual(ids(roots.spans), specIds([early[0]!, late[0]!]));
    const failed = await getSpans({
      client: client(),
      project,
      statusCode: 'ERROR',
      traceIds: [late[0]!.traceId],
    });
    assert.deepEqual(ids(failed.spans), [late[1]!.spanId]);
  });

  test('getSpans pages with limit and cursor, and finds a project by id', async () => {
    const project = (await listProjects(heron.baseUrl)).find((p) => p.name === 'alpha-one')!;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof getSpans>> = await getSpans({
        client: client(),
        project: { projectId: project.id },
        limit: 3,
        cursor,
      });
      seen.push(...page.spans.map((s) => s.context.span_id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen.sort(), specIds([...early, ...late]));
  });
});
