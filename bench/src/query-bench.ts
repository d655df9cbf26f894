/**
 * The query benchmark: a real `heron serve` on the generated store (query-store-generator.ts,
 * 1,000,000 spans by default) answers the reads the UI and SDKs make, over one keep-alive HTTP
 * connection, one request at a time; each query runs `warmup` untimed and then `iterations`
 * timed requests, and reports p50 / p95 / max of the time to the last byte of the answer.
 *
 * Every answer is checked (status 200 and the rows it must contain): a fast failing request
 * is not a result. A query that fails is reported with its status and message instead of times.
 *
 * The store is a QueryTarget: the cached SQLite file (sqliteQueryTarget, below) or the same
 * generated spans in a PostgreSQL schema (postgres-query-store.ts); the queries and their checks
 * are the same on both.
 */
import Database from 'better-sqlite3';
import { Agent, request } from 'node:http';
import { encodeKeysetCursor } from '../../packages/server/dist/query/keyset-cursor.js';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { rmSync } from 'node:fs';
import { ProcessSampler, cpuPressureAvg60, rssBytes } from './process-sampler.js';
import { mulberry32 } from './payload-generator.js';
import {
  MAIN_PROJECT,
  databaseBytes,
  ensureQueryStore,
  waitForSearchIndex,
  type QueryStoreMeta,
} from './query-store-generator.js';

/** The store a query run reads, on either backend, ready to serve. */
export interface QueryTarget {
  backend: 'sqlite' | 'postgres';
  meta: QueryStoreMeta;
  /** False when a cached store was reused. */
  generated: boolean;
  /** Where the data is, for the report (a path under bench/, or a schema). */
  location: string;
  /** Bytes on disk (SQLite: the file and its WAL; PostgreSQL: the schema's relations). */
  bytes: number;
  storage?: StorageBreakdown;
  /** The step after writing the spans, for the report, e.g. "the full-text index caught up". */
  afterWrite: { label: string; seconds: number | null };
  /** Random trace ids of the main project and a keyset cursor in the middle of its trace list. */
  sampleIds(count: number): Promise<SampledIds>;
  /** Starts `heron serve` on the store. */
  spawn(): Promise<HeronProcess>;
  /** Resolves when the running server answers from the complete store. */
  ready(log: (message: string) => void): Promise<void>;
}

export interface SampledIds {
  traceIds: string[];
  middleCursor: string;
}

export interface QueryBenchOptions {
  target: QueryTarget;
  iterations: number;
  warmup: number;
  /** A query stops after this many seconds of timed requests (with at least 5 done). */
  maxSecondsPerQuery: number;
  log: (message: string) => void;
}

/** The issue's targets (p50), by group. */
export const QUERY_TARGETS = {
  list: { ms: 30, label: 'list page < 30 ms' },
  trace: { ms: 20, label: 'trace by id < 20 ms' },
  search: { ms: 100, label: 'search < 100 ms' },
  attribute: { ms: 300, label: 'attribute filter < 300 ms' },
  summary: { ms: 150, label: 'summary < 150 ms' },
} as const;

export type QueryTargetGroup = keyof typeof QUERY_TARGETS;

export interface QueryTiming {
  id: string;
  label: string;
  /** Path and query string of the (first) timed request. */
  request: string;
  group: QueryTargetGroup;
  /** True for worst cases reported for information (not the issue's realistic case). */
  informative: boolean;
  /** What the answer holds, e.g. "50 spans". */
  answer: string;
  /** Timed requests; 0 when the query failed. */
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Set when a request failed (non-200 or a wrong answer): status and message. */
  failure?: { status: number; message: string };
}

export interface QueryResults {
  backend: QueryTarget['backend'];
  meta: QueryStoreMeta;
  /** False when the cached store was reused. */
  generated: boolean;
  location: string;
  dbBytes: number;
  /** Bytes per part of the database (SQLite: dbstat, when built with it). */
  storage?: StorageBreakdown;
  afterWrite: QueryTarget['afterWrite'];
  iterations: number;
  warmup: number;
  queries: QueryTiming[];
  server: {
    startupSeconds: number;
    idleRssBytes: number;
    peakRssBytes: number;
    cpuSeconds: number;
    wallSeconds: number;
    cpuPressure?: number;
  };
}

export interface StorageBreakdown {
  spansTable: number;
  searchIndex: number;
  tracesAndSessions: number;
  spanIndexes: number;
}

interface Answer {
  status: number;
  body: Buffer;
  ms: number;
}

interface QuerySpec {
  id: string;
  label: string;
  group: QueryTargetGroup;
  informative?: boolean;
  /** The request of iteration i (warm-up included). */
  path: (i: number) => string;
  /** Throws when the answer is wrong; returns what it holds. */
  check: (json: unknown, i: number) => string;
}

class QueryFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function runQueryBench(options: QueryBenchOptions): Promise<QueryResults> {
  const { log, target } = options;
  const meta = target.meta;
  const counts = meta.counts!;

  const setup = await target.sampleIds(200);
  log(`query: starting heron serve on the store (${target.location})`);
  const startAt = performance.now();
  const server = await target.spawn();
  const startupSeconds = (performance.now() - startAt) / 1000;
  log(
    `  server pid ${server.child.pid} on ${server.baseUrl}, ready in ${startupSeconds.toFixed(1)} s`,
  );
  await target.ready(log);

  const client = new HttpClient(server.baseUrl);
  const idleRssBytes = rssBytes(server.child.pid!) ?? 0;
  const sampler = new ProcessSampler(server.child.pid!);
  const queries: QueryTiming[] = [];
  let serverUsage: QueryResults['server'] | undefined;
  const started = performance.now();
  sampler.start();
  try {
    const p = encodeURIComponent(MAIN_PROJECT);
    const weekEnd = new Date(meta.referenceNowMs).toISOString();
    const weekStart = new Date(meta.referenceNowMs - 7 * 86_400_000).toISOString();
    const pageCursors = {
      start_time: await followPages(client, `/v1/projects/${p}/traces?limit=50`, 4),
      latency_ms: await followPages(client, `/v1/projects/${p}/traces?limit=50&sort=latency_ms`, 4),
    };
    const probes = meta.probes;
    const specs: QuerySpec[] = [
      {
        id: 'traces-first',
        label: 'Trace list, first page (newest first)',
        group: 'list',
        path: () => `/v1/projects/${p}/traces?limit=50`,
        check: (json) => checkTracePage(json, 50, true),
      },
      {
        id: 'traces-next',
        label: 'Trace list, next page (5th page, via next_cursor)',
        group: 'list',
        path: () =>
          `/v1/projects/${p}/traces?limit=50&cursor=${encodeURIComponent(pageCursors.start_time)}`,
        check: (json) => checkTracePage(json, 50, true),
      },
      {
        id: 'traces-deep',
        label: 'Trace list, a page in the middle (cursor at trace 125,000 of 250,000)',
        group: 'list',
        path: () =>
          `/v1/projects/${p}/traces?limit=50&cursor=${encodeURIComponent(setup.middleCursor)}`,
        check: (json) => checkTracePage(json, 50, true),
      },
      {
        id: 'traces-latency-first',
        label: 'Trace list by latency, first page (slowest first)',
        group: 'list',
        path: () => `/v1/projects/${p}/traces?limit=50&sort=latency_ms`,
        check: (json) => checkTracePage(json, 50, true, 'latency_ms'),
      },
      {
        id: 'traces-latency-next',
        label: 'Trace list by latency, next page (5th page)',
        group: 'list',
        path: () =>
          `/v1/projects/${p}/traces?limit=50&sort=latency_ms&cursor=${encodeURIComponent(pageCursors.latency_ms)}`,
        check: (json) => checkTracePage(json, 50, true, 'latency_ms'),
      },
      {
        id: 'trace-by-id',
        label: 'One trace with its spans, by trace id (random traces)',
        group: 'trace',
        path: (i) => `/v1/traces/${setup.traceIds[i % setup.traceIds.length]}`,
        check: (json, i) => {
          const data = (json as { data: { trace_id: string; spans: unknown[] } }).data;
          if (data.trace_id !== setup.traceIds[i % setup.traceIds.length]) {
            throw new QueryFailure(200, `answered trace ${data.trace_id}`);
          }
          if (data.spans.length !== 4) {
            throw new QueryFailure(200, `trace has ${data.spans.length} spans, expected 4`);
          }
          return '1 trace, 4 spans';
        },
      },
      {
        id: 'spans-kind',
        label: 'Spans with span_kind=LLM, first page',
        group: 'list',
        path: () => `/v1/projects/${p}/spans?span_kind=LLM&limit=50`,
        check: (json) =>
          checkSpans(json, 50, (s) => s.span_kind === 'LLM', 'every span_kind is LLM'),
      },
      {
        id: 'spans-attribute-user',
        label: `Spans with attribute user.id of a user on ~1 % of spans (${counts.powerUserSpans.toLocaleString('en-US')} spans)`,
        group: 'attribute',
        path: (i) =>
          `/v1/projects/${p}/spans?attribute=${encodeURIComponent(`user.id:${probes.powerUserIds[i % probes.powerUserIds.length]}`)}&limit=50`,
        check: (json, i) =>
          checkSpans(
            json,
            50,
            (s) => s.attributes['user.id'] === probes.powerUserIds[i % probes.powerUserIds.length],
            'user.id matches',
          ),
      },
      {
        id: 'spans-attribute-tier',
        label: `Spans with attribute metadata.customer_tier:gold (~10 % of spans)`,
        group: 'attribute',
        path: () =>
          `/v1/projects/${p}/spans?attribute=${encodeURIComponent(`metadata.customer_tier:${probes.goldTier}`)}&limit=50`,
        check: (json) => checkSpans(json, 50),
      },
      {
        id: 'spans-attribute-rare-user',
        label: `Spans with attribute user.id of a rare user (${counts.rareUserSpans} spans: fewer than a page, so every span is read)`,
        group: 'attribute',
        informative: true,
        path: () =>
          `/v1/projects/${p}/spans?attribute=${encodeURIComponent(`user.id:${probes.rareUserId}`)}&limit=50`,
        check: (json) => checkSpans(json, counts.rareUserSpans),
      },
      {
        id: 'spans-filter',
        label: `Spans matching the filter \`llm.model_name == '${probes.filterModel}' and latency_ms > 2000\``,
        group: 'attribute',
        path: () =>
          `/v1/projects/${p}/spans?filter=${encodeURIComponent(`llm.model_name == '${probes.filterModel}' and latency_ms > 2000`)}&limit=50`,
        check: (json) =>
          checkSpans(
            json,
            50,
            (s) => s.attributes['llm.model_name'] === probes.filterModel && s.latency_ms > 2000,
            'model and latency match',
          ),
      },
      {
        id: 'spans-search',
        label: `Span search \`q=${probes.commonWord}\` (${counts.commonWordSpans.toLocaleString('en-US')} spans, ~0.1 %)`,
        group: 'search',
        path: () => `/v1/projects/${p}/spans?q=${encodeURIComponent(probes.commonWord)}&limit=50`,
        check: (json) => checkSpans(json, 50),
      },
      {
        id: 'traces-search',
        label: `Trace search \`q=${probes.commonWord}\` (${counts.commonWordTraces.toLocaleString('en-US')} traces)`,
        group: 'search',
        path: () => `/v1/projects/${p}/traces?q=${encodeURIComponent(probes.commonWord)}&limit=50`,
        check: (json) => checkTracePage(json, 50, true),
      },
      {
        id: 'spans-search-rare',
        label: `Span search for a rare word \`q=${probes.rareWord}\` (${counts.rareWordSpans} span)`,
        group: 'search',
        path: () => `/v1/projects/${p}/spans?q=${encodeURIComponent(probes.rareWord)}&limit=50`,
        check: (json) => checkSpans(json, counts.rareWordSpans),
      },
      {
        id: 'traces-search-rare',
        label: `Trace search for a rare word \`q=${probes.rareWord}\` (1 trace)`,
        group: 'search',
        path: () => `/v1/projects/${p}/traces?q=${encodeURIComponent(probes.rareWord)}&limit=50`,
        check: (json) => checkTracePage(json, 1, false),
      },
      {
        id: 'spans-search-cjk',
        label: `Span search in Japanese \`q=${probes.cjkWord}\` (${counts.cjkWordSpans.toLocaleString('en-US')} spans)`,
        group: 'search',
        path: () => `/v1/projects/${p}/spans?q=${encodeURIComponent(probes.cjkWord)}&limit=50`,
        check: (json) => checkSpans(json, 50),
      },
      {
        id: 'summary-7d',
        label: `Project summary over 7 days (${meta.tracesLast7Days.toLocaleString('en-US')} traces: count, p50/p99 latency, tokens)`,
        group: 'summary',
        path: () =>
          `/v1/projects/${p}/summary?start_time=${encodeURIComponent(weekStart)}&end_time=${encodeURIComponent(weekEnd)}`,
        check: (json) => {
          const data = (json as { data: Record<string, number | null> }).data;
          if (data['trace_count'] !== meta.tracesLast7Days) {
            throw new QueryFailure(
              200,
              `trace_count ${data['trace_count']}, expected ${meta.tracesLast7Days}`,
            );
          }
          if (!data['latency_ms_p50'] || !data['latency_ms_p99'] || !data['token_count_total']) {
            throw new QueryFailure(
              200,
              `summary without latency or tokens: ${JSON.stringify(data)}`,
            );
          }
          return `${data['trace_count']!.toLocaleString('en-US')} traces, p50 ${data['latency_ms_p50']!.toFixed(0)} ms, p99 ${data['latency_ms_p99']!.toFixed(0)} ms, ${(data['token_count_total']! / 1e6).toFixed(0)} M tokens`;
        },
      },
    ];
    for (const spec of specs) {
      queries.push(await runQuery(client, spec, options));
    }
  } finally {
    const sample = sampler.stop();
    const wallSeconds = (performance.now() - started) / 1000;
    client.close();
    const code = await server.stop();
    if (code !== 0) log(`  server exited with code ${code}:\n${tail(server)}`);
    if (target.backend === 'postgres') rmSync(server.workingDir, { recursive: true, force: true });
    serverUsage = {
      startupSeconds,
      idleRssBytes,
      peakRssBytes: sample.peakRssBytes,
      cpuSeconds: sample.cpuSeconds,
      wallSeconds,
      cpuPressure: cpuPressureAvg60(),
    };
  }
  return {
    backend: target.backend,
    meta,
    generated: target.generated,
    location: target.location,
    dbBytes: target.bytes,
    storage: target.storage,
    afterWrite: target.afterWrite,
    iterations: options.iterations,
    warmup: options.warmup,
    queries,
    server: serverUsage!,
  };
}

function tail(server: HeronProcess): string {
  return server.output().split('\n').slice(-20).join('\n');
}

async function runQuery(
  client: HttpClient,
  spec: QuerySpec,
  options: QueryBenchOptions,
): Promise<QueryTiming> {
  const { log } = options;
  const base: Omit<QueryTiming, 'count' | 'p50Ms' | 'p95Ms' | 'maxMs' | 'answer'> = {
    id: spec.id,
    label: spec.label,
    request: spec.path(options.warmup),
    group: spec.group,
    informative: spec.informative ?? false,
  };
  const times: number[] = [];
  let answer = '';
  const deadline = performance.now() + options.maxSecondsPerQuery * 1000;
  try {
    for (let i = 0; i < options.warmup + options.iterations; i++) {
      const result = await client.get(spec.path(i));
      if (result.status !== 200) {
        throw new QueryFailure(
          result.status,
          result.body.toString('utf8').replace(/\s+/g, ' ').slice(0, 300),
        );
      }
      answer = spec.check(JSON.parse(result.body.toString('utf8')), i);
      if (i >= options.warmup) {
        times.push(result.ms);
        if (times.length >= 5 && performance.now() > deadline) break;
      }
    }
  } catch (error) {
    const failure =
      error instanceof QueryFailure
        ? { status: error.status, message: error.message }
        : { status: 0, message: (error as Error).message };
    log(`  ${spec.id}: FAILED (${failure.status}) ${failure.message}`);
    return { ...base, answer, count: 0, p50Ms: NaN, p95Ms: NaN, maxMs: NaN, failure };
  }
  const sorted = [...times].sort((a, b) => a - b);
  const timing: QueryTiming = {
    ...base,
    answer,
    count: sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1]!,
  };
  const target = QUERY_TARGETS[spec.group];
  log(
    `  ${spec.id}: p50 ${timing.p50Ms.toFixed(1)} ms, p95 ${timing.p95Ms.toFixed(1)} ms, max ${timing.maxMs.toFixed(1)} ms (${timing.count} requests; target ${target.ms} ms: ${timing.p50Ms < target.ms ? 'PASS' : 'MISS'}) — ${answer}`,
  );
  return timing;
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** Follows `pages` next_cursors from the first page; returns the cursor of page pages+1. */
async function followPages(client: HttpClient, path: string, pages: number): Promise<string> {
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const url: string = cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path;
    const result = await client.get(url);
    if (result.status !== 200) {
      throw new Error(`GET ${url} answered ${result.status}: ${result.body.toString('utf8')}`);
    }
    cursor = (JSON.parse(result.body.toString('utf8')) as { next_cursor: string | null })
      .next_cursor;
    if (!cursor) throw new Error(`GET ${url} has no next_cursor`);
  }
  return cursor!;
}

interface TraceJson {
  trace_id: string;
  latency_ms: number;
  start_time: string;
}

function checkTracePage(
  json: unknown,
  expected: number,
  needsNext: boolean,
  sort: 'start_time' | 'latency_ms' = 'start_time',
): string {
  const page = json as { data: TraceJson[]; next_cursor: string | null };
  if (page.data.length !== expected) {
    throw new QueryFailure(200, `${page.data.length} traces, expected ${expected}`);
  }
  if (needsNext && !page.next_cursor) throw new QueryFailure(200, 'no next_cursor');
  for (let i = 1; i < page.data.length; i++) {
    const a = page.data[i - 1]!;
    const b = page.data[i]!;
    const ordered =
      sort === 'latency_ms' ? a.latency_ms >= b.latency_ms : a.start_time >= b.start_time;
    if (!ordered) throw new QueryFailure(200, `traces not in ${sort} order at ${i}`);
  }
  return `${page.data.length} trace${page.data.length === 1 ? '' : 's'}`;
}

interface SpanJson {
  span_kind: string;
  latency_ms: number;
  attributes: Record<string, unknown>;
}

function checkSpans(
  json: unknown,
  expected: number,
  predicate?: (span: SpanJson) => boolean,
  what?: string,
): string {
  const page = json as { data: SpanJson[] };
  if (page.data.length !== expected) {
    throw new QueryFailure(200, `${page.data.length} spans, expected ${expected}`);
  }
  if (predicate && !page.data.every(predicate)) {
    throw new QueryFailure(200, `a span does not match (${what})`);
  }
  return `${page.data.length} span${page.data.length === 1 ? '' : 's'}`;
}

/** The cached SQLite store (generated on first use), as a QueryTarget. */
export async function sqliteQueryTarget(options: {
  dir: string;
  traces: number;
  log: (message: string) => void;
}): Promise<QueryTarget> {
  const store = await ensureQueryStore(options);
  return {
    backend: 'sqlite',
    meta: store.meta,
    generated: store.generated,
    location: store.dbPath.replace(/^.*\/bench\//, 'bench/'),
    bytes: databaseBytes(store.dbPath),
    storage: storageBreakdown(store.dbPath),
    afterWrite: {
      label: 'then the full-text index caught up in',
      seconds: store.meta.indexSeconds,
    },
    sampleIds: async (count) => sampleIds(store.dbPath, store.meta, count),
    spawn: () => spawnHeron({ workingDir: store.dir, timeoutMs: 600_000 }),
    ready: async (log) => {
      const reader = new Database(store.dbPath, { readonly: true });
      try {
        await waitForSearchIndex(reader, log);
      } finally {
        reader.close();
      }
    },
  };
}

function sampleIds(dbPath: string, meta: QueryStoreMeta, count: number): SampledIds {
  const db = new Database(dbPath, { readonly: true });
  try {
    const project = db
      .prepare('SELECT id FROM projects WHERE name = ?')
      .pluck()
      .get(MAIN_PROJECT) as number;
    const maxId = db.prepare('SELECT MAX(id) FROM traces').pluck().get() as number;
    const random = mulberry32(meta.referenceNowMs % 2 ** 31);
    const byRowid = db
      .prepare('SELECT trace_id FROM traces WHERE id = ? AND project_id = ?')
      .pluck();
    const traceIds: string[] = [];
    while (traceIds.length < count) {
      const id = byRowid.get(1 + Math.floor(random() * maxId), project) as string | undefined;
      if (id) traceIds.push(id);
    }
    const middle = db
      .prepare(
        `SELECT id, start_time FROM traces WHERE project_id = ?
         ORDER BY start_time DESC, id DESC LIMIT 1 OFFSET ?`,
      )
      .safeIntegers(true)
      .get(project, Math.floor(meta.traces / 2)) as { id: bigint; start_time: bigint };
    const middleCursor = encodeKeysetCursor(
      'Trace',
      { rowid: Number(middle.id), value: String(middle.start_time) },
      'start_time',
    );
    return { traceIds, middleCursor };
  } finally {
    db.close();
  }
}

/** Where the bytes are (a few seconds: dbstat reads every page). */
function storageBreakdown(dbPath: string): StorageBreakdown | undefined {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name')
      .all() as { name: string; bytes: number }[];
    const out: StorageBreakdown = {
      spansTable: 0,
      searchIndex: 0,
      tracesAndSessions: 0,
      spanIndexes: 0,
    };
    const spanIndexes = new Set(
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'spans'")
        .pluck()
        .all() as string[],
    );
    for (const { name, bytes } of rows) {
      if (name === 'spans') out.spansTable += bytes;
      else if (name.startsWith('span_search')) out.searchIndex += bytes;
      else if (spanIndexes.has(name)) out.spanIndexes += bytes;
      else if (/^(traces|sessions)|autoindex_(traces|sessions)/.test(name)) {
        out.tracesAndSessions += bytes;
      }
    }
    return out;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

/** GETs over one keep-alive connection; the time is until the last byte of the body. */
class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;

  constructor(baseUrl: string) {
    this.url = new URL(baseUrl);
  }

  get(path: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const sentAt = performance.now();
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'GET',
          agent: this.agent,
          headers: { accept: 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              ms: performance.now() - sentAt,
            }),
          );
        },
      );
      req.setTimeout(600_000, () => req.destroy(new Error(`GET ${path} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
