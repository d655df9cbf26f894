/**
 * The store the query benchmark reads: by default 250,000 traces × 4 spans = 1,000,000 spans in
 * one project (plus a small second project), written without HTTP through the server's own
 * SQLite store (`SqliteStore.insertSpans`, the writer thread ingest uses) after the real
 * normalizer (`normalizeExportRequest`), so the rows are exactly what ingestion stores.
 *
 * Traces are support-assistant turns of three shapes (RAG, tool-calling agent, embed + rerank),
 * with OpenInference attributes: input/output values, LLM messages (tool calls too), token
 * counts, retrieval and reranker documents, metadata, user.id on every trace and session.id on
 * most, model names from a realistic set, ~5 % error spans with exception events, some
 * Japanese/Chinese/Korean and accented questions and answers, log-normal latencies. Start
 * times cover the 7 days before generation (90 %) and the 23 days before that (10 %), in
 * insertion order, as live ingestion would write them.
 *
 * The database is cached in a directory with a meta.json keyed by QUERY_STORE_VERSION: a re-run
 * with the same version and size reuses it. Generation ends when the background full-text
 * indexer has caught up with the last span.
 *
 * The same traces, batch by batch (writeQueryStoreSpans), go into PostgreSQL through
 * PostgresStore.insertSpans for the PostgreSQL query benchmark (postgres-query-store.ts).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  OtlpEvent,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpScopeSpans,
  OtlpSpan,
} from '../../packages/server/dist/otlp/otlp-types.js';
import { normalizeExportRequest } from '../../packages/server/dist/spans/span-normalizer.js';
import { DEFAULT_SPAN_LIMITS } from '../../packages/server/dist/spans/span-limits.js';
import type { SpanRecord } from '../../packages/server/dist/spans/span-record.js';
import { SqliteStore } from '../../packages/server/dist/store/sqlite/sqlite-store.js';
import { TextGenerator, mulberry32 } from './payload-generator.js';

/** Change when the generated data changes: a cached store of another version is regenerated. */
export const QUERY_STORE_VERSION = 'query-store-v1';

export const MAIN_PROJECT = 'support-assistant';
export const SECOND_PROJECT = 'checkout-bot';
const SPANS_PER_TRACE = 4;
const DAY_MS = 86_400_000;

/** Words the benchmark searches for and the values it filters on, with their expected counts. */
export interface QueryProbes {
  /** In the questions of ~0.03 % of traces: ~0.1 % of spans (each question is in ~3.5 spans). */
  commonWord: string;
  /** In the output of exactly one TOOL span. */
  rareWord: string;
  /** In a share of the Japanese questions (CJK has no spaces; the trigram index handles it). */
  cjkWord: string;
  /** Ten users, each on ~1 % of the traces (and so of the spans) of the main project. */
  powerUserIds: string[];
  /** A regular user with 20–49 spans (fewer than a page: the filter scans every span). */
  rareUserId: string;
  /** `metadata.customer_tier` value on ~10 % of traces. */
  goldTier: string;
  /** A model name in the realistic set, for the filter-language expression. */
  filterModel: string;
}

export interface QueryStoreMeta {
  version: string;
  /** Generation time in epoch ms: "now" for every relative window (7 days back from it). */
  referenceNowMs: number;
  generatedAt: string;
  traces: number;
  spans: number;
  secondProjectTraces: number;
  /** Traces of the main project that started in the last 7 days before referenceNowMs. */
  tracesLast7Days: number;
  /** Wall seconds: writing the spans, then waiting for the full-text index. */
  generationSeconds: number;
  indexSeconds: number | null;
  probes: QueryProbes;
  /** Exact counts measured in the finished store (null until measured). */
  counts: {
    commonWordSpans: number;
    commonWordTraces: number;
    rareWordSpans: number;
    cjkWordSpans: number;
    powerUserSpans: number;
    rareUserSpans: number;
    goldSpans: number;
    llmSpans: number;
    errorSpans: number;
  } | null;
}

export interface QueryStoreOptions {
  dir: string;
  /** Traces in the main project (4 spans each). */
  traces: number;
  /** Spans per insertSpans call. */
  batchSpans?: number;
  seed?: number;
  log: (message: string) => void;
}

export interface QueryStore {
  dir: string;
  dbPath: string;
  meta: QueryStoreMeta;
  /** False when a cached store was reused. */
  generated: boolean;
}

const PROBES: QueryProbes = {
  commonWord: 'chargeback',
  rareWord: 'quokka',
  cjkWord: '請求書',
  powerUserIds: Array.from({ length: 10 }, (_, i) => `user_${40_007 + i * 131}`),
  // Chosen when the store is counted: a user with 20–49 spans.
  rareUserId: '',
  goldTier: 'gold',
  filterModel: 'gpt-4o',
};

/** The default cache directory for a store of this many traces (bench/.data/query-1m for 250k). */
export function defaultQueryStoreDir(benchDir: string, traces: number): string {
  return join(benchDir, '.data', `query-${querySizeLabel(traces)}`);
}

/** "1m" for 250,000 traces (1,000,000 spans), else the span count. */
export function querySizeLabel(traces: number): string {
  const spans = traces * SPANS_PER_TRACE;
  return spans === 1_000_000 ? '1m' : String(spans);
}

export async function ensureQueryStore(options: QueryStoreOptions): Promise<QueryStore> {
  const { dir, log } = options;
  const dbPath = join(dir, 'heron.db');
  const metaPath = join(dir, 'meta.json');
  const cached = readMeta(metaPath);
  if (
    cached &&
    cached.version === QUERY_STORE_VERSION &&
    cached.traces === options.traces &&
    existsSync(dbPath)
  ) {
    log(
      `query store: reusing ${dbPath} (${QUERY_STORE_VERSION}, ${cached.spans.toLocaleString('en-US')} spans, generated ${cached.generatedAt})`,
    );
    if (cached.counts === null) {
      // An earlier run stopped while the index caught up: finish the job.
      await finishStore(dbPath, metaPath, cached, log);
    }
    return { dir, dbPath, meta: cached, generated: false };
  }
  if (cached) {
    log(
      `query store: cached store is ${cached.version} with ${cached.traces} traces; regenerating as ${QUERY_STORE_VERSION} with ${options.traces}`,
    );
  }
  mkdirSync(dir, { recursive: true });
  for (const file of ['heron.db', 'heron.db-wal', 'heron.db-shm', 'meta.json']) {
    rmSync(join(dir, file), { force: true });
  }
  const meta = await generate(dbPath, options);
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  await finishStore(dbPath, metaPath, meta, log);
  return { dir, dbPath, meta, generated: true };
}

function readMeta(path: string): QueryStoreMeta | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as QueryStoreMeta;
  } catch {
    return undefined;
  }
}

async function generate(dbPath: string, options: QueryStoreOptions): Promise<QueryStoreMeta> {
  const store = await SqliteStore.open({ path: dbPath, synchronous: 'NORMAL' });
  try {
    return await writeQueryStoreSpans(dbPath, options, (spans) => store.insertSpans(spans));
  } finally {
    await store.close();
  }
}

/**
 * Generates the store's traces in insertion order and hands them to `insert` in batches of
 * about `batchSpans` spans (the SQLite writer thread, or PostgresStore.insertSpans), one batch
 * in flight while the next is built. Returns the meta, with `counts` still null.
 */
export async function writeQueryStoreSpans(
  target: string,
  options: Omit<QueryStoreOptions, 'dir'>,
  insert: (spans: SpanRecord[]) => Promise<unknown>,
): Promise<QueryStoreMeta> {
  const { log } = options;
  const batchSpans = options.batchSpans ?? 5000;
  const tracesPerBatch = Math.max(1, Math.floor(batchSpans / SPANS_PER_TRACE));
  const secondProjectTraces = Math.max(1, Math.round(options.traces / 100));
  const totalTraces = options.traces + secondProjectTraces;
  const referenceNowMs = Math.floor(Date.now() / 60_000) * 60_000;
  const started = performance.now();
  const traces = new TraceFactory(options.seed ?? 20241124, referenceNowMs, options.traces);
  log(
    `query store: generating ${options.traces.toLocaleString('en-US')} traces (${(options.traces * SPANS_PER_TRACE).toLocaleString('en-US')} spans) in ${MAIN_PROJECT} + ${secondProjectTraces.toLocaleString('en-US')} traces in ${SECOND_PROJECT} into ${target}`,
  );
  let pending: Promise<unknown> | undefined;
  let written = 0;
  let lastReport = performance.now();
  let tracesLast7Days = 0;
  const weekAgo = BigInt(referenceNowMs - 7 * DAY_MS) * 1_000_000n;
  let mainIndex = 0;
  let secondIndex = 0;
  const totalSpans = totalTraces * SPANS_PER_TRACE;
  try {
    for (let next = 0; next < totalTraces;) {
      const main: GeneratedTrace[] = [];
      const second: GeneratedTrace[] = [];
      const end = Math.min(totalTraces, next + tracesPerBatch);
      for (; next < end; next++) {
        // One trace of the second project every ~100, interleaved in time with the main one.
        const isSecond =
          secondIndex < secondProjectTraces && (mainIndex >= options.traces || next % 101 === 100);
        if (isSecond) {
          second.push(traces.build(mainIndex / options.traces, true));
          secondIndex++;
        } else {
          const trace = traces.build(mainIndex / options.traces, false);
          if (trace.startNs >= weekAgo) tracesLast7Days++;
          main.push(trace);
          mainIndex++;
        }
      }
      const request: OtlpExportRequest = {
        resourceSpans: [
          ...(main.length ? [resourceSpans(MAIN_PROJECT, main)] : []),
          ...(second.length ? [resourceSpans(SECOND_PROJECT, second)] : []),
        ],
      };
      const { spans, rejected } = normalizeExportRequest(request, { limits: DEFAULT_SPAN_LIMITS });
      if (rejected.length > 0) {
        throw new Error(`the normalizer rejected a generated span: ${rejected[0]!.reason}`);
      }
      // Two batches in flight: this thread builds the next while the writer commits this one.
      await pending;
      pending = insert(spans);
      written += spans.length;
      const now = performance.now();
      if (now - lastReport > 10_000 || next === totalTraces) {
        lastReport = now;
        const seconds = (now - started) / 1000;
        const rate = written / seconds;
        log(
          `  ${written.toLocaleString('en-US')} / ${totalSpans.toLocaleString('en-US')} spans, ${Math.round(rate).toLocaleString('en-US')} spans/s, ETA ${formatDuration((totalSpans - written) / rate)}`,
        );
      }
    }
    await pending;
  } finally {
    // Never leave a rejected batch unobserved when the loop itself threw.
    await pending?.catch(() => {});
  }
  const generationSeconds = (performance.now() - started) / 1000;
  log(
    `query store: ${written.toLocaleString('en-US')} spans written in ${formatDuration(generationSeconds)} (${Math.round(written / generationSeconds).toLocaleString('en-US')} spans/s)`,
  );
  return {
    version: QUERY_STORE_VERSION,
    referenceNowMs,
    generatedAt: new Date(referenceNowMs).toISOString(),
    traces: options.traces,
    spans: options.traces * SPANS_PER_TRACE,
    secondProjectTraces,
    tracesLast7Days,
    generationSeconds,
    indexSeconds: null,
    probes: { ...PROBES, powerUserIds: [...PROBES.powerUserIds] },
    counts: null,
  };
}

/**
 * Waits for the full-text index (reopening the store starts the writer thread, whose indexer
 * resumes from its watermark), then counts what the benchmark's probes should find.
 */
async function finishStore(
  dbPath: string,
  metaPath: string,
  meta: QueryStoreMeta,
  log: (message: string) => void,
): Promise<void> {
  const started = performance.now();
  const store = await SqliteStore.open({ path: dbPath, synchronous: 'NORMAL' });
  try {
    await waitForSearchIndex(store.readConnection, log);
  } finally {
    await store.close();
  }
  meta.indexSeconds = (meta.indexSeconds ?? 0) + (performance.now() - started) / 1000;
  log('query store: counting the probes (a few full scans)');
  meta.counts = countProbes(dbPath, meta.probes);
  log(`  ${JSON.stringify(meta.counts)}`);
  const db = new Database(dbPath);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
}

/** Polls until search_index_state.indexed_through reaches MAX(spans.id), printing progress. */
export async function waitForSearchIndex(
  db: Database.Database,
  log: (message: string) => void,
  pollMs = 2000,
): Promise<void> {
  const maxId = () => (db.prepare('SELECT MAX(id) FROM spans').pluck().get() as number) ?? 0;
  const watermark = () =>
    db.prepare('SELECT indexed_through FROM search_index_state').pluck().get() as number;
  const target = maxId();
  const first = watermark();
  if (first >= target) return;
  const started = performance.now();
  let lastReport = 0;
  log(
    `query store: waiting for the full-text index: ${first.toLocaleString('en-US')} of ${target.toLocaleString('en-US')} span ids indexed`,
  );
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const through = watermark();
    const now = performance.now();
    if (through >= target) {
      log(`  full-text index caught up in ${formatDuration((now - started) / 1000)}`);
      return;
    }
    if (now - lastReport > 10_000) {
      lastReport = now;
      const rate = (through - first) / ((now - started) / 1000);
      const eta = rate > 0 ? formatDuration((target - through) / rate) : '?';
      log(
        `  index: ${through.toLocaleString('en-US')} / ${target.toLocaleString('en-US')} span ids, ${Math.round(rate).toLocaleString('en-US')} spans/s, ETA ${eta}`,
      );
    }
  }
}

function countProbes(dbPath: string, probes: QueryProbes): NonNullable<QueryStoreMeta['counts']> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const project = db
      .prepare('SELECT id FROM projects WHERE name = ?')
      .pluck()
      .get(MAIN_PROJECT) as number;
    const match = (needle: string) =>
      db
        .prepare(
          `SELECT COUNT(*) AS spans, COUNT(DISTINCT s.trace_rowid) AS traces FROM spans s
           WHERE s.project_id = ? AND s.id IN (SELECT rowid FROM span_search WHERE span_search MATCH ?)`,
        )
        .get(project, `"${needle}"`) as { spans: number; traces: number };
    const count = (sql: string, ...params: unknown[]) =>
      db
        .prepare(sql)
        .pluck()
        .get(...params) as number;
    const common = match(probes.commonWord);
    probes.rareUserId = db
      .prepare(
        `SELECT user_id FROM spans WHERE project_id = ? AND user_id IS NOT NULL
         GROUP BY user_id HAVING COUNT(*) BETWEEN 20 AND 49 ORDER BY user_id LIMIT 1`,
      )
      .pluck()
      .get(project) as string;
    return {
      commonWordSpans: common.spans,
      commonWordTraces: common.traces,
      rareWordSpans: match(probes.rareWord).spans,
      cjkWordSpans: match(probes.cjkWord).spans,
      powerUserSpans: count(
        'SELECT COUNT(*) FROM spans WHERE project_id = ? AND user_id = ?',
        project,
        probes.powerUserIds[0],
      ),
      rareUserSpans: count(
        'SELECT COUNT(*) FROM spans WHERE project_id = ? AND user_id = ?',
        project,
        probes.rareUserId,
      ),
      goldSpans: count(
        `SELECT COUNT(*) FROM spans WHERE project_id = ?
         AND json_extract(attributes, '$.metadata.customer_tier') = ?`,
        project,
        probes.goldTier,
      ),
      llmSpans: count(
        "SELECT COUNT(*) FROM spans WHERE project_id = ? AND span_kind = 'LLM'",
        project,
      ),
      errorSpans: count(
        "SELECT COUNT(*) FROM spans WHERE project_id = ? AND status_code = 'ERROR'",
        project,
      ),
    };
  } finally {
    db.close();
  }
}

/** Bytes of the database file and its WAL. */
export function databaseBytes(dbPath: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(`${dbPath}${suffix}`).size;
    } catch {
      // no WAL
    }
  }
  return total;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}

// ---------------------------------------------------------------------------------------------
// Trace content

interface GeneratedTrace {
  scope: 'langchain' | 'openai';
  startNs: bigint;
  spans: OtlpSpan[];
}

function resourceSpans(project: string, traces: GeneratedTrace[]) {
  const byScope = new Map<GeneratedTrace['scope'], OtlpSpan[]>();
  for (const trace of traces) {
    let list = byScope.get(trace.scope);
    if (!list) byScope.set(trace.scope, (list = []));
    for (const span of trace.spans) list.push(span);
  }
  const scopeSpans: OtlpScopeSpans[] = [...byScope].map(([scope, spans]) => ({
    scope: SCOPES[scope],
    spans,
    schemaUrl: '',
  }));
  return {
    resourceAttributes: kv({
      'service.name': project,
      'service.version': project === MAIN_PROJECT ? '2.3.1' : '0.9.4',
      'deployment.environment': 'production',
      'telemetry.sdk.language': 'python',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '1.27.0',
      'openinference.project.name': project,
    }),
    scopeSpans,
    schemaUrl: '',
  };
}

const SCOPES = {
  langchain: { name: 'openinference.instrumentation.langchain', version: '0.1.29', attributes: [] },
  openai: { name: 'openinference.instrumentation.openai', version: '0.1.18', attributes: [] },
};

/** Model, provider and share of LLM calls. */
const MODELS: { name: string; provider: string; share: number }[] = [
  { name: 'gpt-4o-mini', provider: 'openai', share: 0.34 },
  { name: 'gpt-4o', provider: 'openai', share: 0.22 },
  { name: 'gpt-4.1-mini', provider: 'openai', share: 0.08 },
  { name: 'o3-mini', provider: 'openai', share: 0.04 },
  { name: 'claude-3-5-sonnet-20241022', provider: 'anthropic', share: 0.14 },
  { name: 'claude-3-5-haiku-20241022', provider: 'anthropic', share: 0.08 },
  { name: 'gemini-1.5-pro-002', provider: 'google', share: 0.05 },
  { name: 'llama-3.1-70b-instruct', provider: 'groq', share: 0.03 },
  { name: 'mistral-large-2411', provider: 'mistralai', share: 0.02 },
];

const TIERS: { tier: string; share: number }[] = [
  { tier: 'gold', share: 0.1 },
  { tier: 'silver', share: 0.2 },
  { tier: 'bronze', share: 0.3 },
  { tier: 'free', share: 0.4 },
];

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1'];

/** Questions and answer sentences in other languages (~12 % of traces). */
const FOREIGN: { locale: string; share: number; questions: string[]; answers: string[] }[] = [
  {
    locale: 'ja-JP',
    share: 0.03,
    questions: [
      '請求書の支払い方法を変更するにはどうすればよいですか？',
      'クラスターにノードを追加する手順を教えてください。',
      'バックアップからデータベースを復元できますか？',
      'APIキーをローテーションする方法は？',
      '請求書に記載された税額が正しくないようです。',
      'ストレージの使用量を確認するにはどうすればいいですか？',
    ],
    answers: [
      'ご不便をおかけして申し訳ありません。',
      '設定画面の「請求」タブから支払い方法を変更できます。',
      '変更は次回の請求サイクルから反映されます。',
      '詳しくはドキュメントの該当ページをご覧ください。',
      'サポートチームが24時間以内にご連絡いたします。',
      'コンソールの「バックアップ」からスナップショットを選択して復元してください。',
    ],
  },
  {
    locale: 'zh-CN',
    share: 0.02,
    questions: [
      '如何更改我的付款方式？',
      '为什么我的部署失败了？',
      '怎样恢复已删除的快照？',
      '我的账户被锁定了，怎么办？',
      '如何查看上个月的账单明细？',
    ],
    answers: [
      '很抱歉给您带来不便。',
      '您可以在控制台的设置页面中更改付款方式。',
      '更改将在下一个计费周期生效。',
      '请检查部署日志中的错误信息。',
      '如需更多帮助，请联系支持团队。',
    ],
  },
  {
    locale: 'ko-KR',
    share: 0.01,
    questions: [
      '결제 수단을 변경하려면 어떻게 해야 하나요?',
      '클러스터 노드를 추가하는 방법을 알려주세요.',
      '백업에서 데이터베이스를 복원할 수 있나요?',
    ],
    answers: [
      '불편을 드려 죄송합니다.',
      '콘솔의 설정 페이지에서 결제 수단을 변경할 수 있습니다.',
      '변경 사항은 다음 결제 주기부터 적용됩니다.',
      '자세한 내용은 문서를 참고해 주세요.',
    ],
  },
  {
    locale: 'fr-FR',
    share: 0.025,
    questions: [
      'Comment puis-je modifier ma méthode de paiement ?',
      'Pourquoi mon déploiement a-t-il échoué après la mise à jour ?',
      'Où trouver la facture détaillée du mois dernier ?',
      'Est-il possible de réduire la latence de la réplication entre régions ?',
    ],
    answers: [
      'Vous pouvez modifier votre méthode de paiement depuis la page Paramètres.',
      'La modification prendra effet au prochain cycle de facturation.',
      'Nous vous recommandons de vérifier les journaux de déploiement.',
      "N'hésitez pas à contacter l'équipe d'assistance si le problème persiste.",
      'La réplication entre régions dépend de la bande passante disponible.',
    ],
  },
  {
    locale: 'de-DE',
    share: 0.02,
    questions: [
      'Wie kann ich die Größe meines Volumes ändern?',
      'Warum schlägt die Überprüfung meines Zertifikats fehl?',
      'Können Sie mir erklären, wie die Abrechnung für Snapshots funktioniert?',
    ],
    answers: [
      'Sie können die Größe des Volumes in der Konsole unter Einstellungen ändern.',
      'Die Änderung wird sofort wirksam, ohne dass ein Neustart erforderlich ist.',
      'Bitte überprüfen Sie, ob das Zertifikat noch gültig ist.',
      'Snapshots werden nach belegtem Speicher pro Monat abgerechnet.',
    ],
  },
  {
    locale: 'es-ES',
    share: 0.015,
    questions: [
      '¿Cómo puedo cambiar la facturación a otra tarjeta?',
      '¿Por qué mi clúster tarda tanto en escalar?',
      '¿Dónde está la configuración de cifrado en tránsito?',
    ],
    answers: [
      'Puede cambiar la facturación desde la página de configuración.',
      'El cambio se aplicará en el próximo ciclo de facturación.',
      'Le recomendamos revisar los registros del clúster.',
      'El cifrado en tránsito está activado por defecto en todas las regiones.',
    ],
  },
];

const AGENT_TOOLS = [
  {
    name: 'lookup_account',
    description: 'Looks up a customer account by id and returns its plan, status and limits.',
    parameters: { account_id: { type: 'string' } },
  },
  {
    name: 'get_invoice',
    description: 'Returns an invoice with its line items, taxes and payment status.',
    parameters: { invoice_id: { type: 'string' }, include_line_items: { type: 'boolean' } },
  },
  {
    name: 'restart_instance',
    description: 'Restarts a database instance; returns the new status.',
    parameters: { instance_id: { type: 'string' }, force: { type: 'boolean' } },
  },
  {
    name: 'create_ticket',
    description: 'Opens a support ticket with a priority and a summary.',
    parameters: { summary: { type: 'string' }, priority: { type: 'string' } },
  },
];

const LLM_ERRORS = [
  {
    type: 'openai.RateLimitError',
    message:
      "Error code: 429 - {'error': {'message': 'Rate limit reached for requests', 'type': 'requests', 'code': 'rate_limit_exceeded'}}",
  },
  { type: 'openai.APITimeoutError', message: 'Request timed out.' },
  {
    type: 'openai.BadRequestError',
    message:
      "Error code: 400 - {'error': {'message': 'This model's maximum context length is 128000 tokens.', 'code': 'context_length_exceeded'}}",
  },
  {
    type: 'anthropic.InternalServerError',
    message:
      "Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}",
  },
];

const TOOL_ERRORS = [
  { type: 'TimeoutError', message: 'tool call exceeded 30s' },
  {
    type: 'requests.exceptions.HTTPError',
    message:
      '503 Server Error: Service Unavailable for url: https://internal.acme.dev/api/accounts',
  },
  { type: 'KeyError', message: "'invoice_id'" },
];

interface Session {
  id: string;
  userId: string;
  turnsLeft: number;
}

interface SpanSpec {
  name: string;
  kind: number;
  parent: number;
  durationMs: number;
  attributes: Record<string, unknown>;
  error?: { type: string; message: string };
}

/** Builds one trace at a time; deterministic for a seed. */
class TraceFactory {
  private readonly random: () => number;
  private readonly text: TextGenerator;
  private readonly sessions: Session[] = [];
  private readonly rareWordTrace: number;
  private mainBuilt = 0;

  constructor(
    seed: number,
    private readonly referenceNowMs: number,
    private readonly mainTraces: number,
  ) {
    this.random = mulberry32(seed);
    this.text = new TextGenerator(this.random);
    this.rareWordTrace = Math.floor(mainTraces * 0.37);
  }

  /** `position` in [0, 1): where the trace falls in time (older first). */
  build(position: number, secondProject: boolean): GeneratedTrace {
    const r = this.random;
    const rareWord = !secondProject && this.mainBuilt === this.rareWordTrace;
    if (!secondProject) this.mainBuilt++;
    const startMs = this.startTimeMs(position);
    const traceId = this.hex(4);

    // Who: a session (65 %) carries its user; otherwise a user of its own.
    let sessionId: string | undefined;
    let userId: string;
    if (r() < 0.65) {
      const session = this.session();
      sessionId = session.id;
      userId = session.userId;
    } else {
      userId = this.user();
    }
    const tier = pick(r, TIERS).tier;
    const foreign = this.foreign();
    const common: Record<string, unknown> = {
      'user.id': userId,
      ...(sessionId ? { 'session.id': sessionId } : {}),
      metadata: JSON.stringify({
        customer_tier: tier,
        tenant: `acme-${Math.floor(r() * 400)}`,
        region: REGIONS[Math.floor(r() * REGIONS.length)],
        release: r() < 0.7 ? '2024.11.3' : '2024.11.2',
        experiment: r() < 0.5 ? 'rerank-v2' : 'control',
        ...(foreign ? { locale: foreign.locale } : {}),
      }),
    };
    if (r() < 0.2) common['tag.tags'] = r() < 0.5 ? ['beta', 'mobile'] : ['web'];

    const question = foreign ? foreign.question : this.question(secondProject ? 0 : 0.00114);
    const answer = foreign ? foreign.answer : this.text.paragraph(380, 520);
    const shapeRoll = r();
    const specs =
      shapeRoll < 0.55 && !rareWord
        ? this.rag(question, answer)
        : shapeRoll < 0.9 || rareWord
          ? this.agent(question, answer, rareWord)
          : this.rerank(question, answer);

    // ~10 % of traces fail in one child span, and the root reports the error: ~5 % of spans.
    if (r() < 0.1 && !rareWord) {
      const candidates = specs
        .map((spec, i) => ({ spec, i }))
        .filter(
          ({ spec }) =>
            spec.attributes['openinference.span.kind'] === 'LLM' ||
            spec.attributes['openinference.span.kind'] === 'TOOL',
        );
      const failing = candidates[Math.floor(r() * candidates.length)]!.spec;
      const isLlm = failing.attributes['openinference.span.kind'] === 'LLM';
      failing.error = isLlm ? pick1(r, LLM_ERRORS) : pick1(r, TOOL_ERRORS);
      delete failing.attributes['output.value'];
      delete failing.attributes['output.mime_type'];
      for (const key of Object.keys(failing.attributes)) {
        if (key.startsWith('llm.output_messages')) delete failing.attributes[key];
      }
      specs[0]!.error = failing.error;
    }

    return {
      scope: specs[0]!.name === 'SupportAgent' ? 'openai' : 'langchain',
      startNs: BigInt(startMs) * 1_000_000n,
      spans: this.toOtlp(traceId, startMs, specs, common),
    };
  }

  /** 10 % of traces over days 30…7 before now, 90 % over the last 7 days (minus 10 minutes). */
  private startTimeMs(position: number): number {
    const now = this.referenceNowMs;
    const jitter = (this.random() - 0.5) * 4000;
    if (position < 0.1) {
      return Math.round(now - 30 * DAY_MS + (position / 0.1) * 23 * DAY_MS + jitter);
    }
    const recent = (position - 0.1) / 0.9;
    return Math.round(now - 7 * DAY_MS + recent * (7 * DAY_MS - 600_000) + jitter);
  }

  private session(): Session {
    const r = this.random;
    if (this.sessions.length < 300) {
      const s = { id: this.uuid(), userId: this.user(), turnsLeft: 1 + Math.floor(r() * 10) };
      this.sessions.push(s);
      return this.useSession(this.sessions.length - 1);
    }
    return this.useSession(Math.floor(r() * this.sessions.length));
  }

  private useSession(i: number): Session {
    const s = this.sessions[i]!;
    s.turnsLeft--;
    if (s.turnsLeft <= 0) {
      this.sessions[i] = {
        id: this.uuid(),
        userId: this.user(),
        turnsLeft: 1 + Math.floor(this.random() * 10),
      };
    }
    return s;
  }

  /** 10 % of traces belong to one of ten power users (~1 % each); the rest to 20,000 others. */
  private user(): string {
    const r = this.random;
    if (r() < 0.1) return PROBES.powerUserIds[Math.floor(r() * PROBES.powerUserIds.length)]!;
    return `user_${10_000 + Math.floor(r() * 20_000)}`;
  }

  private foreign(): { locale: string; question: string; answer: string } | undefined {
    let roll = this.random();
    for (const language of FOREIGN) {
      if (roll < language.share) {
        const r = this.random;
        const question = language.questions[Math.floor(r() * language.questions.length)]!;
        const sentences: string[] = [];
        const n = 2 + Math.floor(r() * 3);
        for (let i = 0; i < n; i++) {
          sentences.push(language.answers[Math.floor(r() * language.answers.length)]!);
        }
        const sep = language.locale.startsWith('ja') || language.locale.startsWith('zh') ? '' : ' ';
        return { locale: language.locale, question, answer: sentences.join(sep) };
      }
      roll -= language.share;
    }
    return undefined;
  }

  private question(commonWordShare: number): string {
    const q = this.text.question();
    if (this.random() >= commonWordShare) return q;
    const words = q.split(' ');
    words.splice(2 + Math.floor(this.random() * (words.length - 3)), 0, PROBES.commonWord);
    return words.join(' ');
  }

  private model(): { name: string; provider: string } {
    return pick(this.random, MODELS);
  }

  private llmSpec(
    name: string,
    messages: { role: string; content: string }[],
    output: { role: string; content?: string; toolCall?: { name: string; arguments: string } },
    promptTokens: number,
  ): SpanSpec {
    const r = this.random;
    const model = this.model();
    const completionTokens = 20 + Math.floor(r() * 480);
    const attributes: Record<string, unknown> = {
      'openinference.span.kind': 'LLM',
      'llm.model_name': model.name,
      'llm.provider': model.provider,
      'llm.system': model.provider,
      'llm.invocation_parameters': JSON.stringify({
        temperature: r() < 0.5 ? 0 : 0.2,
        max_tokens: 1024,
        top_p: 1,
        stream: r() < 0.3,
      }),
      'input.value': JSON.stringify({ messages }),
      'input.mime_type': 'application/json',
      'llm.token_count.prompt': promptTokens,
      'llm.token_count.completion': completionTokens,
      'llm.token_count.total': promptTokens + completionTokens,
    };
    messages.forEach((m, i) => {
      attributes[`llm.input_messages.${i}.message.role`] = m.role;
      attributes[`llm.input_messages.${i}.message.content`] = m.content;
    });
    attributes['llm.output_messages.0.message.role'] = output.role;
    if (output.content !== undefined) {
      attributes['llm.output_messages.0.message.content'] = output.content;
      attributes['output.value'] = output.content;
    }
    if (output.toolCall) {
      const prefix = 'llm.output_messages.0.message.tool_calls.0.tool_call';
      attributes[`${prefix}.id`] = `call_${this.hex(3)}`;
      attributes[`${prefix}.function.name`] = output.toolCall.name;
      attributes[`${prefix}.function.arguments`] = output.toolCall.arguments;
      attributes['output.value'] = JSON.stringify({ tool_calls: [output.toolCall] });
      attributes['output.mime_type'] = 'application/json';
    }
    return {
      name: 'ChatCompletion',
      kind: 3,
      parent: 0,
      durationMs: logNormal(r, name === 'final' ? 1400 : 900, 0.7),
      attributes,
    };
  }

  private documents(prefix: string, count: number): Record<string, unknown> {
    const r = this.random;
    const out: Record<string, unknown> = {};
    for (let d = 0; d < count; d++) {
      const p = `${prefix}.${d}.document`;
      out[`${p}.id`] = `kb-${Math.floor(r() * 90000) + 10000}-chunk-${d}`;
      out[`${p}.content`] = this.text.paragraph(260, 320);
      out[`${p}.score`] = Math.round((0.92 - d * 0.07 - r() * 0.05) * 1e4) / 1e4;
      out[`${p}.metadata`] = JSON.stringify({
        source: `https://docs.example.com/${this.text.slug()}`,
        title: this.text.title(),
        updated_at: '2024-10-17T08:21:44Z',
        chunk: d,
      });
    }
    return out;
  }

  private system(): string {
    return `You are a helpful support assistant for Acme Cloud. ${this.text.paragraph(240, 300)}`;
  }

  private rag(question: string, answer: string): SpanSpec[] {
    const r = this.random;
    const context = this.text.paragraph(500, 620);
    return [
      {
        name: 'RetrievalQA',
        kind: 2,
        parent: -1,
        durationMs: 0,
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'input.value': JSON.stringify({ query: question, chat_history: [] }),
          'input.mime_type': 'application/json',
          'output.value': JSON.stringify({ result: answer }),
          'output.mime_type': 'application/json',
        },
      },
      {
        name: 'VectorStoreRetriever',
        kind: 1,
        parent: 0,
        durationMs: logNormal(r, 70, 0.5),
        attributes: {
          'openinference.span.kind': 'RETRIEVER',
          'input.value': question,
          ...this.documents('retrieval.documents', 4),
        },
      },
      this.llmSpec(
        'final',
        [
          { role: 'system', content: this.system() },
          { role: 'user', content: `Context:\n${context}\n\nQuestion: ${question}` },
        ],
        { role: 'assistant', content: answer },
        700 + Math.floor(r() * 2300),
      ),
      {
        name: 'search_knowledge_base',
        kind: 1,
        parent: 0,
        durationMs: logNormal(r, 120, 0.9),
        attributes: {
          'openinference.span.kind': 'TOOL',
          'tool.name': 'search_knowledge_base',
          'tool.description': 'Searches the Acme Cloud knowledge base.',
          'tool.parameters': JSON.stringify({
            type: 'object',
            properties: { query: { type: 'string' }, max_results: { type: 'integer' } },
            required: ['query'],
          }),
          'input.value': JSON.stringify({ query: question.slice(0, 60), max_results: 5 }),
          'input.mime_type': 'application/json',
          'output.value': this.text.paragraph(300, 420),
        },
      },
    ];
  }

  private agent(question: string, answer: string, withRareWord: boolean): SpanSpec[] {
    const r = this.random;
    const tool = AGENT_TOOLS[Math.floor(r() * AGENT_TOOLS.length)]!;
    const args = JSON.stringify(
      Object.fromEntries(
        Object.entries(tool.parameters).map(([key, schema]) => [
          key,
          schema.type === 'boolean' ? r() < 0.5 : `${key.split('_')[0]}-${this.hex(2)}`,
        ]),
      ),
    );
    const result = {
      status: r() < 0.8 ? 'ok' : 'degraded',
      plan: ['starter', 'team', 'business', 'enterprise'][Math.floor(r() * 4)],
      notes: this.text.sentence(),
      updated_at: '2024-11-20T10:02:11Z',
    };
    const toolResult = JSON.stringify(result);
    // The rare word is in this one TOOL span's output only, not in the next LLM call's input.
    const toolOutput = withRareWord
      ? JSON.stringify({
          ...result,
          notes: `${result.notes} The ${PROBES.rareWord} mascot stickers ship with the next order.`,
        })
      : toolResult;
    const system = this.system();
    const toolCall = { name: tool.name, arguments: args };
    return [
      {
        name: 'SupportAgent',
        kind: 2,
        parent: -1,
        durationMs: 0,
        attributes: {
          'openinference.span.kind': 'AGENT',
          'input.value': question,
          'output.value': answer,
        },
      },
      this.llmSpec(
        'plan',
        [
          { role: 'system', content: system },
          { role: 'user', content: question },
        ],
        { role: 'assistant', toolCall },
        400 + Math.floor(r() * 900),
      ),
      {
        name: tool.name,
        kind: 1,
        parent: 0,
        durationMs: logNormal(r, 180, 1.0),
        attributes: {
          'openinference.span.kind': 'TOOL',
          'tool.name': tool.name,
          'tool.description': tool.description,
          'tool.parameters': JSON.stringify({
            type: 'object',
            properties: tool.parameters,
            required: Object.keys(tool.parameters).slice(0, 1),
          }),
          'input.value': args,
          'input.mime_type': 'application/json',
          'output.value': toolOutput,
          'output.mime_type': 'application/json',
        },
      },
      this.llmSpec(
        'final',
        [
          { role: 'system', content: system },
          { role: 'user', content: question },
          { role: 'tool', content: toolResult },
        ],
        { role: 'assistant', content: answer },
        600 + Math.floor(r() * 1200),
      ),
    ];
  }

  private rerank(question: string, answer: string): SpanSpec[] {
    const r = this.random;
    const documents = this.documents('reranker.input_documents', 4);
    const output: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(documents)) {
      if (/^reranker\.input_documents\.[01]\./.test(key)) {
        output[key.replace('input_documents', 'output_documents')] = value;
      }
    }
    return [
      {
        name: 'RerankedQA',
        kind: 2,
        parent: -1,
        durationMs: 0,
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'input.value': question,
          'output.value': answer,
        },
      },
      {
        name: 'OpenAIEmbeddings',
        kind: 3,
        parent: 0,
        durationMs: logNormal(r, 45, 0.5),
        attributes: {
          'openinference.span.kind': 'EMBEDDING',
          'embedding.model_name': 'text-embedding-3-small',
          'embedding.embeddings.0.embedding.text': question,
        },
      },
      {
        name: 'CohereRerank',
        kind: 3,
        parent: 0,
        durationMs: logNormal(r, 150, 0.6),
        attributes: {
          'openinference.span.kind': 'RERANKER',
          'reranker.model_name': 'rerank-english-v3.0',
          'reranker.query': question,
          'reranker.top_k': 2,
          ...documents,
          ...output,
        },
      },
      this.llmSpec(
        'final',
        [
          { role: 'system', content: this.system() },
          { role: 'user', content: question },
        ],
        { role: 'assistant', content: answer },
        500 + Math.floor(r() * 1500),
      ),
    ];
  }

  /** Children run one after the other inside the root; the root lasts until the last ends. */
  private toOtlp(
    traceId: string,
    startMs: number,
    specs: SpanSpec[],
    common: Record<string, unknown>,
  ): OtlpSpan[] {
    const ids = specs.map(() => this.hex(2));
    const startNs = BigInt(startMs) * 1_000_000n;
    const times: { start: bigint; end: bigint }[] = [];
    let cursorUs = 1000 + Math.floor(this.random() * 3000);
    for (let i = 1; i < specs.length; i++) {
      const start = startNs + BigInt(cursorUs) * 1000n;
      const durationUs = Math.max(1, Math.round(specs[i]!.durationMs * 1000));
      times[i] = { start, end: start + BigInt(durationUs) * 1000n };
      cursorUs += durationUs + 500 + Math.floor(this.random() * 4000);
    }
    times[0] = { start: startNs, end: startNs + BigInt(cursorUs + 1500) * 1000n };
    return specs.map((spec, i) => {
      const { start, end } = times[i]!;
      const events: OtlpEvent[] = spec.error
        ? [
            {
              timeUnixNano: end,
              name: 'exception',
              attributes: kv({
                'exception.type': spec.error.type,
                'exception.message': spec.error.message,
                'exception.stacktrace': `Traceback (most recent call last):\n  File "/app/assistant/chain.py", line 212, in invoke\n    result = self._call(inputs)\n${spec.error.type}: ${spec.error.message}`,
                'exception.escaped': false,
              }),
              droppedAttributesCount: 0,
            },
          ]
        : [];
      return {
        traceId,
        spanId: ids[i]!,
        parentSpanId: spec.parent < 0 ? '' : ids[spec.parent]!,
        traceState: '',
        name: spec.name,
        kind: spec.kind,
        startTimeUnixNano: start,
        endTimeUnixNano: end,
        attributes: kv({ ...spec.attributes, ...common }),
        droppedAttributesCount: 0,
        events,
        droppedEventsCount: 0,
        links: [],
        droppedLinksCount: 0,
        status: spec.error ? { code: 2, message: spec.error.message } : { code: 1, message: '' },
        flags: 1,
      };
    });
  }

  /** `words` random 32-bit words as lower-case hex (4 = a trace id, 2 = a span id). */
  private hex(words: number): string {
    let out = '';
    for (let i = 0; i < words; i++) {
      out += (Math.floor(this.random() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    }
    return out;
  }

  private uuid(): string {
    const h = this.hex(4);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

function kv(attributes: Record<string, unknown>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const key in attributes) {
    out.push({ key, value: attributes[key] as OtlpKeyValue['value'] });
  }
  return out;
}

function pick<T extends { share: number }>(random: () => number, items: T[]): T {
  let roll = random();
  for (const item of items) {
    if (roll < item.share) return item;
    roll -= item.share;
  }
  return items[items.length - 1]!;
}

function pick1<T>(random: () => number, items: T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Log-normal milliseconds with this median and shape (sigma of the underlying normal). */
function logNormal(random: () => number, medianMs: number, sigma: number): number {
  const u = Math.max(1e-12, random());
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return medianMs * Math.exp(sigma * normal);
}
