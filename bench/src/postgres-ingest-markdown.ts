/**
 * The `## Ingest (PostgreSQL)` section of bench/RESULTS.md: one node (max throughput and
 * half-rate latency), two nodes on the same database, and where the machine's CPU went, so a
 * two-node figure below the target comes with its explanation in measured numbers.
 */
import type { PostgresIngestResults, ServerUsage, ThroughputResult } from './ingest-bench.js';
import type { SearchCatchUp } from './postgres-search-catch-up.js';
import type { WritePathResult } from './postgres-write-path.js';
import type { PayloadStats } from './payload-generator.js';
import type { PostgresCpu } from './postgres-cpu-sampler.js';
import type { PostgresWaits } from './postgres-wait-sampler.js';
import {
  INGEST_TARGET_P99_MS,
  escapeCell,
  int,
  latencyCell,
  machineLines,
  mib,
  ms,
  pct,
  pressureCell,
  storedCell,
  yes,
  type MachineInfo,
} from './results-markdown.js';

export const PG_INGEST_TARGET_SPANS_PER_SECOND = 15_000;
export const PG_TWO_NODE_TARGET_RATIO = 1.6;

export interface PostgresIngestSettings {
  command: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  halfRateSeconds: number;
  spansPerRequest: number;
  templates: number;
  /** e.g. "PostgreSQL 15.8 at postgresql://postgres@127.0.0.1:5432/test; synchronous_commit=on". */
  database: string;
}

/** Where the machine's CPU went in one run's window, in cores. */
export interface CpuBudget {
  servers: number;
  postgres: number | undefined;
  client: number;
  total: number;
  /** Cores the machine offered: core count × the share each core was actually run. */
  available: number;
}

export function cpuBudget(t: ThroughputResult, machine: MachineInfo): CpuBudget {
  const servers = t.servers.reduce((sum, s) => sum + s.cpuCores, 0);
  const postgres = local(t.postgres) ? t.postgres!.allCores : undefined;
  return {
    servers,
    postgres,
    client: t.clientCpuCores,
    total: servers + (postgres ?? 0) + t.clientCpuCores,
    // A run cannot use more CPU than the machine gave it: when it did, the share measured at
    // the start (a few seconds, on a host whose share varies minute to minute) was too low.
    available: Math.max(
      machine.cores * (machine.cpuDelivery?.deliveredShare ?? 1),
      servers + (postgres ?? 0) + t.clientCpuCores,
    ),
  };
}

const local = (p: PostgresCpu | undefined) => p !== undefined && p.processes > 0;
const cores = (n: number) => `${n.toFixed(2)} cores`;

export function renderPostgresIngestSection(input: {
  date: Date;
  machine: MachineInfo;
  settings: PostgresIngestSettings;
  payload: PayloadStats;
  results: PostgresIngestResults;
}): string {
  const { machine: m, settings: s, payload: p, results: r } = input;
  const one = r.throughput;
  const two = r.twoNodes;
  const h = r.halfRate;
  const ratio = two.spansPerSecond / (one.spansPerSecond || 1);
  const oneMet = one.spansPerSecond >= PG_INGEST_TARGET_SPANS_PER_SECOND && one.stored.ok;
  const twoMet = ratio >= PG_TWO_NODE_TARGET_RATIO && two.stored.ok;
  const budget1 = cpuBudget(one, m);
  const budget2 = cpuBudget(two, m);
  const out: string[] = [];
  out.push('## Ingest (PostgreSQL)', '');
  out.push(
    `Run ${input.date.toISOString()} with \`node bench/dist/run-bench.js${s.command ? ` ${s.command}` : ''}\`.`,
    '',
  );
  out.push(
    ...machineLines(m),
    `- **Database:** ${s.database}; ` +
      (local(one.postgres)
        ? `on this machine (its CPU is counted from /proc: every \`postgres\` process, and the backends connected to the benchmark's servers).`
        : 'not on this machine (its CPU is not measured).'),
    '- **Server:** `heron serve` with `HERON_SQL_DATABASE_URL`, each run in a fresh schema (`bench_ingest_…`, dropped afterwards), ' +
      'default settings (10 pooled connections per node, 2 ingest batches committing at once), acknowledged only after commit.',
    `- **Payload:** as in the SQLite ingest section: OTLP protobuf over HTTP/1.1, ${int(p.spansPerRequest)} spans per request, ` +
      `${(p.requestBytes / 1e6).toFixed(2)} MB per request, ${int(p.bytesPerSpan)} B per span on average.`,
    `- **Runs:** one node at max throughput (${s.connections} keep-alive connections sending back to back, ` +
      `${s.warmupSeconds} s warm-up + ${s.durationSeconds} s measured); one node at half that rate, open loop, for ${s.halfRateSeconds} s; ` +
      `two nodes on the same database and schema, the ${s.connections} connections split between them, ${s.warmupSeconds} s warm-up + ${s.durationSeconds} s.`,
    '',
  );
  out.push('| Target | Measured | Met |', '| --- | --- | --- |');
  out.push(
    `| ≥ ${int(PG_INGEST_TARGET_SPANS_PER_SECOND)} spans/s sustained with durable ack, one node | ${int(one.spansPerSecond)} spans/s | ${yes(oneMet)} |`,
  );
  out.push(
    `| two nodes ≥ ${PG_TWO_NODE_TARGET_RATIO}× one node where the cores allow | **${ratio.toFixed(2)}×** (${int(two.spansPerSecond)} spans/s)` +
      `${twoMet ? '' : ' (explained below)'} | ${twoNodeVerdict(twoMet, ceiling(budget1))} |`,
  );
  out.push(
    `| p99 ack < ${INGEST_TARGET_P99_MS} ms at half the one-node rate (SQLite's latency target, for information) | p99 ${ms(h.latency.p99Ms)} at ${int(h.spansPerSecond)} spans/s | ${yes(h.latency.p99Ms < INGEST_TARGET_P99_MS && h.stored.ok)} |`,
    '',
  );

  out.push('### One node, max throughput', '', '| Figure | Value |', '| --- | --- |');
  throughputRows(out, one, budget1);
  out.push('');

  out.push(
    '### One node, half-rate latency (open loop)',
    '',
    '| Figure | Value |',
    '| --- | --- |',
  );
  out.push(
    `| Offered / acknowledged rate | ${int(h.targetSpansPerSecond)} / ${int(h.spansPerSecond)} spans/s |`,
  );
  out.push(`| Ack latency p50 / p99 / max | ${latencyCell(h.latency)} |`);
  out.push(`| Client send lag p99 (schedule slip) | ${ms(h.sendLagP99Ms)} |`);
  out.push(
    `| 503 / other errors | ${int(h.status503)} / ${int(h.otherErrors)}${h.firstError ? ` (first: ${escapeCell(h.firstError)})` : ''} |`,
  );
  out.push(`| Server peak RSS | ${mib(h.server.peakRssBytes)} |`);
  out.push(`| Server CPU | ${serverCpuCell(h.server)} |`);
  out.push(`| PostgreSQL CPU | ${postgresCell(h.postgres)} |`);
  out.push(`| Full-text index after the load | ${catchUpCell(h.searchCatchUp)} |`);
  out.push(`| Stored = acknowledged (after stop) | ${storedCell(h.stored)} |`, '');

  out.push('### Two nodes on one database', '', '| Figure | Value |', '| --- | --- |');
  throughputRows(out, two, budget2);
  out.push(
    `| Two nodes ÷ one node | **${ratio.toFixed(2)}×** |`,
    `| Total CPU per acknowledged span (servers + PostgreSQL + load generator) | one node ${perSpan(budget1, one)}, two nodes ${perSpan(budget2, two)} |`,
    '',
  );
  if (!twoMet) out.push(...explanation(ratio, one, two, budget1, budget2, m), '');
  if (r.writePath) out.push(...writePathLines(r.writePath), '');
  if (!oneMet) out.push(...oneNodeExplanation(one, budget1, r.writePath, m), '');
  return out.join('\n');
}

/** Met, not met, or not applicable when this machine's cores cannot give the ratio. */
function twoNodeVerdict(met: boolean, ceilingRatio: number): string {
  if (met) return yes(true);
  return ceilingRatio < PG_TWO_NODE_TARGET_RATIO
    ? `➖ not on this machine: its cores allow at most ${ceilingRatio.toFixed(2)}×`
    : yes(false);
}

function throughputRows(out: string[], t: ThroughputResult, budget: CpuBudget): void {
  out.push(
    `| Sustained throughput (acknowledged spans / elapsed) | **${int(t.spansPerSecond)} spans/s** |`,
  );
  out.push(
    `| Requests, bytes | ${t.requestsPerSecond.toFixed(1)} requests/s, ${t.megabytesPerSecond.toFixed(1)} MB/s of protobuf |`,
  );
  out.push(`| Ack latency p50 / p99 / max | ${latencyCell(t.latency)} |`);
  out.push(
    `| 503 / other errors / rejected spans | ${int(t.status503)} / ${int(t.otherErrors)}${t.firstError ? ` (first: ${escapeCell(t.firstError)})` : ''} / ${int(t.rejectedSpans)} |`,
  );
  t.servers.forEach((server, i) => {
    const name = t.servers.length === 1 ? 'Server' : `Server ${i + 1}`;
    out.push(`| ${name} CPU, peak RSS | ${serverCpuCell(server)}; ${mib(server.peakRssBytes)} |`);
  });
  out.push(`| PostgreSQL CPU | ${postgresCell(t.postgres)} |`);
  out.push(
    `| What the servers' PostgreSQL backends were doing (pg_stat_activity every 100 ms) | ${waitsCell(t.waits)} |`,
  );
  out.push(`| Load generator CPU | ${cores(t.clientCpuCores)} |`);
  out.push(`| Machine CPU in the window | ${budgetCell(budget)} |`);
  out.push(`| CPU contention at the end of the window | ${pressureCell(t.server)} |`);
  out.push(`| Full-text index after the load | ${catchUpCell(t.searchCatchUp)} |`);
  out.push(`| Stored = acknowledged (after stop) | ${storedCell(t.stored)} |`);
}

/** PostgreSQL CPU per span the index caught up with (the servers' backends, where local). */
export function catchUpMicrosPerSpan(c: SearchCatchUp | undefined): number | undefined {
  if (!c || c.backlogSpans === 0 || !c.caughtUp || !local(c.postgres)) return undefined;
  return ((c.postgres!.serverBackendsCores * c.seconds) / c.backlogSpans) * 1e6;
}

function catchUpCell(c: SearchCatchUp | undefined): string {
  if (!c) return 'n/a';
  if (c.backlogSpans === 0) return 'current (no span waited for the index)';
  const perSpan = catchUpMicrosPerSpan(c);
  return (
    `${int(c.backlogSpans)} spans waited for the index when the load stopped (searches scan them meanwhile); ` +
    (c.caughtUp
      ? `caught up ${c.seconds.toFixed(1)} s later` +
        (perSpan === undefined
          ? ''
          : `, using ${perSpan.toFixed(0)} µs of the servers' PostgreSQL backends' CPU per span`)
      : `not caught up after ${c.seconds.toFixed(0)} s`)
  );
}

function writePathLines(w: WritePathResult): string[] {
  const out = [
    "### Where a span's CPU goes (in process, one connection)",
    '',
    `The benchmark's spans, decoded and normalized beforehand, written through \`PostgresStore.insertSpans\` in this process ` +
      `on one pooled connection (${int(w.spans)} spans in transactions of ${int(w.batchSpans)}, after a warm-up), ` +
      "each statement's CPU read from its backend's /proc/<pid>/schedstat: CPU time, which unlike throughput hardly " +
      'depends on what else the machine runs.',
    '',
    '| Where | CPU per span |',
    '| --- | --- |',
  ];
  for (const statement of w.statements) {
    if (statement.microsPerSpan < 0.05) continue;
    out.push(
      `| PostgreSQL: ${escapeCell(statement.label)} | ${statement.microsPerSpan.toFixed(1)} µs |`,
    );
  }
  out.push(
    `| **PostgreSQL backend, whole transactions** | **${w.backendMicrosPerSpan.toFixed(1)} µs** |`,
    `| Heron: \`insertSpans\` (pricing, rows, rollups of new traces, binary arrays, driver) | ${w.heronMicrosPerSpan.toFixed(1)} µs |`,
    `| PostgreSQL: search indexing afterwards (span_search_queue → span_search with its trigram indexes) | ${w.indexerMicrosPerSpan.toFixed(1)} µs |`,
    `| WAL written (the whole server meanwhile) | ${int(w.walBytesPerSpan)} B |`,
  );
  return out;
}

/** Why one node stays below the target, from the run's CPU per span. */
function oneNodeExplanation(
  one: ThroughputResult,
  b: CpuBudget,
  w: WritePathResult | undefined,
  m: MachineInfo,
): string[] {
  const out = [`### Why one node reaches ${int(one.spansPerSecond)} spans/s`, ''];
  const rate = one.spansPerSecond || 1;
  const us = (coresUsed: number) => (coresUsed / rate) * 1e6;
  const perSpan = us(b.total);
  const needed = (perSpan * PG_INGEST_TARGET_SPANS_PER_SECOND) / 1e6;
  const ceilingRate = (b.available / perSpan) * 1e6;
  const p = one.postgres;
  out.push(
    `Per acknowledged span the run spent **${perSpan.toFixed(0)} µs of CPU**: the server ${us(b.servers).toFixed(0)} µs, ` +
      (b.postgres === undefined
        ? 'PostgreSQL not measured (remote), '
        : `PostgreSQL ${us(b.postgres).toFixed(0)} µs (the backends serving the server ${us(p!.serverBackendsCores).toFixed(0)} µs; ` +
          'the rest is the WAL writer, checkpointer and background writer, a streaming replica replaying the WAL if one runs here, ' +
          'and any other sessions on that server), ') +
      `the load generator ${us(b.client).toFixed(0)} µs. ` +
      `${int(PG_INGEST_TARGET_SPANS_PER_SECOND)} spans/s at that cost needs ${needed.toFixed(2)} cores; ` +
      `this machine offered ${b.available.toFixed(2)} (${m.cores} cores, each run ${pct(m.cpuDelivery?.deliveredShare ?? 1)} of the time): ` +
      `at most ${int(ceilingRate)} spans/s at this cost per span, whatever the pipeline overlaps` +
      (one.spansPerSecond < 0.8 * ceilingRate
        ? `; the run reached ${pct(one.spansPerSecond / ceilingRate)} of that (one node commits one batch at a time, so its ` +
          'PostgreSQL backend and its own thread take turns rather than both running all the time).'
        : '.'),
    '',
  );
  const indexing = catchUpMicrosPerSpan(one.searchCatchUp) ?? w?.indexerMicrosPerSpan;
  if (indexing !== undefined) {
    const withIndex = perSpan + indexing;
    out.push(
      `The full-text index is filled after the commit, while ingestion pauses (searches stay exact by scanning what waits): ` +
        `another ${indexing.toFixed(0)} µs of PostgreSQL CPU per span. With the index kept current a span costs about ` +
        `${withIndex.toFixed(0)} µs: at most ${int((b.available / withIndex) * 1e6)} spans/s on this machine, and ` +
        `${((withIndex * PG_INGEST_TARGET_SPANS_PER_SECOND) / 1e6).toFixed(1)} cores for ${int(PG_INGEST_TARGET_SPANS_PER_SECOND)} spans/s.`,
      '',
    );
  }
  if (w) {
    const top = w.statements
      .slice(0, 3)
      .map((st) => `${st.label} ${st.microsPerSpan.toFixed(0)} µs`)
      .join(', ');
    out.push(
      `Of a span's PostgreSQL backend CPU (${w.backendMicrosPerSpan.toFixed(0)} µs in the in-process run above), the most goes to ${top}. ` +
        'The upsert parses every column of the batch (the JSON attributes into JSONB), compresses wide rows, inserts into the ' +
        'span indexes, and writes the WAL for the row and for the queued search text.',
    );
  }
  return out;
}

function serverCpuCell(server: ServerUsage): string {
  // Node 20 does not name its threads: the main thread runs decode, normalize and the pg
  // driver; the others are V8 (GC, compiler) and libuv.
  const main = server.threads.find((t) => t.name === 'main')?.cpuSeconds ?? 0;
  const total = server.threads.reduce((sum, t) => sum + t.cpuSeconds, 0) || 1;
  return `${cores(server.cpuCores)} (main thread ${((main / total) * server.cpuCores).toFixed(2)})`;
}

function postgresCell(p: PostgresCpu | undefined): string {
  if (!local(p)) return 'n/a (no `postgres` process on this machine)';
  return (
    `${cores(p!.allCores)} over all ${p!.processes} \`postgres\` processes; ` +
    `of which the ${p!.serverBackends} backends of the benchmark's server(s) ${cores(p!.serverBackendsCores)}`
  );
}

function waitsCell(w: PostgresWaits | undefined): string {
  if (!w || w.observations === 0) return 'n/a';
  return (
    `busy ${pct(w.busyShare)} of the time (the rest idle in the pool), of which ` +
    w.busy
      .slice(0, 6)
      .map((s) => `${escapeCell(s.state)} ${pct(s.share)}`)
      .join(', ') +
    ` (${int(w.observations)} observations)`
  );
}

/** Share of the backends' busy time spent waiting on another transaction's lock. */
export function lockWaitShare(w: PostgresWaits | undefined): number {
  return (w?.busy ?? [])
    .filter((s) => s.state.startsWith('waiting: Lock'))
    .reduce((sum, s) => sum + s.share, 0);
}

/** Share of their busy time spent on the WAL (a commit's flush, or its write lock). */
export function walWaitShare(w: PostgresWaits | undefined): number {
  return (w?.busy ?? [])
    .filter((s) => /^waiting: (IO WAL|LWLock WAL)/.test(s.state))
    .reduce((sum, s) => sum + s.share, 0);
}

function budgetCell(b: CpuBudget): string {
  return (
    `servers ${b.servers.toFixed(2)} + PostgreSQL ${b.postgres === undefined ? 'n/a' : b.postgres.toFixed(2)} + ` +
    `load generator ${b.client.toFixed(2)} = **${cores(b.total)}** of ${b.available.toFixed(2)} available`
  );
}

function perSpan(b: CpuBudget, t: ThroughputResult): string {
  return `${((b.total / (t.spansPerSecond || 1)) * 1e6).toFixed(0)} µs`;
}

/**
 * The most a second node could give if every span costs the CPU it costs with one node: the
 * machine's available cores over what one node's run used.
 */
function ceiling(one: CpuBudget): number {
  return Math.min(2, one.available / (one.total || 1));
}

function explanation(
  ratio: number,
  one: ThroughputResult,
  two: ThroughputResult,
  b1: CpuBudget,
  b2: CpuBudget,
  m: MachineInfo,
): string[] {
  const out = [`### Why two nodes reach ${ratio.toFixed(2)}×`, ''];
  const bound = ceiling(b1);
  const knownPostgres = b1.postgres !== undefined && b2.postgres !== undefined;
  out.push(
    `With one node the run used ${cores(b1.total)} of the ${cores(b1.available)} the machine offered ` +
      `(${m.cores} cores, each run ${pct(m.cpuDelivery?.deliveredShare ?? 1)} of the time): ` +
      `the server ${b1.servers.toFixed(2)}, PostgreSQL ${b1.postgres === undefined ? 'not measured (remote)' : b1.postgres.toFixed(2)}, ` +
      `the load generator ${b1.client.toFixed(2)}. ` +
      `Ingest costs CPU per span in all three, so a second node can add at most the idle ` +
      `${Math.max(0, b1.available - b1.total).toFixed(2)} cores' worth: **at most ${bound.toFixed(2)}×** on this machine, ` +
      `whatever the software does.`,
    '',
  );
  const saturated = b2.total >= 0.9 * b2.available;
  out.push(
    `With two nodes the run used ${cores(b2.total)} (servers ${b2.servers.toFixed(2)}, PostgreSQL ` +
      `${b2.postgres === undefined ? 'not measured' : b2.postgres.toFixed(2)}, load generator ${b2.client.toFixed(2)}): ` +
      (saturated
        ? 'the machine was out of CPU, so the two nodes shared the cores rather than adding any.'
        : `${(b2.available - b2.total).toFixed(2)} cores stayed idle, so CPU was not the only limit.`),
    '',
  );
  if (two.waits && two.waits.observations > 0) {
    const locks1 = lockWaitShare(one.waits);
    const locks2 = lockWaitShare(two.waits);
    const wal2 = walWaitShare(two.waits);
    out.push(
      `In PostgreSQL, the servers' backends spent ${pct(locks2)} of their busy time waiting for another transaction's lock ` +
        `with two nodes (${pct(locks1)} with one) and ${pct(wal2)} on the WAL (commit flushes)` +
        (locks2 > 0.2
          ? ": the two nodes' batches queue behind each other on shared rows, which limits scaling independently of the cores."
          : '; lock contention between the nodes is not what limits them.'),
      '',
    );
  }
  const cost1 = b1.total / (one.spansPerSecond || 1);
  const cost2 = b2.total / (two.spansPerSecond || 1);
  const change = cost2 / (cost1 || 1) - 1;
  out.push(
    `Total CPU per span went from ${(cost1 * 1e6).toFixed(0)} µs with one node to ${(cost2 * 1e6).toFixed(0)} µs with two ` +
      `(${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)} %)` +
      (change > 0.1
        ? ': a second node also makes each span dearer on this machine.'
        : ': the cost of a span hardly changes, so throughput follows the CPU the machine has left.') +
      (knownPostgres
        ? ` PostgreSQL alone used ${b1.postgres!.toFixed(2)} cores for one node and ${b2.postgres!.toFixed(2)} for two.`
        : ''),
    '',
    `On a machine with enough cores for two servers and PostgreSQL (about ${Math.ceil(b1.total * 2)}, twice what one node's run used), the same measurement ` +
      `would show how far the software itself scales; on ${m.cores} cores it shows the machine's limit.`,
  );
  return out;
}
