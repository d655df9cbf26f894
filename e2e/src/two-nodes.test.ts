/**
 * Two `heron serve` processes on one PostgreSQL database (runs in the PostgreSQL e2e pass,
 * `npm run test:e2e:postgres`): an interleaved set of traces is sent to both at once — some
 * traces split across the nodes, some spans sent to both, children before parents — and every
 * count and rollup must come out exactly as if one process had received everything once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { listSpans, listTraces, type TraceJson } from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import {
  isoOf,
  nowNs,
  protobufBody,
  randomSpanId,
  randomTraceId,
  type SpanSpec,
} from './support/synthetic-spans.js';

const MS = 1_000_000n;
const PROJECT = 'two-nodes';
const databaseUrl = process.env['HERON_E2E_DATABASE_URL'];

let nodes: HeronProcess[] = [];

before(async () => {
  if (!databaseUrl) return;
  // One schema for both nodes: spawnHeron reads it from the working directory.
  const schema = `e2e_two_nodes_${Date.now().toString(36)}`;
  nodes = await Promise.all(
    [0, 1].map(() => {
      const workingDir = mkdtempSync(join(tmpdir(), 'heron-node-'));
      writeFileSync(join(workingDir, 'e2e-schema'), schema);
      return spawnHeron({ workingDir });
    }),
  );
});

after(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
});

/** A trace of 6 spans: root, 2 LLM children with tokens (one ERROR), 3 tool grandchildren. */
function makeTrace(index: number, start: bigint): SpanSpec[] {
  const traceId = randomTraceId();
  const root = randomSpanId();
  const session = index % 3 === 0 ? {} : { 'session.id': `session-${index % 5}` };
  const spans: SpanSpec[] = [
    {
      traceId,
      spanId: root,
      name: 'agent',
      startNs: start,
      endNs: start + 100n * MS,
      attributes: { 'openinference.span.kind': 'CHAIN', ...session },
    },
  ];
  for (let i = 0; i < 2; i++) {
    const llm = randomSpanId();
    spans.push({
      traceId,
      spanId: llm,
      parentSpanId: root,
      name: `llm-${i}`,
      startNs: start + BigInt(10 + i) * MS,
      endNs: start + BigInt(50 + index) * MS,
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.token_count.prompt': 10 + index,
        'llm.token_count.completion': 5,
        'llm.token_count.total': 15 + index,
      },
      status: i === 1 && index % 4 === 0 ? { code: 2, message: 'boom' } : undefined,
    });
    if (i === 0) {
      for (let t = 0; t < 3; t++) {
        spans.push({
          traceId,
          spanId: randomSpanId(),
          parentSpanId: llm,
          name: `tool-${t}`,
          startNs: start + BigInt(20 + t) * MS,
          endNs: start + BigInt(30 + t) * MS,
          attributes: { 'openinference.span.kind': 'TOOL' },
        });
      }
    }
  }
  return spans;
}

interface ExpectedTrace {
  span_count: number;
  error_count: number;
  token_count_prompt: number;
  token_count_total: number;
  start_time: string;
  end_time: string;
  root_span_id: string;
  session_id: string | null;
}

function expectedRollup(spans: SpanSpec[]): ExpectedTrace {
  const llm = spans.filter((s) => s.attributes?.['openinference.span.kind'] === 'LLM');
  const sum = (key: string) => llm.reduce((n, s) => n + Number(s.attributes?.[key] ?? 0), 0);
  const root = spans.find((s) => !s.parentSpanId)!;
  return {
    span_count: spans.length,
    error_count: spans.filter((s) => s.status?.code === 2).length,
    token_count_prompt: sum('llm.token_count.prompt'),
    token_count_total: sum('llm.token_count.total'),
    start_time: isoOf(spans.reduce((m, s) => (s.startNs < m ? s.startNs : m), root.startNs)),
    end_time: isoOf(spans.reduce((m, s) => (s.endNs > m ? s.endNs : m), root.endNs)),
    root_span_id: root.spanId,
    session_id: (root.attributes?.['session.id'] as string | undefined) ?? null,
  };
}

test(
  'two nodes on one database: split traces, duplicates, children first — exact rollups',
  { skip: databaseUrl ? false : 'runs in the PostgreSQL e2e pass (HERON_E2E_DATABASE_URL)' },
  async () => {
    const base = nowNs() - 3_600_000n * MS;
    const traces = Array.from({ length: 60 }, (_, i) =>
      makeTrace(i, base + BigInt(i) * 1000n * MS),
    );
    // Per node, a list of requests (each a list of spans). Children go first everywhere.
    const requests: SpanSpec[][][] = [[], []];
    traces.forEach((spans, i) => {
      const childrenFirst = [...spans].reverse();
      if (i % 3 === 0) {
        // Split across the nodes.
        requests[0]!.push(childrenFirst.slice(0, 3));
        requests[1]!.push(childrenFirst.slice(3));
      } else if (i % 3 === 1) {
        // Sent whole to both (an exporter retrying against the other node).
        requests[0]!.push(childrenFirst);
        requests[1]!.push(childrenFirst);
      } else {
        requests[i % 2]!.push(childrenFirst.slice(0, 2), childrenFirst.slice(2));
      }
    });
    // Batch several traces per request, then send each node's requests 4 at a time, both nodes
    // at once.
    const send = async (node: HeronProcess, list: SpanSpec[][]) => {
      for (let i = 0; i < list.length; i += 4) {
        await Promise.all(
          list.slice(i, i + 4).map(async (spans) => {
            const response = await postOtlp(node.baseUrl, protobufBody(spans), {
              contentType: PROTOBUF,
              headers: { 'x-project-name': PROJECT },
            });
            assert.equal(response.status, 200);
          }),
        );
      }
    };
    await Promise.all([send(nodes[0]!, requests[0]!), send(nodes[1]!, requests[1]!)]);

    // Both nodes see the same data, exactly once.
    for (const node of nodes) {
      const spans = await listSpans(node.baseUrl, PROJECT);
      assert.equal(spans.length, traces.length * 6);
      assert.equal(new Set(spans.map((s) => s.context.span_id)).size, traces.length * 6);
    }
    const stored = new Map<string, TraceJson>(
      (await listTraces(nodes[1]!.baseUrl, PROJECT)).map((t) => [t.trace_id, t]),
    );
    assert.equal(stored.size, traces.length);
    for (const spans of traces) {
      const trace = stored.get(spans[0]!.traceId)!;
      const { span_count, error_count, token_count_prompt, token_count_total } = trace;
      assert.deepEqual(
        {
          span_count,
          error_count,
          token_count_prompt,
          token_count_total,
          start_time: trace.start_time,
          end_time: trace.end_time,
          root_span_id: trace.root_span_id,
          session_id: trace.session_id,
        },
        expectedRollup(spans),
        `trace ${spans[0]!.traceId}`,
      );
    }
    // Sessions: trace counts and extents.
    const response = await fetch(`${nodes[0]!.baseUrl}/v1/projects/${PROJECT}/sessions?limit=100`);
    const sessions = (await response.json()) as {
      data: { session_id: string; trace_count: number; start_time: string; end_time: string }[];
    };
    const expected = new Map<string, { count: number; start: bigint; end: bigint }>();
    for (const spans of traces) {
      const id = spans[0]!.attributes?.['session.id'] as string | undefined;
      if (!id) continue;
      const start = spans.reduce((m, s) => (s.startNs < m ? s.startNs : m), spans[0]!.startNs);
      const end = spans.reduce((m, s) => (s.endNs > m ? s.endNs : m), spans[0]!.endNs);
      const e = expected.get(id) ?? { count: 0, start, end };
      expected.set(id, {
        count: e.count + 1,
        start: start < e.start ? start : e.start,
        end: end > e.end ? end : e.end,
      });
    }
    assert.deepEqual(
      Object.fromEntries(
        sessions.data.map((s) => [s.session_id, [s.trace_count, s.start_time, s.end_time]]),
      ),
      Object.fromEntries(
        [...expected].map(([id, e]) => [id, [e.count, isoOf(e.start), isoOf(e.end)]]),
      ),
    );
  },
);
