/**
 * Live updates across nodes (runs in the PostgreSQL e2e pass, `npm run test:e2e:postgres`): two
 * `heron serve` processes on one database; a client subscribed on node B sees the spans an
 * application sent to node A, and A's own client sees them exactly once; a deletion through B
 * reaches A's client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { sendTrace } from './support/otel-trace-sender.js';
import { SseStream } from './support/sse-stream.js';

const databaseUrl = process.env['HERON_E2E_DATABASE_URL'];

let nodes: HeronProcess[] = [];
const streams: SseStream[] = [];

before(async () => {
  if (!databaseUrl) return;
  // One schema for both nodes: spawnHeron reads it from the working directory.
  const schema = `e2e_live_nodes_${Date.now().toString(36)}`;
  nodes = await Promise.all(
    [0, 1].map(() => {
      const workingDir = mkdtempSync(join(tmpdir(), 'heron-live-node-'));
      writeFileSync(join(workingDir, 'e2e-schema'), schema);
      return spawnHeron({ workingDir });
    }),
  );
});

after(async () => {
  for (const stream of streams) stream.close();
  await Promise.all(nodes.map((node) => node.stop()));
});

test(
  'a change committed through one node reaches live clients on the other',
  { skip: databaseUrl ? false : 'runs in the PostgreSQL e2e pass (HERON_E2E_DATABASE_URL)' },
  async () => {
    const [a, b] = nodes as [HeronProcess, HeronProcess];
    const created = await fetch(`${a.baseUrl}/v1/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'live-nodes' }),
    });
    const project = ((await created.json()) as { data: { id: string } }).data;
    const onB = await SseStream.open(`${b.baseUrl}/v1/projects/live-nodes/live`);
    const onA = await SseStream.open(`${a.baseUrl}/v1/live`);
    streams.push(onA, onB);

    const traceId = await sendTrace(a.baseUrl, 'live-nodes', 3);
    const event = await onB.find((e) => e.event === 'spans', 10_000, 'spans event on node B');
    assert.deepEqual(JSON.parse(event.data), {
      project_id: project.id,
      project_name: 'live-nodes',
      trace_ids: [traceId],
      span_count: 4,
    });
    // Node B can read what its client was told about.
    assert.equal((await fetch(`${b.baseUrl}/v1/traces/${traceId}`)).status, 200);

    // Node A hears its own write through NOTIFY too, and only once.
    await onA.find((e) => e.event === 'spans' && e.data.includes(traceId));
    await sleep(500);
    assert.equal(onA.events.filter((e) => e.data.includes(traceId)).length, 1, onA.text);

    const deleted = await fetch(`${b.baseUrl}/v1/traces/${traceId}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    const gone = await onA.find((e) => e.event === 'deleted', 10_000, 'deleted event on A');
    assert.deepEqual(JSON.parse(gone.data), {
      project_id: project.id,
      project_name: 'live-nodes',
      trace_ids: [traceId],
    });
  },
);
