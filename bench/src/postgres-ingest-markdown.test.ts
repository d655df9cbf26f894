/**
 * The PostgreSQL ingest section judges the two-node target by what the machine allows: met,
 * not applicable when one node's run already used (nearly) all the cores, or missed, with the
 * explanation in the measured numbers whenever the ratio is below target.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  PostgresIngestResults,
  ServerUsage,
  StoredCheck,
  ThroughputResult,
} from './ingest-bench.js';
import type { PayloadStats } from './payload-generator.js';
import { renderPostgresIngestSection } from './postgres-ingest-markdown.js';
import type { MachineInfo } from './results-markdown.js';

const machine: MachineInfo = {
  cpuModel: 'Test CPU',
  cores: 2,
  totalMemoryBytes: 8 * 1024 ** 3,
  node: 'v20',
  os: 'Linux',
  loadAverage: 0.1,
  calibration: 'n/a',
  dataFilesystem: '/tmp',
  cpuDelivery: { threads: 2, deliveredShare: 1, stallsPerSecond: 0, worstStallMs: 0 },
};

const stored = (n: number): StoredCheck => ({
  ackedSpans: n,
  storedSpans: n,
  apiSawTraces: true,
  ok: true,
});

const server = (cores: number): ServerUsage => ({
  peakRssBytes: 200 * 1024 ** 2,
  cpuCores: cores,
  threads: [{ name: 'main', tid: 1, cpuSeconds: cores * 10 }],
});

/** A run of `spansPerSecond` whose servers, PostgreSQL and client used these cores. */
function run(
  spansPerSecond: number,
  serverCores: number[],
  postgresCores: number,
  lockShare = 0,
): ThroughputResult {
  const latency = { p50Ms: 100, p99Ms: 150, maxMs: 160, count: 100 };
  return {
    nodes: serverCores.length,
    connections: 8,
    seconds: 10,
    spansPerSecond,
    requestsPerSecond: spansPerSecond / 500,
    megabytesPerSecond: spansPerSecond / 500,
    latency,
    status503: 0,
    otherErrors: 0,
    commits: { transactions: 20, meanSpans: spansPerSecond / 2, meanMs: 100, committingShare: 0.2 },
    rejectedSpans: 0,
    server: server(serverCores[0]!),
    servers: serverCores.map(server),
    postgres: {
      processes: 10,
      allCores: postgresCores,
      serverBackends: 4,
      serverBackendsCores: postgresCores * 0.9,
    },
    waits: {
      observations: 1000,
      busyShare: 0.5,
      busy: [
        { state: 'running (on CPU or runnable)', share: 1 - lockShare },
        ...(lockShare > 0 ? [{ state: 'waiting: Lock transactionid', share: lockShare }] : []),
      ],
    },
    clientCpuCores: 0.05,
    stored: stored(spansPerSecond * 10),
  };
}

function section(one: ThroughputResult, two: ThroughputResult): string {
  const results: PostgresIngestResults = {
    throughput: one,
    twoNodes: two,
    halfRate: {
      seconds: 10,
      targetSpansPerSecond: one.spansPerSecond / 2,
      spansPerSecond: one.spansPerSecond / 2,
      latency: { p50Ms: 40, p99Ms: 90, maxMs: 95, count: 50 },
      sendLagP99Ms: 1,
      status503: 0,
      otherErrors: 0,
      server: server(0.5),
      stored: stored(one.spansPerSecond * 5),
    },
  };
  const payload: PayloadStats = {
    spansPerRequest: 500,
    tracesPerRequest: 125,
    requestBytes: 1_000_000,
    bytesPerSpan: 2000,
    bytesPerKind: {},
    templates: 4,
  };
  return renderPostgresIngestSection({
    date: new Date('2026-01-01T00:00:00Z'),
    machine,
    settings: {
      command: '--database-url postgresql://u@h/db',
      connections: 8,
      durationSeconds: 10,
      warmupSeconds: 2,
      halfRateSeconds: 10,
      spansPerRequest: 500,
      templates: 4,
      database: 'PostgreSQL 15',
    },
    payload,
    results,
  });
}

const targetRow = (markdown: string) =>
  markdown.split('\n').find((line) => line.startsWith('| two nodes ≥ 1.6×'))!;

describe('PostgreSQL ingest section', () => {
  it('meets the two-node target at 1.6× and explains nothing', () => {
    const markdown = section(run(16_000, [0.5], 0.3), run(27_000, [0.5, 0.5], 0.6));
    assert.match(targetRow(markdown), /\*\*1\.69×\*\*.*✅ yes/);
    assert.doesNotMatch(markdown, /### Why two nodes/);
  });

  it('calls the target not applicable when one node already used the cores, and says why', () => {
    // One node: 0.95 + 0.9 + 0.05 = 1.9 of 2 cores, so at most 2 / 1.9 = 1.05×.
    const markdown = section(run(15_000, [0.95], 0.9), run(15_600, [0.6, 0.6], 0.75));
    assert.match(targetRow(markdown), /\*\*1\.04×\*\*.*➖ not on this machine.*at most 1\.05×/);
    assert.match(markdown, /### Why two nodes reach 1\.04×/);
    assert.match(markdown, /\*\*at most 1\.05×\*\* on this machine/);
    assert.match(markdown, /the machine was out of CPU/);
  });

  it('misses the target when cores were left, and names lock waits when they dominate', () => {
    // One node: 0.4 + 0.3 + 0.05 = 0.75 of 2 cores: a second node had room.
    const markdown = section(run(15_000, [0.4], 0.3), run(18_000, [0.4, 0.4], 0.4, 0.45));
    assert.match(targetRow(markdown), /\*\*1\.20×\*\*.*❌ no/);
    assert.match(markdown, /cores stayed idle, so CPU was not the only limit/);
    assert.match(markdown, /45 % of their busy time waiting for another transaction's lock/);
    assert.match(markdown, /queue behind each other on shared rows/);
  });
});
