import type { CpuDelivery } from './cpu-delivery.js';
/**
 * The Markdown of bench/RESULTS.md: one `## <Suite>` section per suite, replaced in place so a
 * run of one suite keeps the figures of the others.
 */
import type { ServerUsage, IngestResults, Latency, StoredCheck } from './ingest-bench.js';
import type { PayloadStats } from './payload-generator.js';
import { HERON_NODE_FLAGS, startedWithHeronFlags } from '../../packages/server/dist/node-flags.js';
import { QUERY_TARGETS, type QueryResults, type QueryTiming } from './query-bench.js';
import { MAIN_PROJECT, SECOND_PROJECT, formatDuration } from './query-store-generator.js';
import {
  LARGE_TRACE_PROJECT,
  SCROLL_PX_PER_FRAME,
  percentile,
  type UiResults,
} from './ui-bench.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started (other work on the machine skews figures). */
  loadAverage: number;
  /** Fixed CPU workload (JSON round trips), to compare machines and runs. */
  calibration: string;
  /** Measured before the runs (see cpu-delivery.ts). */
  cpuDelivery?: CpuDelivery;
  dataFilesystem: string;
}

export interface IngestSettings {
  command: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  halfRateSeconds: number;
  decodeSeconds: number;
  spansPerRequest: number;
  templates: number;
  sqliteSynchronous: string;
}

export const INGEST_TARGET_SPANS_PER_SECOND = 25_000;
export const INGEST_TARGET_P99_MS = 200;

/** Replaces the `## <title>` section (up to the next `## `) or appends it. */
export function replaceSection(markdown: string, title: string, section: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${title}`);
  const body = section.trimEnd().split('\n');
  if (start < 0) {
    return `${markdown.trimEnd()}\n\n${body.join('\n')}\n`;
  }
  let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  if (end < 0) end = lines.length;
  const before = lines.slice(0, start);
  const after = lines.slice(end);
  return `${[...before, ...body, ...(after.length ? ['', ...after] : [])].join('\n').trimEnd()}\n`;
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
export const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
export const yes = (ok: boolean) => (ok ? '✅ yes' : '❌ no');

export function latencyCell(l: Latency): string {
  return `${ms(l.p50Ms)} / ${ms(l.p99Ms)} / ${ms(l.maxMs)} (${int(l.count)} requests)`;
}

export function storedCell(s: StoredCheck): string {
  return `${int(s.storedSpans)} stored / ${int(s.ackedSpans)} acknowledged; API lists traces: ${s.apiSawTraces ? 'yes' : 'no'} — ${s.ok ? '✅' : '❌ MISMATCH'}`;
}

export function cpuCell(server: ServerUsage): string {
  // Node 20 does not name its threads: the main thread is the event loop; the busiest other
  // thread under ingest load is the SQLite writer worker; the rest are V8 (GC, compiler) and libuv.
  const main = server.threads.find((t) => t.name === 'main')?.cpuSeconds ?? 0;
  const others = server.threads.filter((t) => t.name !== 'main');
  const busiest = others[0]?.cpuSeconds ?? 0;
  const rest = others.slice(1).reduce((sum, t) => sum + t.cpuSeconds, 0);
  const total = main + busiest + rest || 1;
  const cores = (seconds: number) => ((seconds / total) * server.cpuCores).toFixed(2);
  return (
    `${server.cpuCores.toFixed(2)} cores: main thread ${cores(main)}, busiest other thread ` +
    `(writer worker) ${cores(busiest)}, all other threads ${cores(rest)}`
  );
}

export function pressureCell(server: ServerUsage): string {
  return server.cpuPressure === undefined
    ? 'n/a'
    : `${pct(server.cpuPressure)} of the last minute some task waited for a CPU (/proc/pressure/cpu)`;
}

export function renderIngestSection(input: {
  date: Date;
  machine: MachineInfo;
  settings: IngestSettings;
  payload: PayloadStats;
  results: IngestResults;
}): string {
  const { machine: m, settings: s, payload: p, results: r } = input;
  const t = r.throughput;
  const h = r.halfRate;
  const d = r.decode;
  const halfTarget = INGEST_TARGET_SPANS_PER_SECOND / 2;
  const throughputMet = t.spansPerSecond >= INGEST_TARGET_SPANS_PER_SECOND && t.stored.ok;
  const latencyMet =
    h.latency.p99Ms < INGEST_TARGET_P99_MS && h.spansPerSecond >= halfTarget * 0.98 && h.stored.ok;
  const out: string[] = [];
  out.push('## Ingest', '');
  out.push(
    `Run ${input.date.toISOString()} with \`node bench/dist/run-bench.js${s.command ? ` ${s.command}` : ''}\`.`,
    '',
  );
  out.push(
    `- **Machine:** ${m.cpuModel}, ${m.cores} cores, ${mib(m.totalMemoryBytes)} RAM, Node ${m.node}, ${m.os}; ` +
      `1-min load average at start ${m.loadAverage.toFixed(2)} (the benchmark client shares the machine with the server); ` +
      `server data on ${m.dataFilesystem}. CPU calibration: ${m.calibration}.`,
    ...(m.cpuDelivery ? [cpuDeliveryLine(m.cpuDelivery)] : []),
    `- **Server:** \`heron serve\` (fresh working directory per run), SQLite WAL, synchronous=${s.sqliteSynchronous}, ` +
      'acknowledged only after commit (group commit in the writer thread), default limits, ' +
      `node started with \`${HERON_NODE_FLAGS.join(' ')}\` as \`heron serve\` is` +
      // The decode-only run happens in the benchmark's own process (npm run bench passes them).
      (startedWithHeronFlags()
        ? ' (the decode-only run too).'
        : '; the decode-only run without them.'),
    `- **Payload:** OTLP protobuf over HTTP/1.1, ${int(p.spansPerRequest)} spans per request ` +
      `(${int(p.tracesPerRequest)} traces of CHAIN → RETRIEVER with 4 documents, LLM with 3 messages and token counts, TOOL), ` +
      `${(p.requestBytes / 1e6).toFixed(2)} MB per request, **${int(p.bytesPerSpan)} B per span** on average ` +
      `(${Object.entries(p.bytesPerKind)
        .map(([kind, bytes]) => `${kind} ${int(bytes)} B`)
        .join(
          ', ',
        )}); ${p.templates} pre-encoded templates with ids and times patched per request.`,
    `- **Runs:** max throughput with ${s.connections} keep-alive connections sending back to back, ` +
      `${s.warmupSeconds} s warm-up + ${s.durationSeconds} s measured; half rate open loop for ${s.halfRateSeconds} s ` +
      `(latency from each request's scheduled send time); decode only for ${s.decodeSeconds} s in one process.`,
    '',
  );
  out.push('| Target | Measured | Met |', '| --- | --- | --- |');
  out.push(
    `| ≥ ${int(INGEST_TARGET_SPANS_PER_SECOND)} spans/s sustained with durable ack | ${int(t.spansPerSecond)} spans/s | ${yes(throughputMet)} |`,
  );
  const latencyNote =
    h.spansPerSecond < halfTarget * 0.98
      ? ` (below ${int(halfTarget)} spans/s, so not the target rate)`
      : '';
  out.push(
    `| p99 ack < ${INGEST_TARGET_P99_MS} ms at half that rate (${int(halfTarget)} spans/s) | p99 ${ms(h.latency.p99Ms)} at ${int(h.spansPerSecond)} spans/s${latencyNote} | ${yes(latencyMet)} |`,
    '',
  );
  if (!throughputMet && t.commits.committingShare >= 0.9) {
    out.push(
      `**Where the limit is:** the writer thread was committing ${pct(t.commits.committingShare)} of ` +
        'the window, so it sets the pace (the main thread, which decodes, had time to spare). ' +
        'Most of a commit is writing index pages: every transaction rewrites nearly every leaf ' +
        'page of the indexes whose keys arrive in random order (span id, user, session, trace id, ' +
        'and the latency, token and cost sorts of traces), and those indexes grow with the ' +
        'database. See "SQLite ingest" in docs/ingest-performance.md for the measurements and ' +
        'the way forward.',
      '',
    );
  }

  out.push('### Max throughput', '', '| Figure | Value |', '| --- | --- |');
  out.push(
    `| Sustained throughput (acknowledged spans / elapsed) | **${int(t.spansPerSecond)} spans/s** |`,
  );
  out.push(
    `| Requests, bytes | ${t.requestsPerSecond.toFixed(1)} requests/s, ${t.megabytesPerSecond.toFixed(1)} MB/s of protobuf |`,
  );
  out.push(`| Ack latency p50 / p99 / max | ${latencyCell(t.latency)} |`);
  out.push(`| 503 (queue full) responses | ${int(t.status503)} |`);
  out.push(
    `| Other errors | ${int(t.otherErrors)}${t.firstError ? ` (first: ${escapeCell(t.firstError)})` : ''} |`,
  );
  out.push(`| Rejected spans (partial success) | ${int(t.rejectedSpans)} |`);
  out.push(`| Server peak RSS | ${mib(t.server.peakRssBytes)} |`);
  out.push(`| Server CPU | ${cpuCell(t.server)} |`);
  out.push(`| Spans per server CPU-second | ${int(t.spansPerSecond / (t.server.cpuCores || 1))} |`);
  out.push(
    `| Commits (writer thread's group commits) | ${int(t.commits.transactions)} transactions of ${int(t.commits.meanSpans)} spans on average, ` +
      `${t.commits.meanMs.toFixed(1)} ms each: the writer was committing **${pct(t.commits.committingShare)}** of the window |`,
  );
  out.push(`| Benchmark client CPU | ${t.clientCpuCores.toFixed(2)} cores |`);
  out.push(`| CPU contention at the end of the window | ${pressureCell(t.server)} |`);
  out.push(`| Stored = acknowledged (after stop) | ${storedCell(t.stored)} |`, '');

  out.push('### Half-rate latency (open loop)', '', '| Figure | Value |', '| --- | --- |');
  out.push(
    `| Offered / acknowledged rate | ${int(h.targetSpansPerSecond)} / ${int(h.spansPerSecond)} spans/s |`,
  );
  out.push(`| Ack latency p50 / p99 / max | ${latencyCell(h.latency)} |`);
  out.push(`| Client send lag p99 (schedule slip) | ${ms(h.sendLagP99Ms)} |`);
  out.push(
    `| 503 / other errors | ${int(h.status503)} / ${int(h.otherErrors)}${h.firstError ? ` (first: ${escapeCell(h.firstError)})` : ''} |`,
  );
  out.push(`| Server peak RSS | ${mib(h.server.peakRssBytes)} |`);
  out.push(`| Server CPU | ${cpuCell(h.server)} |`);
  out.push(`| CPU contention at the end of the window | ${pressureCell(h.server)} |`);
  out.push(`| Stored = acknowledged (after stop) | ${storedCell(h.stored)} |`, '');

  out.push('### Decode only (one core, in process)', '', '| Figure | Value |', '| --- | --- |');
  out.push(
    `| decode + normalize + toSpanRow | **${int(d.spansPerSecond)} spans/s** on one core (${int(d.spansPerCpuSecond)} per CPU-second) |`,
  );
  out.push(
    `| Time split | decode ${pct(d.decodeShare)}, normalize ${pct(d.normalizeShare)}, toSpanRow ${pct(d.rowShare)} |`,
  );
  out.push(
    `| Server sustained ÷ decode-only | ${(t.spansPerSecond / d.spansPerSecond).toFixed(2)} (per CPU-second: ${(t.spansPerSecond / (t.server.cpuCores || 1) / d.spansPerCpuSecond).toFixed(2)}) |`,
    '',
  );

  if (r.profiled?.profile) {
    const pr = r.profiled;
    out.push(
      '### Where the server spends its time',
      '',
      `A separate ${pr.seconds} s max-throughput run with the V8 CPU profiler on the server's main thread ` +
        `(${int(pr.spansPerSecond)} spans/s, lowered by the profiler). Self time per thread:`,
      '',
    );
    for (const summary of pr.profile!) {
      out.push(`- \`${summary.file}\` — busy ${pct(summary.busyShare)} of the profile`);
      out.push(
        `  - modules: ${summary.topModules
          .slice(0, 8)
          .map((e) => `${e.name} ${pct(e.share)}`)
          .join(', ')}`,
      );
      out.push(
        `  - functions: ${summary.topFunctions
          .slice(0, 10)
          .map((e) => `\`${e.name}\` ${pct(e.share)}`)
          .join(', ')}`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 200);
}

/** The machine bullet (and the CPU-delivery one when measured). */
export function machineLines(m: MachineInfo, extra = ''): string[] {
  return [
    `- **Machine:** ${m.cpuModel}, ${m.cores} cores, ${mib(m.totalMemoryBytes)} RAM, Node ${m.node}, ${m.os}; ` +
      `1-min load average at start ${m.loadAverage.toFixed(2)} (the benchmark client shares the machine with the server)` +
      `${extra}. CPU calibration: ${m.calibration}.`,
    ...(m.cpuDelivery ? [cpuDeliveryLine(m.cpuDelivery)] : []),
  ];
}

export function cpuDeliveryLine(c: CpuDelivery): string {
  return (
    `- **CPU actually delivered:** ${c.threads} threads of pure computation each computed ` +
    `**${(c.deliveredShare * 100).toFixed(0)} % of the wall clock** (the rest the vCPU was not run by the host; ` +
    `${c.stallsPerSecond.toFixed(1)} stalls/s per core, worst ${c.worstStallMs.toFixed(0)} ms). ` +
    'Every figure below is bounded by this share, which varies from run to run on such a host.'
  );
}

export interface QuerySettings {
  command: string;
  maxSecondsPerQuery: number;
}

/** `## Query` (SQLite) or `## Query (PostgreSQL)`. */
export function querySectionTitle(backend: QueryResults['backend']): string {
  return backend === 'postgres' ? 'Query (PostgreSQL)' : 'Query';
}

export function renderQuerySection(input: {
  date: Date;
  machine: MachineInfo;
  settings: QuerySettings;
  results: QueryResults;
  /** SQLite's figures of the same invocation, shown beside PostgreSQL's. */
  sqlite?: QueryResults;
}): string {
  const { machine: m, settings: s, results: r } = input;
  const meta = r.meta;
  const counts = meta.counts;
  const postgres = r.backend === 'postgres';
  const beside = postgres ? input.sqlite : undefined;
  const out: string[] = [];
  out.push(`## ${querySectionTitle(r.backend)}`, '');
  out.push(
    `Run ${input.date.toISOString()} with \`node bench/dist/run-bench.js${s.command ? ` ${s.command}` : ''}\`.`,
    '',
  );
  out.push(
    `- **Machine:** ${m.cpuModel}, ${m.cores} cores, ${mib(m.totalMemoryBytes)} RAM, Node ${m.node}, ${m.os}; ` +
      `1-min load average at start ${m.loadAverage.toFixed(2)} (the benchmark client shares the machine with the server). ` +
      `CPU calibration: ${m.calibration}.`,
    ...(m.cpuDelivery ? [cpuDeliveryLine(m.cpuDelivery)] : []),
    `- **Store:** ${int(meta.spans)} spans (${int(meta.traces)} traces × 4) in \`${MAIN_PROJECT}\` and ` +
      `${int(meta.secondProjectTraces * 4)} spans in \`${SECOND_PROJECT}\`, generated by \`${meta.version}\` ` +
      '(bench/src/query-store-generator.ts: OpenInference RAG, agent and rerank traces through the real normalizer ' +
      (postgres
        ? 'and `PostgresStore.insertSpans` in batches of a few thousand, in order, the same traces as the SQLite store; '
        : 'and SQLite writer; ') +
      'user.id on every trace, session.id on 65 %, metadata, 9 models, ~5 % error spans, ' +
      '~12 % non-English text, log-normal latencies; 90 % of traces in the 7 days before generation). ' +
      (postgres
        ? `Size in PostgreSQL with its trigram indexes: **${gib(r.dbBytes)}** (${r.location}`
        : `Database on disk with its full-text index: **${gib(r.dbBytes)}** (${r.location}`) +
      (r.storage
        ? `: spans table ${gib(r.storage.spansTable)}, full-text index ${gib(r.storage.searchIndex)}, ` +
          `span indexes ${gib(r.storage.spanIndexes)}, traces and sessions ${gib(r.storage.tracesAndSessions)})`
        : ')') +
      '.',
    `- **Generation** (cached${postgres ? ' in the database' : ''}; ${r.generated ? 'generated by this run' : `this run reused the store generated ${meta.generatedAt}`}): ` +
      `writing the spans took **${formatDuration(meta.generationSeconds)}** (${int(meta.spans / meta.generationSeconds)} spans/s), ` +
      `${r.afterWrite.label} ${r.afterWrite.seconds === null ? 'n/a' : formatDuration(r.afterWrite.seconds)}.`,
    `- **Requests:** \`heron serve${postgres ? ' --database-url …' : ''}\` on that store (default settings); one keep-alive HTTP/1.1 connection, one request at a time; ` +
      `${r.warmup} warm-up + ${r.iterations} timed requests per query (fewer when a query passes ${s.maxSecondsPerQuery} s); ` +
      'time to the last byte of the answer; every answer checked (status 200 and the rows it must hold).',
    `- **Server:** ready in ${r.server.startupSeconds.toFixed(1)} s; RSS idle ${mib(r.server.idleRssBytes)}, peak ${mib(r.server.peakRssBytes)}; ` +
      `${r.server.cpuSeconds.toFixed(1)} CPU-seconds over ${r.server.wallSeconds.toFixed(0)} s of queries` +
      (r.server.cpuPressure === undefined
        ? '.'
        : `; at the end some task waited for a CPU ${pct(r.server.cpuPressure)} of the last minute.`),
    '',
  );
  if (beside) {
    out.push(
      '| Query | Answer | p50 | p95 | max | SQLite p50 (same run) | Target (p50) | Result |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
  } else {
    out.push(
      '| Query | Answer | p50 | p95 | max | Target (p50) | Result |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
  }
  for (const q of r.queries) {
    if (!beside) {
      out.push(queryRow(q));
      continue;
    }
    const sqlite = beside.queries.find((other) => other.id === q.id);
    const cell = !sqlite ? 'n/a' : sqlite.failure ? 'failed' : ms(sqlite.p50Ms);
    out.push(queryRow(q, cell));
  }
  out.push('');
  const met = r.queries.filter(
    (q) => !q.informative && !q.failure && q.p50Ms < QUERY_TARGETS[q.group].ms,
  );
  const counted = r.queries.filter((q) => !q.informative);
  out.push(
    `${met.length} of ${counted.length} queries meet their target. Rows marked *(worst case)* are not the issue's ` +
      'realistic case and are shown for information; their target is the one of their kind.',
  );
  if (counts) {
    out.push(
      '',
      `Store facts: ${int(counts.llmSpans)} LLM spans, ${int(counts.errorSpans)} error spans, ` +
        `${int(counts.goldSpans)} spans with customer_tier gold, ${int(meta.tracesLast7Days)} traces in the last 7 days.`,
    );
  }
  out.push('');
  return out.join('\n');
}

/** A table row; `beside` is the extra SQLite column of the PostgreSQL table. */
function queryRow(q: QueryTiming, beside?: string): string {
  const target = QUERY_TARGETS[q.group];
  const label = `${escapeCell(q.label)}${q.informative ? ' *(worst case)*' : ''}<br>\`GET ${escapeCell(shortRequest(q.request))}\``;
  const extra = beside === undefined ? '' : ` ${beside} |`;
  if (q.failure) {
    return `| ${label} | HTTP ${q.failure.status}: ${escapeCell(q.failure.message)} | – | – | – |${extra} ${target.ms} ms | ❌ FAILED |`;
  }
  const pass = q.p50Ms < target.ms;
  return `| ${label} | ${escapeCell(q.answer)} (${q.count} requests) | **${ms(q.p50Ms)}** | ${ms(q.p95Ms)} | ${ms(q.maxMs)} |${extra} ${target.ms} ms | ${pass ? '✅ PASS' : '❌ MISS'} |`;
}

/** The request with cursors shortened and the query string decoded, for reading. */
function shortRequest(request: string): string {
  const [path, query] = request.split('?');
  if (!query) return path!;
  const params = query.split('&').map((pair) => {
    const [key, value = ''] = pair.split('=');
    return key === 'cursor' ? 'cursor=…' : `${key}=${decodeURIComponent(value)}`;
  });
  return `${path}?${params.join('&')}`;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

export const UI_TARGET_PAGE_MS = 1500;
export const UI_TARGET_P95_FRAME_MS = 50;
export const UI_TARGET_TRACE_MS = 1000;

/** `## UI`: the browser's Performance timings against issue 5's speed targets. */
export function renderUiSection(input: {
  date: Date;
  machine: MachineInfo;
  command: string;
  results: UiResults;
}): string {
  const { machine: m, results: r } = input;
  const median = (values: number[]) => percentile(values, 0.5);
  const worst = (values: number[]) => Math.max(...values);
  const interactive = r.projectPage.map((load) => load.interactiveMs);
  const rendered = r.projectPage.map((load) => load.renderedMs);
  const lcps = r.projectPage.flatMap((load) => (load.lcpMs === null ? [] : [load.lcpMs]));
  const trace = r.traceOpen.map((open) => open.renderedMs);
  const s = r.scroll;
  const range = (values: number[]) =>
    values.length ? `${ms(median(values))} (worst ${ms(worst(values))})` : 'n/a';
  const out: string[] = ['## UI', ''];
  out.push(
    `Run ${input.date.toISOString()} with \`node bench/dist/run-bench.js${input.command ? ` ${input.command}` : ''}\`.`,
    '',
    ...machineLines(m),
    `- **Store:** the query suite's cached store, ${int(r.storeSpans)} spans (${int(r.storeTraces)} traces) in \`${MAIN_PROJECT}\`, ` +
      `plus one ${int(r.largeTraceSpans)}-span trace with fixed ids in \`${LARGE_TRACE_PROJECT}\` (sent through OTLP/HTTP JSON before measuring; a re-run upserts it).`,
    `- **Browser:** Debian chromium ${r.chromium} (headless, --disable-gpu) driven by playwright-core, 1440×900; ` +
      `every load is a cold navigation in a fresh browser context (empty cache), after one unmeasured load of each page; ${r.runs} loads per page. ` +
      "Times are from the browser's Performance timeline, relative to navigation start.",
    "- **Project page:** rows = the UI's `heron:traces-rendered` mark (the first page of the traces table is in the DOM; " +
      "the project page with the store's last 7 days as a custom range); interactive = the later of that mark and the end of the last long task (> 50 ms) that started before it.",
    `- **Scrolling:** the traces table scrolled ${SCROLL_PX_PER_FRAME} px every animation frame for ${r.scrollSeconds} s (a fast fling; infinite scroll loads further pages meanwhile); ` +
      'frame time = delta between requestAnimationFrame timestamps. "Does not stutter" means: **p95 frame ≤ 50 ms** ' +
      '(at most one frame in twenty drops below 20 fps; 16.7 ms is a full 60 Hz frame), reported with the longest frame and the long tasks.',
    "- **Trace page:** navigation to the 5,000-span trace → the UI's `heron:trace-tree-rendered` mark (the virtualized span tree shows its first rows).",
    '',
    '| Measure | Result | Target | Met |',
    '|---|---:|---:|:---:|',
    `| Project page interactive, median (worst) | ${range(interactive)} | < ${int(UI_TARGET_PAGE_MS)} ms | ${yes(worst(interactive) < UI_TARGET_PAGE_MS)} |`,
    `| Project page rows shown (\`heron:traces-rendered\`), median (worst) | ${range(rendered)} | | |`,
    `| Project page largest contentful paint, median (worst) | ${range(lcps)} | | |`,
    `| Scrolling: p95 frame | ${ms(s.p95FrameMs)} | ≤ ${UI_TARGET_P95_FRAME_MS} ms | ${yes(s.p95FrameMs <= UI_TARGET_P95_FRAME_MS)} |`,
    `| Scrolling: median frame / longest frame | ${ms(s.p50FrameMs)} / ${ms(s.maxFrameMs)} | | |`,
    `| Scrolling: frames > 50 ms; long tasks | ${int(s.framesOver50Ms)} of ${int(s.frames)}; ${int(s.longTasks)} (${ms(s.longTaskMs)} in all) | | |`,
    `| Scrolling: rows passed | ${int(s.rowsScrolled)} | | |`,
    `| 5,000-span trace opens (tree shown), median (worst) | ${range(trace)} | < ${int(UI_TARGET_TRACE_MS)} ms | ${yes(worst(trace) < UI_TARGET_TRACE_MS)} |`,
    '',
  );
  return out.join('\n');
}
