/**
 * Retention through a real `heron serve`: traces sent over OTLP with old and new timestamps, a
 * project's policy set over the REST API, a sweep run (on demand and by the periodic sweeper
 * with HERON_DEFAULT_RETENTION_DAYS), and what remains read back over the REST API — spans,
 * traces, sessions and annotations. Runs on SQLite, and on PostgreSQL under
 * `npm run test:e2e:postgres`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { getJson, listSpans, listTraces } from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import { SseStream } from './support/sse-stream.js';
import { nowNs, protobufBody, simpleTrace, type SpanSpec } from './support/synthetic-spans.js';

const DAY = 86_400n * 1_000_000_000n;
const MINUTE = 60n * 1_000_000_000n;

interface PolicyJson {
  project_id: string;
  source: 'project' | 'default';
  max_age_days: number | null;
  max_traces: number | null;
}

interface SweepJson {
  deleted_traces: number;
  deleted_spans: number;
  deleted_sessions: number;
  batches: number;
}

interface SessionJson {
  session_id: string;
  trace_count: number;
  token_count_prompt: number;
  traces: { trace_id: string }[];
}

/** A root with `children` children, started `age` ns ago, in `session` when given. */
function traceAged(age: bigint, children: number, session?: string): SpanSpec[] {
  return simpleTrace(children, session ? { 'session.id': session } : {}, nowNs() - age);
}

async function send(baseUrl: string, project: string, traces: SpanSpec[][]): Promise<void> {
  const body = protobufBody(traces.flat(), {
    resourceAttributes: { 'openinference.project.name': project },
  });
  const response = await postOtlp(baseUrl, body, { contentType: PROTOBUF });
  assert.equal(response.status, 200);
}

async function request<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const policyPath = (project: string) => `/v1/projects/${encodeURIComponent(project)}/retention`;

async function traceIds(baseUrl: string, project: string): Promise<string[]> {
  return (await listTraces(baseUrl, project)).map((trace) => trace.trace_id).sort();
}

const idsOf = (traces: SpanSpec[][]) => traces.map((trace) => trace[0]!.traceId).sort();

describe('retention policies over the API, swept on demand', () => {
  let heron: HeronProcess;

  before(async () => {
    // The periodic sweep runs once at start (nothing to do yet), then not again in this test.
    heron = await spawnHeron({ env: { HERON_RETENTION_SWEEP_INTERVAL_SECONDS: '3600' } });
  });
  after(async () => {
    await heron?.stop();
    if (heron) rmSync(heron.workingDir, { recursive: true, force: true });
  });

  test('by age: old traces, their spans, annotations and emptied sessions go; new ones stay', async () => {
    const base = heron.baseUrl;
    const old = [traceAged(10n * DAY, 2, 'chat-old'), traceAged(8n * DAY, 1, 'chat-mixed')];
    const fresh = [traceAged(MINUTE, 1, 'chat-mixed'), traceAged(6n * DAY, 3)];
    await send(base, 'retention-age', [...old, ...fresh]);
    // Another project, old too, on the default policy (keep forever).
    const untouched = [traceAged(400n * DAY, 1)];
    await send(base, 'retention-untouched', untouched);
    const annotate = await request<unknown>(base, 'POST', '/v1/span_annotations?sync=true', {
      data: [old[0]!, fresh[0]!].map((trace) => ({
        span_id: trace[0]!.spanId,
        name: 'quality',
        annotator_kind: 'HUMAN',
        result: { label: 'good' },
      })),
    });
    assert.equal(annotate.status, 200);

    const before = await request<{ data: PolicyJson }>(base, 'GET', policyPath('retention-age'));
    assert.equal(before.status, 200);
    assert.deepEqual(
      { ...before.body.data, project_id: undefined },
      { project_id: undefined, source: 'default', max_age_days: null, max_traces: null },
    );

    const set = await request<{ data: PolicyJson }>(base, 'PUT', policyPath('retention-age'), {
      max_age_days: 7,
      max_traces: null,
    });
    assert.equal(set.status, 200);
    assert.equal(set.body.data.source, 'project');
    assert.equal(set.body.data.max_age_days, 7);
    assert.equal(set.body.data.project_id, before.body.data.project_id);
    const read = await request<{ data: PolicyJson }>(base, 'GET', policyPath('retention-age'));
    assert.deepEqual(read.body.data, set.body.data);

    const sweep = await request<{ data: SweepJson }>(base, 'POST', '/v1/retention/sweep');
    assert.equal(sweep.status, 200);
    assert.deepEqual(sweep.body.data, {
      deleted_traces: 2,
      deleted_spans: 3 + 2,
      deleted_sessions: 1,
      batches: 1,
    });

    assert.deepEqual(await traceIds(base, 'retention-age'), idsOf(fresh));
    const spans = await listSpans(base, 'retention-age');
    assert.deepEqual(
      spans.map((span) => span.context.trace_id).sort(),
      fresh
        .flat()
        .map((span) => span.traceId)
        .sort(),
    );
    assert.deepEqual(await traceIds(base, 'retention-untouched'), idsOf(untouched));

    const sessions = await getJson<{ data: SessionJson[] }>(
      `${base}/v1/projects/retention-age/sessions`,
    );
    assert.deepEqual(
      sessions.body.data.map((s) => [s.session_id, s.trace_count, s.traces.map((t) => t.trace_id)]),
      [['chat-mixed', 1, [fresh[0]![0]!.traceId]]],
    );
    const oldSession = await getJson<unknown>(`${base}/v1/sessions/chat-old`);
    assert.equal(oldSession.status, 404);

    // The old span's annotation went with it; the kept one's stays.
    const annotations = (spanIds: string[]) =>
      getJson<{ data: { span_id: string }[] }>(
        `${base}/v1/projects/retention-age/span_annotations?${spanIds.map((id) => `span_ids=${id}`).join('&')}`,
      );
    assert.equal((await annotations([old[0]![0]!.spanId])).status, 404);
    const kept = await annotations([old[0]![0]!.spanId, fresh[0]![0]!.spanId]);
    assert.deepEqual(
      kept.body.data.map((a) => a.span_id),
      [fresh[0]![0]!.spanId],
    );

    // Nothing is due any more.
    const again = await request<{ data: SweepJson }>(base, 'POST', '/v1/retention/sweep');
    assert.equal(again.body.data.deleted_traces, 0);
  });

  test('by count: only the newest max_traces traces stay; DELETE goes back to the default', async () => {
    const base = heron.baseUrl;
    const traces = [5n, 4n, 3n, 2n, 1n].map((minutes) => traceAged(minutes * MINUTE, 1));
    await send(base, 'retention-count', traces);
    const set = await request<{ data: PolicyJson }>(base, 'PUT', policyPath('retention-count'), {
      max_traces: 2,
    });
    assert.deepEqual(
      { source: set.body.data.source, days: set.body.data.max_age_days },
      { source: 'project', days: null },
    );
    const sweep = await request<{ data: SweepJson }>(base, 'POST', '/v1/retention/sweep');
    assert.equal(sweep.body.data.deleted_traces, 3);
    assert.deepEqual(await traceIds(base, 'retention-count'), idsOf(traces.slice(3)));

    const cleared = await request<{ data: PolicyJson }>(
      base,
      'DELETE',
      policyPath('retention-count'),
    );
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.data.source, 'default');
    assert.equal(cleared.body.data.max_traces, null);
    await send(base, 'retention-count', [traceAged(0n, 1)]);
    await request(base, 'POST', '/v1/retention/sweep');
    assert.equal((await traceIds(base, 'retention-count')).length, 3, 'default keeps everything');
  });

  test('live clients are told which projects a sweep deleted from', async () => {
    const base = heron.baseUrl;
    await send(base, 'retention-live', [traceAged(30n * DAY, 1), traceAged(0n, 1)]);
    const project = await request<{ data: PolicyJson }>(base, 'PUT', policyPath('retention-live'), {
      max_age_days: 1,
    });
    const live = await SseStream.open(`${base}/v1/projects/retention-live/live`);
    try {
      const sweep = await request<{ data: SweepJson }>(base, 'POST', '/v1/retention/sweep');
      assert.equal(sweep.body.data.deleted_traces, 1);
      const event = await live.find((e) => e.event === 'deleted', 10_000, 'a deleted event');
      // Anything in the project may have changed: the page reloads its lists.
      assert.deepEqual(JSON.parse(event.data), {
        project_id: project.body.data.project_id,
        project_name: 'retention-live',
        trace_ids: [],
      });
    } finally {
      live.close();
    }
  });

  test('a bad policy is refused with 422 (400 for broken JSON), an unknown project with 404', async () => {
    const base = heron.baseUrl;
    await send(base, 'retention-bad', [traceAged(0n, 0)]);
    const path = policyPath('retention-bad');
    const cases: [unknown, RegExp][] = [
      [{ max_age_days: 0 }, /max_age_days must be a whole number from 1 to 36500, or null/],
      [{ max_age_days: -7 }, /max_age_days/],
      [{ max_age_days: 1.5 }, /max_age_days .*got 1\.5/],
      [{ max_age_days: '7' }, /max_age_days .*got "7"/],
      [{ max_traces: 0 }, /max_traces must be a whole number from 1 to 1000000000/],
      [{ max_traces: 1e12 }, /max_traces/],
      [{ maxAgeDays: 7 }, /Unknown field maxAgeDays/],
      [[7], /JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await request<{ message: string }>(base, 'PUT', path, body);
      assert.equal(response.status, 422, JSON.stringify(body));
      assert.match(response.body.message, message);
    }
    const broken = await request<{ statusCode: number }>(base, 'PUT', path, '{"max_age_days": ');
    assert.equal(broken.status, 400);
    // None of them changed anything.
    const read = await request<{ data: PolicyJson }>(base, 'GET', path);
    assert.equal(read.body.data.source, 'default');

    for (const method of ['GET', 'PUT', 'DELETE']) {
      const missing = await request<{ message: string }>(
        base,
        method,
        policyPath('no-such-project'),
        method === 'PUT' ? { max_age_days: 1 } : undefined,
      );
      assert.equal(missing.status, 404, method);
      assert.match(missing.body.message, /Project not found: no-such-project/);
    }
  });
});

describe('the default policy and the periodic sweeper', () => {
  let heron: HeronProcess;

  before(async () => {
    heron = await spawnHeron({
      env: {
        HERON_DEFAULT_RETENTION_DAYS: '7',
        HERON_RETENTION_SWEEP_INTERVAL_SECONDS: '1',
        HERON_RETENTION_SWEEP_BATCH_TRACES: '2',
        HERON_LOG_LEVEL: 'info',
      },
    });
  });
  after(async () => {
    await heron?.stop();
    if (heron) rmSync(heron.workingDir, { recursive: true, force: true });
  });

  test('deletes old traces of projects on the default, in batches, every interval', async () => {
    const base = heron.baseUrl;
    // A project kept forever by its own policy, set before its traces arrive.
    assert.equal(
      (await request(base, 'POST', '/v1/projects', { name: 'retention-kept' })).status,
      200,
    );
    const keep = await request<{ data: PolicyJson }>(base, 'PUT', policyPath('retention-kept'), {
      max_age_days: null,
      max_traces: null,
    });
    assert.equal(keep.body.data.source, 'project');
    const keptOld = [traceAged(30n * DAY, 1)];
    await send(base, 'retention-kept', keptOld);

    const old = [1n, 2n, 3n, 4n, 5n].map((n) => traceAged((7n + n) * DAY, 1));
    const fresh = [traceAged(6n * DAY, 1), traceAged(MINUTE, 2)];
    await send(base, 'retention-default', [...old, ...fresh]);
    const policy = await request<{ data: PolicyJson }>(
      base,
      'GET',
      policyPath('retention-default'),
    );
    assert.deepEqual(
      { source: policy.body.data.source, days: policy.body.data.max_age_days },
      { source: 'default', days: 7 },
    );

    const deadline = Date.now() + 20_000;
    while ((await traceIds(base, 'retention-default')).length > fresh.length) {
      assert.ok(Date.now() < deadline, 'the periodic sweeper deleted the old traces in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await traceIds(base, 'retention-default'), idsOf(fresh));
    assert.deepEqual(await traceIds(base, 'retention-kept'), idsOf(keptOld));
    // Logged once the run is over: the five traces (one commit) in batches of at most two.
    const logged = 'retention: deleted 5 traces (10 spans, 0 emptied sessions) in 3 batches';
    while (!heron.output().includes(logged)) {
      assert.ok(Date.now() < deadline, `logged what it deleted:\n${heron.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(heron.output().match(/retention: deleted/g)?.length, 1, heron.output());
  });
});

test('a bad retention setting stops heron serve at start with a clear message', async (t) => {
  const workingDir = mkdtempSync(join(tmpdir(), 'heron-retention-'));
  t.after(() => rmSync(workingDir, { recursive: true, force: true }));
  await assert.rejects(
    spawnHeron({ workingDir, env: { HERON_DEFAULT_RETENTION_DAYS: '-3' } }),
    /heron: HERON_DEFAULT_RETENTION_DAYS \(days; 0 keeps traces forever\) must be an integer between 0 and 36500, got "-3"/,
  );
  await assert.rejects(
    spawnHeron({ workingDir, env: { HERON_RETENTION_SWEEP_BATCH_TRACES: 'lots' } }),
    /HERON_RETENTION_SWEEP_BATCH_TRACES must be an integer between 1 and 1000000, got "lots"/,
  );
});
