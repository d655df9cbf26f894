/**
 * `npm run bench` / `npm run bench:ingest` / `npm run bench:query`: runs the benchmark suites
 * (ingest, query, ui) and writes their figures into bench/RESULTS.md, replacing only the sections of
 * the suites that ran.
 *
 *   node bench/dist/run-bench.js [--only ingest,query] [--results PATH] [--no-write]
 *     [--database-url postgresql://…] [--backends sqlite,postgres]
 *     ingest: [--duration 20] [--connections 8] [--spans-per-request 500] [--templates 4]
 *       [--warmup 3] [--half-rate-duration 15] [--decode-duration 5] [--profile]
 *       [--profile-duration 10]
 *     query: [--query-iterations 30] [--query-warmup 3] [--query-max-seconds 60]
 *       [--query-traces 250000] [--query-store DIR (default bench/.data/query-1m)]
 *     ui: [--ui-runs 5] [--ui-scroll-seconds 5] (on the query store: --query-traces, --query-store)
 *
 * The ui suite (ui-bench.ts) serves the same SQLite store to Debian's chromium (playwright-core)
 * and times the project page, scrolling its traces table and opening a 5,000-span trace.
 *
 * The query suite generates its store (1,000,000 spans) on first use and caches it under
 * bench/.data/; delete that directory (or change QUERY_STORE_VERSION) to regenerate.
 *
 * With --database-url, each suite also runs on PostgreSQL (--backends postgres: only there):
 * ingest with one node and with two nodes on the same database, each run in a fresh schema that
 * is dropped afterwards, then a span's CPU by statement on one connection in this process
 * (postgres-write-path.ts); query on the same generated store in the schema
 * bench_query_<size>_<version>_m<migrations>, kept in the database and reused like bench/.data/
 * (DROP SCHEMA it to regenerate). PostgreSQL figures go to the sections "Ingest (PostgreSQL)" and
 * "Query (PostgreSQL)".
 */
import { measureCpuDelivery } from './cpu-delivery.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, arch, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runIngestBench, type IngestResults } from './ingest-bench.js';
import { PayloadGenerator } from './payload-generator.js';
import { redactDatabaseUrl } from '../../packages/server/dist/store/postgres/postgres-connection.js';
import { runPostgresIngestBench } from './ingest-bench.js';
import { renderPostgresIngestSection } from './postgres-ingest-markdown.js';
import { checkDatabase, dropUnfinishedSchemas } from './postgres-bench-schema.js';
import { postgresQueryTarget } from './postgres-query-store.js';
import {
  runQueryBench,
  sqliteQueryTarget,
  type QueryResults,
  type QueryTarget,
} from './query-bench.js';
import { defaultQueryStoreDir } from './query-store-generator.js';
import {
  querySectionTitle,
  renderIngestSection,
  renderQuerySection,
  renderUiSection,
  replaceSection,
  type MachineInfo,
} from './results-markdown.js';
import { runUiBench } from './ui-bench.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUITES = ['ingest', 'query', 'ui'] as const;
const BACKENDS = ['sqlite', 'postgres'] as const;

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '8' },
    'spans-per-request': { type: 'string', default: '500' },
    templates: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '3' },
    'half-rate-duration': { type: 'string', default: '15' },
    'decode-duration': { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
    'profile-duration': { type: 'string', default: '10' },
    'query-iterations': { type: 'string', default: '30' },
    'query-warmup': { type: 'string', default: '3' },
    'query-max-seconds': { type: 'string', default: '60' },
    'query-traces': { type: 'string', default: '250000' },
    'query-store': { type: 'string' },
    'ui-runs': { type: 'string', default: '5' },
    'ui-scroll-seconds': { type: 'string', default: '5' },
    'database-url': { type: 'string' },
    backends: { type: 'string' },
    results: { type: 'string', default: join(benchDir, 'RESULTS.md') },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.error(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}

function number(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number between ${min} and ${max}, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const started = performance.now();
function log(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}

const only = values.only?.split(',').map((s) => s.trim());
for (const suite of only ?? []) {
  if (!(SUITES as readonly string[]).includes(suite)) {
    console.error(`Unknown suite "${suite}"; available: ${SUITES.join(', ')}`);
    process.exit(2);
  }
}
const runs = (suite: (typeof SUITES)[number]) => !only || only.includes(suite);

const databaseUrl = values['database-url']?.trim() || undefined;
if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
  console.error('--database-url must be a postgresql:// URL');
  process.exit(2);
}
const backends = (values.backends ?? (databaseUrl ? 'sqlite,postgres' : 'sqlite'))
  .split(',')
  .map((s) => s.trim());
for (const backend of backends) {
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    console.error(`Unknown backend "${backend}"; available: ${BACKENDS.join(', ')}`);
    process.exit(2);
  }
}
if (backends.includes('postgres') && databaseUrl === undefined) {
  console.error('--backends postgres needs --database-url postgresql://…');
  process.exit(2);
}
const on = (backend: (typeof BACKENDS)[number]) => backends.includes(backend);

const settings = {
  connections: number('connections', values.connections, 1, 256),
  durationSeconds: number('duration', values.duration, 1, 600),
  warmupSeconds: number('warmup', values.warmup, 0, 60),
  halfRateSeconds: number('half-rate-duration', values['half-rate-duration'], 1, 600),
  decodeSeconds: number('decode-duration', values['decode-duration'], 1, 120),
  profileSeconds: number('profile-duration', values['profile-duration'], 1, 120),
  spansPerRequest: number('spans-per-request', values['spans-per-request'], 4, 10_000),
  templates: number('templates', values.templates, 1, 64),
};

const querySettings = {
  iterations: number('query-iterations', values['query-iterations'], 1, 10_000),
  warmup: number('query-warmup', values['query-warmup'], 0, 1000),
  maxSecondsPerQuery: number('query-max-seconds', values['query-max-seconds'], 1, 3600),
  traces: number('query-traces', values['query-traces'], 100, 10_000_000),
};
const uiSettings = {
  runs: number('ui-runs', values['ui-runs'], 1, 100),
  scrollSeconds: number('ui-scroll-seconds', values['ui-scroll-seconds'], 1, 120),
};
const queryStoreDir = values['query-store'] ?? defaultQueryStoreDir(benchDir, querySettings.traces);

function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpuModel = match[1]!.trim();
  } catch {
    // not Linux
  }
  return {
    cpuModel,
    cores: cpus().length,
    totalMemoryBytes: totalmem(),
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
    loadAverage: loadavg()[0]!,
    calibration: calibrate(),
    dataFilesystem: filesystemOf(tmpdir()),
  };
}

/** A fixed single-threaded workload, so figures from different machines can be put side by side. */
function calibrate(): string {
  const doc = {
    id: 'kb-1',
    content: 'lorem ipsum dolor sit amet '.repeat(12),
    score: 0.87,
    tags: [1, 2],
  };
  const rounds = 50_000;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < rounds; i++) n += (JSON.parse(JSON.stringify(doc)) as typeof doc).score;
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  if (n === 0) throw new Error('unreachable');
  return `${rounds / 1000}k JSON round trips of a 0.4 KB object in ${wallMs.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`;
}

/** The mount (device and type) the servers' temporary working directories live on. */
function filesystemOf(path: string): string {
  try {
    let best = { mount: '', text: 'unknown' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mount, fsType] = line.split(' ');
      if (!device || !mount || !fsType) continue;
      const prefix = mount.endsWith('/') ? mount : `${mount}/`;
      if ((path === mount || path.startsWith(prefix)) && mount.length >= best.mount.length) {
        best = { mount, text: `${fsType} on ${device}` };
      }
    }
    return `${path}: ${best.text}`;
  } catch {
    return path;
  }
}

async function main(): Promise<void> {
  const machine = machineInfo();
  log('measuring how much CPU the machine delivers (4 s)');
  machine.cpuDelivery = await measureCpuDelivery();
  log(
    `  each core computed ${(machine.cpuDelivery.deliveredShare * 100).toFixed(0)} % of the wall clock; worst stall ${machine.cpuDelivery.worstStallMs.toFixed(0)} ms`,
  );
  log(
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}`,
  );
  let markdown = existsSync(values.results)
    ? readFileSync(values.results, 'utf8')
    : '# Heron benchmark results\n\nWritten by `npm run bench` (bench/src/run-bench.ts). Each suite replaces only its own section.\n';

  let database = '';
  if (databaseUrl !== undefined) {
    database = await checkDatabase(databaseUrl);
    log(`PostgreSQL: ${database}`);
  }

  if (runs('ingest')) {
    log(
      `building payloads: ${settings.spansPerRequest} spans per request, ${settings.templates} templates`,
    );
    const generator = new PayloadGenerator({
      spansPerRequest: settings.spansPerRequest,
      templates: settings.templates,
    });
    const s = generator.stats;
    log(
      `  ${s.spansPerRequest} spans (${s.tracesPerRequest} traces) per request, ${(s.requestBytes / 1e6).toFixed(2)} MB per request, average ${s.bytesPerSpan} B per span in protobuf (${Object.entries(
        s.bytesPerKind,
      )
        .map(([kind, bytes]) => `${kind} ${bytes}`)
        .join(', ')})`,
    );
    if (on('sqlite')) {
      const results: IngestResults = await runIngestBench(generator, {
        ...settings,
        profileDir: values.profile ? join(tmpdir(), 'heron-bench-profiles') : undefined,
        serverEnv: {},
        log,
      });
      const section = renderIngestSection({
        date: new Date(),
        machine,
        settings: {
          ...settings,
          command: commandLine(),
          sqliteSynchronous: process.env.HERON_SQLITE_SYNCHRONOUS ?? 'FULL (default)',
        },
        payload: generator.stats,
        results,
      });
      markdown = replaceSection(markdown, 'Ingest', section);
      process.stdout.write(`\n${section}\n`);
    }
    if (on('postgres')) {
      const pgMachine = await remeasure(machine, 'the PostgreSQL ingest runs');
      const results = await runPostgresIngestBench(generator, {
        ...settings,
        serverEnv: {},
        databaseUrl: databaseUrl!,
        log,
      });
      const section = renderPostgresIngestSection({
        date: new Date(),
        machine: pgMachine,
        settings: { ...settings, command: commandLine(), database },
        payload: generator.stats,
        results,
      });
      markdown = replaceSection(markdown, 'Ingest (PostgreSQL)', section);
      process.stdout.write(`\n${section}\n`);
    }
  }

  if (runs('query')) {
    let sqliteResults: QueryResults | undefined;
    const targets: { backend: string; open: () => Promise<QueryTarget> }[] = [];
    const traces = querySettings.traces;
    if (on('sqlite')) {
      targets.push({
        backend: 'SQLite',
        open: () => sqliteQueryTarget({ dir: queryStoreDir, traces, log }),
      });
    }
    if (on('postgres')) {
      targets.push({
        backend: 'PostgreSQL',
        open: () => postgresQueryTarget({ url: databaseUrl!, traces, log }),
      });
    }
    for (const { backend, open } of targets) {
      // Generate (or reuse) the store first, so the CPU measurement describes the query window.
      const target = await open();
      const queryMachine = await remeasure(machine, `the ${backend} query window`);
      const results = await runQueryBench({
        target,
        iterations: querySettings.iterations,
        warmup: querySettings.warmup,
        maxSecondsPerQuery: querySettings.maxSecondsPerQuery,
        log,
      });
      if (results.backend === 'sqlite') sqliteResults = results;
      const section = renderQuerySection({
        date: new Date(),
        machine: queryMachine,
        settings: {
          command: commandLine(),
          maxSecondsPerQuery: querySettings.maxSecondsPerQuery,
        },
        results,
        sqlite: sqliteResults,
      });
      markdown = replaceSection(markdown, querySectionTitle(results.backend), section);
      process.stdout.write(`\n${section}\n`);
    }
  }

  // SQLite only: the UI reads the same API on both backends, and the query suite compares them.
  if (runs('ui')) {
    const target = await sqliteQueryTarget({
      dir: queryStoreDir,
      traces: querySettings.traces,
      log,
    });
    const uiMachine = await remeasure(machine, 'the UI window');
    const results = await runUiBench({ target, ...uiSettings, log });
    const section = renderUiSection({
      date: new Date(),
      machine: uiMachine,
      command: commandLine(),
      results,
    });
    markdown = replaceSection(markdown, 'UI', section);
    process.stdout.write(`\n${section}\n`);
  }

  if (!values['no-write']) {
    writeFileSync(values.results, markdown);
    log(`wrote ${values.results}`);
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** The machine line with the load average and CPU delivery measured again, for a later window. */
async function remeasure(machine: MachineInfo, what: string): Promise<MachineInfo> {
  log(`measuring how much CPU the machine delivers, for ${what} (4 s)`);
  const again = { ...machine, loadAverage: loadavg()[0]! };
  again.cpuDelivery = await measureCpuDelivery();
  log(
    `  each core computed ${(again.cpuDelivery.deliveredShare * 100).toFixed(0)} % of the wall clock; worst stall ${again.cpuDelivery.worstStallMs.toFixed(0)} ms`,
  );
  return again;
}

/** The arguments, with the database URL's password hidden. */
function commandLine(): string {
  return process.argv
    .slice(2)
    .map((arg) => arg.replace(/postgres(ql)?:\/\/\S+/, (url) => redactDatabaseUrl(url)))
    .join(' ');
}

// Ctrl-C reaches the servers too (same process group); their schemas must not stay behind.
process.once('SIGINT', () => {
  log('interrupted');
  void dropUnfinishedSchemas(log).finally(() => process.exit(130));
});

main().catch(async (error: unknown) => {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  await dropUnfinishedSchemas(log);
  process.exit(1);
});
