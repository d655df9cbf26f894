/**
 * The ingest benchmark: three runs over the same realistic payloads.
 *
 * - max throughput: a fresh server, C keep-alive connections each sending back to back; the
 *   figure is acknowledged (= committed) spans per second, and the database is checked to hold
 *   every acknowledged span afterwards.
 * - half rate: a fresh server, an open-loop schedule at half the measured throughput; latency
 *   is measured from each request's scheduled time, so a stalled client cannot hide a stall.
 * - decode only: decode + normalize + row serialisation in this process, on one core, with no
 *   HTTP and no database: the floor the server's own work cannot go below.
 *
 * On PostgreSQL (`databaseUrl`), every run gets a fresh schema, dropped afterwards, and the
 * decode-only run (which touches no database) is left to the SQLite suite; instead a third run
 * puts two servers on the same database and schema, the connections split between them, to see
 * how throughput scales with nodes. Those runs also measure the CPU of the PostgreSQL processes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { decodeProtobufExportRequest } from '../../packages/server/dist/otlp/protobuf-decoder.js';
import { normalizeExportRequest } from '../../packages/server/dist/spans/span-normalizer.js';
import { DEFAULT_SPAN_LIMITS } from '../../packages/server/dist/spans/span-limits.js';
import { toSpanRow } from '../../packages/server/dist/store/sqlite/span-row.js';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { OtlpHttpSender, type ExportOutcome } from './http-sender.js';
import type { PayloadGenerator } from './payload-generator.js';
import { ProcessSampler, cpuPressureAvg60, type ThreadCpu } from './process-sampler.js';
import { PostgresCpuSampler, type PostgresCpu } from './postgres-cpu-sampler.js';
import { PostgresWaitSampler, type PostgresWaits } from './postgres-wait-sampler.js';
import { measureSearchCatchUp, type SearchCatchUp } from './postgres-search-catch-up.js';
import { runWritePath, type WritePathResult } from './postgres-write-path.js';
import { countSpans, dropSchema, freshIngestSchema, trackSchema } from './postgres-bench-schema.js';
import { summarizeCpuProfiles, type ProfileSummary } from './cpu-profile-summary.js';
import { commitFigures, readCommitTotals, type CommitFigures } from './commit-metrics.js';

export interface IngestBenchOptions {
  connections: number;
  /** Seconds of measured load in the max-throughput run. */
  durationSeconds: number;
  warmupSeconds: number;
  halfRateSeconds: number;
  decodeSeconds: number;
  /** If set, an extra max-throughput run with the server's main thread under the V8 CPU profiler, profiles here. */
  profileDir?: string;
  profileSeconds: number;
  /** Server environment for both runs (e.g. HERON_SQLITE_SYNCHRONOUS). */
  serverEnv?: Record<string, string>;
  /** PostgreSQL instead of SQLite: each run in a fresh schema of this database. */
  databaseUrl?: string;
  log: (message: string) => void;
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  count: number;
}

export interface StoredCheck {
  /** Spans acknowledged over the whole run (warm-up and drain included). */
  ackedSpans: number;
  /** SELECT COUNT(*) FROM spans after the server stopped. */
  storedSpans: number;
  /** GET /v1/projects/default/traces?limit=1 answered with a trace. */
  apiSawTraces: boolean;
  ok: boolean;
}

export interface ServerUsage {
  peakRssBytes: number;
  /** /proc/pressure/cpu some avg60 at the end of the window. */
  cpuPressure?: number;
  /** Server CPU in the measured window, in cores (2.0 = both cores busy). */
  cpuCores: number;
  threads: ThreadCpu[];
}

export interface ThroughputResult {
  /** Servers sharing the load (2 only on PostgreSQL, on one database and schema). */
  nodes: number;
  connections: number;
  seconds: number;
  spansPerSecond: number;
  requestsPerSecond: number;
  megabytesPerSecond: number;
  latency: Latency;
  status503: number;
  otherErrors: number;
  firstError?: string;
  rejectedSpans: number;
  /** The first (or only) server. */
  server: ServerUsage;
  /** Every server, in start order. */
  servers: ServerUsage[];
  /** On PostgreSQL: the database server's CPU in the window (when it runs on this machine). */
  postgres?: PostgresCpu;
  /** On PostgreSQL: what the servers' backends were doing in the window. */
  waits?: PostgresWaits;
  /** On PostgreSQL: the full-text index catching up after the load stopped. */
  searchCatchUp?: SearchCatchUp;
  /** This process's CPU in the window, in cores. */
  clientCpuCores: number;
  /** The first server's commits in the window. */
  commits: CommitFigures;
  stored: StoredCheck;
  profile?: ProfileSummary[];
}

export interface HalfRateResult {
  seconds: number;
  targetSpansPerSecond: number;
  spansPerSecond: number;
  latency: Latency;
  /** How late the client sent requests relative to the schedule (p99). */
  sendLagP99Ms: number;
  status503: number;
  otherErrors: number;
  firstError?: string;
  server: ServerUsage;
  postgres?: PostgresCpu;
  /** On PostgreSQL: the full-text index catching up after the load stopped. */
  searchCatchUp?: SearchCatchUp;
  stored: StoredCheck;
}

export interface DecodeResult {
  seconds: number;
  /** Spans per second of wall time spent in the three stages. */
  spansPerSecond: number;
  /** Spans per second of this process's CPU time (GC threads included): robust to contention. */
  spansPerCpuSecond: number;
  /** Share of the time per stage. */
  decodeShare: number;
  normalizeShare: number;
  rowShare: number;
}

export interface IngestResults {
  throughput: ThroughputResult;
  halfRate: HalfRateResult;
  decode: DecodeResult;
  /** The extra run under the profiler (its throughput is lowered by profiling). */
  profiled?: ThroughputResult;
}

export interface PostgresIngestResults {
  /** One server. */
  throughput: ThroughputResult;
  halfRate: HalfRateResult;
  /** Two servers on the same database and schema. */
  twoNodes: ThroughputResult;
  /** Where a span's CPU goes, statement by statement (undefined: PostgreSQL is remote). */
  writePath?: WritePathResult;
}

/** The in-process write-path run: spans measured, written before, and per transaction. */
const WRITE_PATH_SPANS = 20_000;
const WRITE_PATH_WARMUP_SPANS = 4_000;
const WRITE_PATH_BATCH_SPANS = 2_000;
/** How long a run waits for the search index to catch up after its load. */
const SEARCH_CATCH_UP_LIMIT_SECONDS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runIngestBench(
  generator: PayloadGenerator,
  options: IngestBenchOptions,
): Promise<IngestResults> {
  const throughput = await runMaxThroughput(generator, options);
  const halfRate = await runHalfRate(generator, throughput.spansPerSecond / 2, options);
  const decode = runDecodeOnly(generator, options);
  const profiled = options.profileDir
    ? await runMaxThroughput(generator, options, {
        profileDir: options.profileDir,
        durationSeconds: options.profileSeconds,
      })
    : undefined;
  return { throughput, halfRate, decode, profiled };
}

/** One node at max throughput and at half rate, then two nodes on the same schema. */
export async function runPostgresIngestBench(
  generator: PayloadGenerator,
  options: IngestBenchOptions & { databaseUrl: string },
): Promise<PostgresIngestResults> {
  const throughput = await runMaxThroughput(generator, options);
  const halfRate = await runHalfRate(generator, throughput.spansPerSecond / 2, options);
  const twoNodes = await runMaxThroughput(generator, options, { nodes: 2 });
  const writePath = await runWritePath(generator, {
    databaseUrl: options.databaseUrl,
    spans: WRITE_PATH_SPANS,
    warmupSpans: WRITE_PATH_WARMUP_SPANS,
    batchSpans: WRITE_PATH_BATCH_SPANS,
    log: options.log,
  });
  return { throughput, halfRate, twoNodes, writePath };
}

/** Servers of one run, and on PostgreSQL the fresh schema they share. */
interface RunServers {
  servers: HeronProcess[];
  schema?: string;
}

async function startServers(
  options: IngestBenchOptions,
  nodes: number,
  env: Record<string, string> = {},
): Promise<RunServers> {
  const url = options.databaseUrl;
  if (nodes > 1 && url === undefined) throw new Error('several nodes need PostgreSQL');
  const schema = url === undefined ? undefined : freshIngestSchema();
  const database: Record<string, string> =
    url === undefined || schema === undefined
      ? {}
      : { HERON_SQL_DATABASE_URL: url, HERON_SQL_DATABASE_SCHEMA: schema };
  const run: RunServers = { servers: [], schema };
  if (url !== undefined && schema !== undefined) trackSchema(url, schema);
  try {
    // One after the other: the first creates the schema, the others find it migrated.
    for (let i = 0; i < nodes; i++) {
      const server = await spawnHeron({
        env: { ...options.serverEnv, ...env, ...database },
        timeoutMs: 60_000,
      });
      run.servers.push(server);
      options.log(
        `  server pid ${server.child.pid} on ${server.baseUrl}, ` +
          (schema === undefined ? `data in ${server.workingDir}` : `PostgreSQL schema ${schema}`),
      );
    }
  } catch (error) {
    await Promise.all(run.servers.map((s) => s.stop()));
    if (url !== undefined && schema !== undefined) await dropSchema(url, schema);
    throw error;
  }
  return run;
}

export async function runMaxThroughput(
  generator: PayloadGenerator,
  options: IngestBenchOptions,
  variant: { profileDir?: string; durationSeconds?: number; nodes?: number } = {},
): Promise<ThroughputResult> {
  const { log } = options;
  const profiling = variant.profileDir;
  const nodes = variant.nodes ?? 1;
  const durationSeconds = variant.durationSeconds ?? options.durationSeconds;
  log(
    `ingest: max throughput${profiling ? ' with the CPU profiler on' : ''}${nodes > 1 ? ` on ${nodes} nodes` : ''}${options.databaseUrl ? ' (PostgreSQL)' : ''}, ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${durationSeconds} s`,
  );
  if (profiling) mkdirSync(profiling, { recursive: true });
  const profileDir = profiling ? mkdtempSync(join(profiling, 'cpu-')) : undefined;
  // Node 20 does not take --cpu-prof in NODE_OPTIONS; a preload profiles on SIGUSR2 instead.
  const profileEnv: Record<string, string> = profileDir
    ? {
        NODE_OPTIONS: `--import=${new URL('./cpu-profile-preload.js', import.meta.url).href}`,
        HERON_BENCH_PROFILE_DIR: profileDir,
      }
    : {};
  const run = await startServers(options, nodes, profileEnv);
  const server = run.servers[0]!;
  const samplers = run.servers.map((s) => new ProcessSampler(s.child.pid!));
  const postgresSampler = options.databaseUrl
    ? new PostgresCpuSampler(
        options.databaseUrl,
        run.servers.map((s) => s.child.pid!),
      )
    : undefined;
  const waitSampler = options.databaseUrl
    ? new PostgresWaitSampler(
        options.databaseUrl,
        run.servers.map((s) => s.child.pid!),
      )
    : undefined;
  // Connection i talks to server i mod nodes: the load is split evenly.
  const senders = run.servers.map(
    (s) => new OtlpHttpSender(s.baseUrl, Math.ceil(options.connections / nodes)),
  );
  const latencies: number[] = [];
  let ackedTotal = 0;
  let ackedInWindow = 0;
  let requestsInWindow = 0;
  let bytesInWindow = 0;
  let rejected = 0;
  let status503 = 0;
  let otherErrors = 0;
  let firstError: string | undefined;
  let stopping = false;
  let windowStart = Infinity;
  let windowEnd = Infinity;

  const connection = async (index: number) => {
    const sender = senders[index % senders.length]!;
    while (!stopping) {
      const lease = generator.next();
      const sentAt = performance.now();
      const outcome = await sender.send(lease.body);
      const doneAt = performance.now();
      lease.release();
      if (outcome.status === 200) {
        const acked = lease.spans - outcome.rejectedSpans;
        ackedTotal += acked;
        rejected += outcome.rejectedSpans;
        if (doneAt >= windowStart && doneAt < windowEnd) {
          ackedInWindow += acked;
          requestsInWindow++;
          bytesInWindow += lease.body.length;
          latencies.push(doneAt - sentAt);
        }
        continue;
      }
      if (outcome.status === 503) {
        status503++;
        await sleep(Math.min(1000, (outcome.retryAfterSeconds ?? 1) * 1000));
      } else {
        otherErrors++;
        firstError ??= `HTTP ${outcome.status}: ${outcome.error ?? ''}`;
        await sleep(100);
      }
    }
  };

  for (const sampler of samplers) sampler.start();
  const cpuStart = process.cpuUsage();
  const workers = Array.from({ length: options.connections }, (_, i) => connection(i));
  await sleep(options.warmupSeconds * 1000);
  log(`  warm-up done (${ackedTotal} spans acknowledged); measuring…`);
  windowStart = performance.now();
  windowEnd = windowStart + durationSeconds * 1000;
  for (const sampler of samplers) sampler.resetCpu();
  const commitsAtStart = await readCommitTotals(run.servers[0]!.baseUrl);
  postgresSampler?.start();
  await waitSampler?.start();
  if (profileDir) process.kill(server.child.pid!, 'SIGUSR2');
  const clientCpuWindowStart = process.cpuUsage(cpuStart);
  const progress = setInterval(() => {
    const elapsed = (performance.now() - windowStart) / 1000;
    log(
      `  ${elapsed.toFixed(0)} s: ${Math.round(ackedInWindow / elapsed)} spans/s, ${status503} × 503`,
    );
  }, 5000);
  await sleep(durationSeconds * 1000);
  clearInterval(progress);
  const usages = samplers.map((sampler) => sampler.stop());
  const commits = commitFigures(
    commitsAtStart,
    await readCommitTotals(run.servers[0]!.baseUrl),
    durationSeconds,
  );
  const clientCpu = process.cpuUsage(cpuStart);
  const postgres = await postgresSampler?.stop();
  const waits = await waitSampler?.stop();
  if (profileDir) process.kill(server.child.pid!, 'SIGUSR2');
  stopping = true;
  await Promise.all(workers);
  for (const sender of senders) sender.close();
  const searchCatchUp =
    options.databaseUrl !== undefined && run.schema !== undefined
      ? await measureSearchCatchUp({
          url: options.databaseUrl,
          schema: run.schema,
          serverPids: run.servers.map((s) => s.child.pid!),
          limitSeconds: SEARCH_CATCH_UP_LIMIT_SECONDS,
          log,
        })
      : undefined;

  const seconds = durationSeconds;
  const clientCpuSeconds =
    (clientCpu.user + clientCpu.system - clientCpuWindowStart.user - clientCpuWindowStart.system) /
    1e6;
  if (profileDir) await waitForFile(join(profileDir, 'main.cpuprofile'), 30_000);
  const stored = await checkStored(run, options, ackedTotal);
  const pressure = cpuPressureAvg60();
  const servers: ServerUsage[] = usages.map((usage) => ({
    peakRssBytes: usage.peakRssBytes,
    cpuPressure: pressure,
    cpuCores: usage.cpuSeconds / seconds,
    threads: usage.threads,
  }));
  const result: ThroughputResult = {
    nodes,
    connections: options.connections,
    seconds,
    spansPerSecond: ackedInWindow / seconds,
    requestsPerSecond: requestsInWindow / seconds,
    megabytesPerSecond: bytesInWindow / seconds / 1e6,
    latency: percentiles(latencies),
    status503,
    otherErrors,
    firstError,
    rejectedSpans: rejected,
    server: servers[0]!,
    servers,
    postgres,
    waits,
    searchCatchUp,
    clientCpuCores: clientCpuSeconds / seconds,
    commits,
    stored,
  };
  if (profileDir) {
    result.profile = summarizeCpuProfiles(profileDir, profilesOf(profileDir));
    log(`  profiles in ${profileDir}`);
  }
  log(
    `  → ${Math.round(result.spansPerSecond)} spans/s, p50 ${result.latency.p50Ms.toFixed(1)} ms, p99 ${result.latency.p99Ms.toFixed(1)} ms, peak RSS ${mb(result.server.peakRssBytes)} MB`,
  );
  return result;
}

export async function runHalfRate(
  generator: PayloadGenerator,
  spansPerSecond: number,
  options: IngestBenchOptions,
): Promise<HalfRateResult> {
  const { log } = options;
  const spansPerRequest = generator.stats.spansPerRequest;
  const requestsPerSecond = spansPerSecond / spansPerRequest;
  const intervalMs = 1000 / requestsPerSecond;
  const warmupSeconds = Math.min(2, options.warmupSeconds);
  log(
    `ingest: half rate, open loop at ${Math.round(spansPerSecond)} spans/s (${requestsPerSecond.toFixed(1)} requests/s), ${warmupSeconds} s warm-up + ${options.halfRateSeconds} s`,
  );
  const run = await startServers(options, 1);
  const server = run.servers[0]!;
  const sampler = new ProcessSampler(server.child.pid!);
  const postgresSampler = options.databaseUrl
    ? new PostgresCpuSampler(options.databaseUrl, [server.child.pid!])
    : undefined;
  const sender = new OtlpHttpSender(server.baseUrl, 256);
  const latencies: number[] = [];
  const lags: number[] = [];
  let ackedTotal = 0;
  let ackedInWindow = 0;
  let status503 = 0;
  let otherErrors = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();

  const start = performance.now() + 50;
  const windowStart = start + warmupSeconds * 1000;
  const end = windowStart + options.halfRateSeconds * 1000;

  const fire = (scheduledAt: number) => {
    const lease = generator.next();
    const lag = performance.now() - scheduledAt;
    const measured = scheduledAt >= windowStart;
    const done = sender.send(lease.body).then((outcome: ExportOutcome) => {
      const doneAt = performance.now();
      lease.release();
      if (outcome.status === 200) {
        const acked = lease.spans - outcome.rejectedSpans;
        ackedTotal += acked;
        if (measured) {
          ackedInWindow += acked;
          latencies.push(doneAt - scheduledAt);
          lags.push(lag);
        }
      } else if (outcome.status === 503) {
        status503++;
      } else {
        otherErrors++;
        firstError ??= `HTTP ${outcome.status}: ${outcome.error ?? ''}`;
      }
      inFlight.delete(done);
    });
    inFlight.add(done);
  };

  sampler.start();
  let windowStarted = false;
  await new Promise<void>((resolve) => {
    let index = 0;
    const tick = () => {
      const now = performance.now();
      if (!windowStarted && now >= windowStart) {
        windowStarted = true;
        sampler.resetCpu();
        postgresSampler?.start();
      }
      for (;;) {
        const due = start + index * intervalMs;
        if (due >= end) {
          resolve();
          return;
        }
        if (due > now) break;
        fire(due);
        index++;
      }
      setTimeout(tick, Math.max(0, start + index * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  const usage = sampler.stop();
  const postgres = await postgresSampler?.stop();
  await Promise.all(inFlight);
  sender.close();
  const searchCatchUp =
    options.databaseUrl !== undefined && run.schema !== undefined
      ? await measureSearchCatchUp({
          url: options.databaseUrl,
          schema: run.schema,
          serverPids: [server.child.pid!],
          limitSeconds: SEARCH_CATCH_UP_LIMIT_SECONDS,
          log,
        })
      : undefined;
  const stored = await checkStored(run, options, ackedTotal);
  const lagPercentiles = percentiles(lags);
  const result: HalfRateResult = {
    seconds: options.halfRateSeconds,
    targetSpansPerSecond: spansPerSecond,
    spansPerSecond: ackedInWindow / options.halfRateSeconds,
    latency: percentiles(latencies),
    sendLagP99Ms: lagPercentiles.p99Ms,
    status503,
    otherErrors,
    firstError,
    server: {
      peakRssBytes: usage.peakRssBytes,
      cpuPressure: cpuPressureAvg60(),
      cpuCores: usage.cpuSeconds / options.halfRateSeconds,
      threads: usage.threads,
    },
    postgres,
    searchCatchUp,
    stored,
  };
  log(
    `  → ${Math.round(result.spansPerSecond)} spans/s, p50 ${result.latency.p50Ms.toFixed(1)} ms, p99 ${result.latency.p99Ms.toFixed(1)} ms`,
  );
  return result;
}

export function runDecodeOnly(
  generator: PayloadGenerator,
  options: Pick<IngestBenchOptions, 'decodeSeconds' | 'log'>,
): DecodeResult {
  options.log(`ingest: decode only (decode + normalize + toSpanRow), ${options.decodeSeconds} s`);
  const stage = [0, 0, 0];
  let spans = 0;
  const runFor = (ms: number, count: boolean) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const lease = generator.next();
      const t0 = performance.now();
      const request = decodeProtobufExportRequest(lease.body);
      const t1 = performance.now();
      const normalized = normalizeExportRequest(request, { limits: DEFAULT_SPAN_LIMITS });
      const t2 = performance.now();
      let columns = 0;
      for (const span of normalized.spans) columns += toSpanRow(span).length;
      const t3 = performance.now();
      lease.release();
      if (columns === 0) throw new Error('decode-only run: no spans came out of the pipeline');
      if (count) {
        stage[0]! += t1 - t0;
        stage[1]! += t2 - t1;
        stage[2]! += t3 - t2;
        spans += normalized.spans.length;
      }
    }
  };
  runFor(1000, false);
  const cpuStart = process.cpuUsage();
  runFor(options.decodeSeconds * 1000, true);
  const cpu = process.cpuUsage(cpuStart);
  // Includes the payload patching (well under 1 % of the loop).
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const busyMs = stage[0]! + stage[1]! + stage[2]!;
  const result: DecodeResult = {
    seconds: options.decodeSeconds,
    spansPerSecond: spans / (busyMs / 1000),
    spansPerCpuSecond: spans / cpuSeconds,
    decodeShare: stage[0]! / busyMs,
    normalizeShare: stage[1]! / busyMs,
    rowShare: stage[2]! / busyMs,
  };
  options.log(
    `  → ${Math.round(result.spansPerSecond)} spans/s on one core (${Math.round(result.spansPerCpuSecond)} per CPU-second)`,
  );
  return result;
}

/**
 * Asks every server's API for a trace, stops the servers, then counts the rows in their database
 * (the SQLite file, or the run's PostgreSQL schema, which is dropped afterwards).
 */
async function checkStored(
  run: RunServers,
  options: Pick<IngestBenchOptions, 'databaseUrl' | 'log'>,
  ackedSpans: number,
): Promise<StoredCheck> {
  const { log } = options;
  let apiSawTraces = true;
  for (const server of run.servers) {
    try {
      const response = await fetch(`${server.baseUrl}/v1/projects/default/traces?limit=1`);
      const body = (await response.json()) as { data?: unknown[] };
      apiSawTraces &&= response.ok && (body.data?.length ?? 0) === 1;
    } catch (error) {
      apiSawTraces = false;
      log(`  GET /v1/projects/default/traces failed: ${(error as Error).message}`);
    }
  }
  for (const server of run.servers) {
    const exitCode = await server.stop();
    if (exitCode !== 0)
      log(`  server exited with code ${exitCode}:\n${server.output().slice(-2000)}`);
  }
  let storedSpans: number;
  try {
    storedSpans =
      options.databaseUrl !== undefined && run.schema !== undefined
        ? await countSpans(options.databaseUrl, run.schema)
        : countSqliteSpans(join(run.servers[0]!.workingDir, 'heron.db'));
  } finally {
    for (const server of run.servers) {
      rmSync(server.workingDir, { recursive: true, force: true });
    }
    if (options.databaseUrl !== undefined && run.schema !== undefined) {
      await dropSchema(options.databaseUrl, run.schema);
    }
  }
  const ok = apiSawTraces && storedSpans === ackedSpans;
  log(`  stored ${storedSpans} spans, acknowledged ${ackedSpans}: ${ok ? 'OK' : 'MISMATCH'}`);
  return { ackedSpans, storedSpans, apiSawTraces, ok };
}

function countSqliteSpans(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function percentiles(values: number[]): Latency {
  if (values.length === 0) return { p50Ms: NaN, p99Ms: NaN, maxMs: NaN, count: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1]!,
    count: values.length,
  };
}

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) && Date.now() < deadline) await sleep(100);
}

function profilesOf(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
