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
import { summarizeCpuProfiles, type ProfileSummary } from './cpu-profile-summary.js';

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
  seconds: number;
  spansPerSecond: number;
  requestsPerSecond: number;
  megabytesPerSecond: number;
  latency: Latency;
  status503: number;
  otherErrors: number;
  firstError?: string;
  rejectedSpans: number;
  server: ServerUsage;
  /** This process's CPU in the window, in cores. */
  clientCpuCores: number;
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

async function startServer(options: IngestBenchOptions, env: Record<string, string> = {}) {
  const server = await spawnHeron({ env: { ...options.serverEnv, ...env }, timeoutMs: 60_000 });
  options.log(
    `  server pid ${server.child.pid} on ${server.baseUrl}, data in ${server.workingDir}`,
  );
  return server;
}

export async function runMaxThroughput(
  generator: PayloadGenerator,
  options: IngestBenchOptions,
  profiling?: { profileDir: string; durationSeconds: number },
): Promise<ThroughputResult> {
  const { log } = options;
  const durationSeconds = profiling?.durationSeconds ?? options.durationSeconds;
  log(
    `ingest: max throughput${profiling ? ' with the CPU profiler on' : ''}, ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${durationSeconds} s`,
  );
  if (profiling) mkdirSync(profiling.profileDir, { recursive: true });
  const profileDir = profiling ? mkdtempSync(join(profiling.profileDir, 'cpu-')) : undefined;
  // Node 20 does not take --cpu-prof in NODE_OPTIONS; a preload profiles on SIGUSR2 instead.
  const profileEnv: Record<string, string> = profileDir
    ? {
        NODE_OPTIONS: `--import=${new URL('./cpu-profile-preload.js', import.meta.url).href}`,
        HERON_BENCH_PROFILE_DIR: profileDir,
      }
    : {};
  const server = await startServer(options, profileEnv);
  const sampler = new ProcessSampler(server.child.pid!);
  const sender = new OtlpHttpSender(server.baseUrl, options.connections);
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

  const connection = async () => {
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

  sampler.start();
  const cpuStart = process.cpuUsage();
  const workers = Array.from({ length: options.connections }, () => connection());
  await sleep(options.warmupSeconds * 1000);
  log(`  warm-up done (${ackedTotal} spans acknowledged); measuring…`);
  windowStart = performance.now();
  windowEnd = windowStart + durationSeconds * 1000;
  sampler.resetCpu();
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
  const usage = sampler.stop();
  const clientCpu = process.cpuUsage(cpuStart);
  if (profileDir) process.kill(server.child.pid!, 'SIGUSR2');
  stopping = true;
  await Promise.all(workers);
  sender.close();

  const seconds = durationSeconds;
  const clientCpuSeconds =
    (clientCpu.user + clientCpu.system - clientCpuWindowStart.user - clientCpuWindowStart.system) /
    1e6;
  if (profileDir) await waitForFile(join(profileDir, 'main.cpuprofile'), 30_000);
  const stored = await checkStored(server, ackedTotal, log);
  const result: ThroughputResult = {
    seconds,
    spansPerSecond: ackedInWindow / seconds,
    requestsPerSecond: requestsInWindow / seconds,
    megabytesPerSecond: bytesInWindow / seconds / 1e6,
    latency: percentiles(latencies),
    status503,
    otherErrors,
    firstError,
    rejectedSpans: rejected,
    server: {
      peakRssBytes: usage.peakRssBytes,
      cpuPressure: cpuPressureAvg60(),
      cpuCores: usage.cpuSeconds / seconds,
      threads: usage.threads,
    },
    clientCpuCores: clientCpuSeconds / seconds,
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
  const server = await startServer(options);
  const sampler = new ProcessSampler(server.child.pid!);
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
  await Promise.all(inFlight);
  sender.close();
  const stored = await checkStored(server, ackedTotal, log);
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

/** Asks the API for a trace, stops the server, then counts the rows in its database. */
async function checkStored(
  server: HeronProcess,
  ackedSpans: number,
  log: (message: string) => void,
): Promise<StoredCheck> {
  let apiSawTraces = false;
  try {
    const response = await fetch(`${server.baseUrl}/v1/projects/default/traces?limit=1`);
    const body = (await response.json()) as { data?: unknown[] };
    apiSawTraces = response.ok && (body.data?.length ?? 0) === 1;
  } catch (error) {
    log(`  GET /v1/projects/default/traces failed: ${(error as Error).message}`);
  }
  const exitCode = await server.stop();
  if (exitCode !== 0)
    log(`  server exited with code ${exitCode}:\n${server.output().slice(-2000)}`);
  const db = new Database(join(server.workingDir, 'heron.db'), { readonly: true });
  let storedSpans: number;
  try {
    storedSpans = (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
  } finally {
    db.close();
  }
  rmSync(server.workingDir, { recursive: true, force: true });
  const ok = apiSawTraces && storedSpans === ackedSpans;
  log(`  stored ${storedSpans} spans, acknowledged ${ackedSpans}: ${ok ? 'OK' : 'MISMATCH'}`);
  return { ackedSpans, storedSpans, apiSawTraces, ok };
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
