/**
 * Live updates (Server-Sent Events) against a real `heron serve`, on SQLite and, in the
 * PostgreSQL pass, through NOTIFY/LISTEN: a client subscribed over HTTP sees the spans an
 * application sends with the stock OpenTelemetry exporter (right project, right trace, only
 * after they are readable), deletions, pings; the client limit answers 503; shutdown does not
 * wait for open streams.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import type { ProjectJson } from './support/heron-api.js';
import { sendTrace } from './support/otel-trace-sender.js';
import { SseStream } from './support/sse-stream.js';

interface SpansEvent {
  project_id: string;
  project_name: string;
  trace_ids: string[];
  span_count: number;
}
type DeletedEvent = Omit<SpansEvent, 'span_count'>;

let heron: HeronProcess;
const streams: SseStream[] = [];

async function open(url: string): Promise<SseStream> {
  const stream = await SseStream.open(url);
  streams.push(stream);
  return stream;
}

async function createProject(base: string, name: string): Promise<ProjectJson> {
  const response = await fetch(`${base}/v1/projects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { data: ProjectJson }).data;
}

before(async () => {
  heron = await spawnHeron({ env: { HERON_LIVE_PING_SECONDS: '1' } });
});

after(async () => {
  for (const stream of streams) stream.close();
  await heron?.stop();
});

describe('live updates over SSE', () => {
  test('spans sent with the OpenTelemetry exporter arrive as an event of their project', async () => {
    const project = await createProject(heron.baseUrl, 'live-e2e');
    const mine = await open(`${heron.baseUrl}/v1/projects/live-e2e/live`);
    const all = await open(`${heron.baseUrl}/v1/live`);
    assert.equal(mine.response.headers.get('cache-control'), 'no-cache, no-transform');

    const otherTrace = await sendTrace(heron.baseUrl, 'live-e2e-other', 1);
    const traceId = await sendTrace(heron.baseUrl, 'live-e2e', 2);

    const event = await mine.find((e) => e.event === 'spans', 10_000, 'spans event');
    const data = JSON.parse(event.data) as SpansEvent;
    assert.deepEqual(data, {
      project_id: project.id,
      project_name: 'live-e2e',
      trace_ids: [traceId],
      span_count: 3,
    });
    // Sent after the commit: the trace can be read at once.
    const trace = await fetch(`${heron.baseUrl}/v1/traces/${traceId}`);
    assert.equal(trace.status, 200);

    // The all-projects stream has both projects; the project's stream only its own.
    await all.find((e) => e.event === 'spans' && e.data.includes(traceId));
    const seen = all.dataOf<SpansEvent>('spans').map((e) => [e.project_name, e.trace_ids]);
    assert.deepEqual(seen, [
      ['live-e2e-other', [otherTrace]],
      ['live-e2e', [traceId]],
    ]);
    assert.deepEqual(
      mine.dataOf<SpansEvent>('spans').map((e) => e.project_name),
      ['live-e2e'],
    );
  });

  test('the stream starts with retry: 3000 and pings every HERON_LIVE_PING_SECONDS', async () => {
    const stream = await open(`${heron.baseUrl}/v1/live`);
    const deadline = Date.now() + 5000;
    while (!stream.comments.includes('ping') && Date.now() < deadline) await sleep(50);
    assert.ok(stream.text.startsWith('retry: 3000\n\n'), stream.text);
    assert.equal(stream.retry, 3000);
    assert.ok(stream.comments.includes('ping'), `no ping in ${JSON.stringify(stream.text)}`);
  });

  test('deleting a trace, then its project, sends deleted events', async () => {
    const project = await createProject(heron.baseUrl, 'live-e2e-del');
    const stream = await open(`${heron.baseUrl}/v1/projects/live-e2e-del/live`);
    const traceId = await sendTrace(heron.baseUrl, 'live-e2e-del', 1);
    await stream.find((e) => e.event === 'spans');

    const deleted = await fetch(`${heron.baseUrl}/v1/traces/${traceId}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    await stream.find((e) => e.event === 'deleted', 10_000, 'deleted event');
    assert.deepEqual(stream.dataOf<DeletedEvent>('deleted'), [
      { project_id: project.id, project_name: 'live-e2e-del', trace_ids: [traceId] },
    ]);

    const gone = await fetch(`${heron.baseUrl}/v1/projects/live-e2e-del`, { method: 'DELETE' });
    assert.equal(gone.status, 204);
    await stream.find((e) => e.event === 'deleted' && e.data.includes('"trace_ids":[]'));
  });

  test('an unknown project is 404 with a message', async () => {
    const response = await fetch(`${heron.baseUrl}/v1/projects/no-such-project/live`);
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { message: string }).message, /no-such-project/);
  });
});

describe('live update limits and shutdown', () => {
  test('beyond HERON_LIVE_MAX_CLIENTS a client gets 503; a client that leaves frees its place', async () => {
    const limited = await spawnHeron({ env: { HERON_LIVE_MAX_CLIENTS: '2' } });
    try {
      const first = await SseStream.open(`${limited.baseUrl}/v1/live`);
      const second = await SseStream.open(`${limited.baseUrl}/v1/live`);
      const refused = await fetch(`${limited.baseUrl}/v1/live`);
      assert.equal(refused.status, 503);
      const body = (await refused.json()) as { message: string };
      assert.match(body.message, /HERON_LIVE_MAX_CLIENTS/);
      assert.match(body.message, /limit is 2/);

      first.close();
      // The server notices the closed connection and frees the place.
      let third: SseStream | undefined;
      const deadline = Date.now() + 5000;
      while (!third && Date.now() < deadline) {
        third = await SseStream.open(`${limited.baseUrl}/v1/live`).catch(() => undefined);
        if (!third) await sleep(50);
      }
      assert.ok(third, 'a place came free');
      // Both remaining clients still get events.
      const traceId = await sendTrace(limited.baseUrl, 'live-limit', 1);
      for (const stream of [second, third]) {
        await stream.find((e) => e.event === 'spans' && e.data.includes(traceId));
      }
      second.close();
      third.close();
    } finally {
      await limited.stop();
    }
  });

  test('shutdown ends open streams and does not wait for them', async () => {
    const node = await spawnHeron();
    const stream = await SseStream.open(`${node.baseUrl}/v1/live`);
    const started = Date.now();
    const code = await node.stop();
    assert.equal(code, 0, node.output());
    assert.ok(Date.now() - started < 5000, `exit took ${Date.now() - started} ms`);
    await stream.ended;
  });
});
