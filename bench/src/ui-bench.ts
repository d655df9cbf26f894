/**
 * The UI speed benchmark (issue 5, "Speed"): a real `heron serve` on the cached query store
 * (query-store-generator.ts, 1,000,000 spans at full size) and Debian's chromium driven by
 * playwright-core, measured with the browser's own Performance timeline:
 *
 * - project page: navigation → the traces table shows its first rows (the UI's
 *   `heron:traces-rendered` mark, packages/ui/src/performance/render-mark.ts), the largest
 *   contentful paint, and "interactive" = the later of the rows mark and the end of the last
 *   long task (> 50 ms) that started before it, i.e. rows are shown and the main thread is free;
 * - scrolling the traces table: the table is scrolled 120 px every animation frame (a fast
 *   fling, which also pulls further pages by infinite scroll) and every frame's duration is
 *   the delta between requestAnimationFrame timestamps; long tasks come from a
 *   PerformanceObserver;
 * - opening a 5,000-span trace: navigation → the span tree shows its rows
 *   (`heron:trace-tree-rendered`).
 *
 * Before measuring, one 5,000-span trace with FIXED ids and times (derived from the store's
 * reference time) is sent through OTLP/HTTP JSON into its own project, so a re-run upserts the
 * same spans and the cached store keeps the counts the query suite checks.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import type { QueryTarget } from './query-bench.js';
import { MAIN_PROJECT } from './query-store-generator.js';

/** The project of the large trace: apart from the query suite's projects and counts. */
export const LARGE_TRACE_PROJECT = 'ui-bench-large-trace';
export const LARGE_TRACE_ID = '0b5e0b5e0b5e0b5e0b5e0b5e00005000';
export const LARGE_TRACE_SPANS = 5000;
/** Spans per OTLP request while sending the large trace. */
const SPANS_PER_REQUEST = 1000;
/** Pixels scrolled per animation frame while measuring the traces table. */
export const SCROLL_PX_PER_FRAME = 120;

const MARKS = {
  tracesRendered: 'heron:traces-rendered',
  treeRendered: 'heron:trace-tree-rendered',
} as const;

/** The same launch flags as the e2e browser tests (e2e/src/support/browser.ts). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

export interface UiBenchOptions {
  target: QueryTarget;
  /** Cold navigations per page. */
  runs: number;
  scrollSeconds: number;
  log: (message: string) => void;
}

export interface UiPageLoad {
  /** Navigation start → the UI's rows mark, ms. */
  renderedMs: number;
  lcpMs: number | null;
  interactiveMs: number;
  longTasksBefore: number;
}

export interface UiScroll {
  frames: number;
  p50FrameMs: number;
  p95FrameMs: number;
  maxFrameMs: number;
  /** Frames longer than 50 ms (at 60 Hz a frame is 16.7 ms). */
  framesOver50Ms: number;
  longTasks: number;
  longTaskMs: number;
  rowsScrolled: number;
}

export interface UiResults {
  chromium: string;
  storeSpans: number;
  storeTraces: number;
  tracesInTable: number;
  projectPage: UiPageLoad[];
  scroll: UiScroll;
  traceOpen: { renderedMs: number; lcpMs: number | null; treeRows: number }[];
  largeTraceSpans: number;
  runs: number;
  scrollSeconds: number;
}

/** Nearest-rank percentile of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * The 5,000-span trace as OTLP JSON requests: an AGENT root, 50 CHAIN steps under it and the
 * rest TOOL and RETRIEVER calls under the steps, spread over one minute. Everything (ids,
 * times, texts) depends only on `startMs`.
 */
export function largeTraceRequests(startMs: number): unknown[] {
  const startNs = BigInt(startMs) * 1_000_000n;
  const ns = (ms: number) => String(startNs + BigInt(Math.round(ms * 1000)) * 1000n);
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const spans: unknown[] = [];
  let step = 0;
  for (let i = 0; i < LARGE_TRACE_SPANS; i++) {
    const isRoot = i === 0;
    const isStep = !isRoot && i % 100 === 1;
    if (isStep) step = i;
    const kind = isRoot ? 'AGENT' : isStep ? 'CHAIN' : i % 3 === 0 ? 'RETRIEVER' : 'TOOL';
    const begin = isRoot ? 0 : isStep ? (i - 1) * 12 : i * 12;
    const duration = isRoot ? 60_000 : isStep ? 1200 : 10;
    spans.push({
      traceId: LARGE_TRACE_ID,
      spanId: hex(0x5000_0000 + i, 16),
      parentSpanId: isRoot ? '' : hex(0x5000_0000 + (isStep ? 0 : step), 16),
      name: isRoot ? 'large agent run' : isStep ? `step ${(i - 1) / 100 + 1}` : `${kind} call ${i}`,
      kind: 1,
      startTimeUnixNano: ns(begin),
      endTimeUnixNano: ns(begin + duration),
      attributes: [
        attr('openinference.span.kind', kind),
        attr('input.value', `input of span ${i}`),
        attr('output.value', `output of span ${i}`),
      ],
      status: { code: 1 },
    });
  }
  const requests: unknown[] = [];
  for (let i = 0; i < spans.length; i += SPANS_PER_REQUEST) {
    requests.push({
      resourceSpans: [
        {
          resource: {
            attributes: [
              attr('service.name', 'ui-bench'),
              attr('openinference.project.name', LARGE_TRACE_PROJECT),
            ],
          },
          scopeSpans: [
            { scope: { name: 'ui-bench' }, spans: spans.slice(i, i + SPANS_PER_REQUEST) },
          ],
        },
      ],
    });
  }
  return requests;
}

async function getJson<T>(baseUrl: string, path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Sends the large trace and waits until all its spans are readable. */
async function sendLargeTrace(server: HeronProcess, startMs: number): Promise<number> {
  for (const body of largeTraceRequests(startMs)) {
    const response = await fetch(`${server.baseUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`OTLP export: ${response.status} ${await response.text()}`);
    }
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const trace = await fetch(`${server.baseUrl}/v1/traces/${LARGE_TRACE_ID}?span_limit=1`);
    if (trace.ok) {
      const body = (await trace.json()) as { data: { span_count: number } };
      if (body.data.span_count === LARGE_TRACE_SPANS) return body.data.span_count;
    }
    if (Date.now() > deadline) throw new Error('the large trace did not land within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function chromiumPath(): string {
  const path =
    process.env.HERON_CHROMIUM_PATH ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!path) throw new Error('No chromium: apt-get install -y chromium (or HERON_CHROMIUM_PATH)');
  return path;
}

/** Collected from the first byte of every document: LCP and long tasks. */
const OBSERVERS_SCRIPT = `(() => {
  const w = window;
  w.__heronLongTasks = [];
  w.__heronLcp = null;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__heronLongTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    w.__heronLcp = entries[entries.length - 1].startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
})();`;

interface PageTimings {
  mark: number;
  lcp: number | null;
  longTasks: { start: number; duration: number }[];
}

/** A fresh context (empty cache and storage), navigated to `url`, until `mark` is set. */
async function coldLoad(browser: Browser, url: string, mark: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(OBSERVERS_SCRIPT);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    `performance.getEntriesByName(${JSON.stringify(mark)}).length > 0`,
    undefined,
    { timeout: 60_000 },
  );
  // Let LCP settle: it is reported at the paint after the largest element shows.
  await page.waitForTimeout(500);
  const timings = (await page.evaluate(`({
    mark: performance.getEntriesByName(${JSON.stringify(mark)})[0].startTime,
    lcp: window.__heronLcp,
    longTasks: window.__heronLongTasks,
  })`)) as PageTimings;
  if (errors.length) throw new Error(`page errors at ${url}: ${errors.join('; ')}`);
  return { page, close: () => context.close(), timings };
}

function pageLoad(t: PageTimings): UiPageLoad {
  const before = t.longTasks.filter((task) => task.start < t.mark);
  const busyUntil = Math.max(0, ...before.map((task) => task.start + task.duration));
  return {
    renderedMs: t.mark,
    lcpMs: t.lcp,
    interactiveMs: Math.max(t.mark, busyUntil),
    longTasksBefore: before.length,
  };
}

/** In the page: scrolls the traces table every frame for `seconds`; frame times, long tasks. */
const SCROLL_SCRIPT = (seconds: number) => `new Promise((resolve) => {
  const table = document.querySelector('[data-testid="traces-table"]');
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const frames = [];
  let last = null;
  let end = 0;
  const tick = (now) => {
    if (last !== null) frames.push(now - last);
    else end = now + ${seconds * 1000};
    last = now;
    if (now >= end) {
      observer.disconnect();
      resolve({
        frames,
        longTasks,
        scrollTop: table.scrollTop,
      });
      return;
    }
    table.scrollTop += ${SCROLL_PX_PER_FRAME};
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

/** Scrolls the traces table every frame for `seconds`, recording frame times. */
async function measureScroll(page: Page, seconds: number): Promise<UiScroll> {
  const result = (await page.evaluate(SCROLL_SCRIPT(seconds))) as {
    frames: number[];
    longTasks: number[];
    scrollTop: number;
  };
  const rowHeight = 35; // packages/ui/src/tables/virtual-table.tsx ROW_HEIGHT
  return {
    frames: result.frames.length,
    p50FrameMs: percentile(result.frames, 0.5),
    p95FrameMs: percentile(result.frames, 0.95),
    maxFrameMs: Math.max(...result.frames),
    framesOver50Ms: result.frames.filter((ms) => ms > 50).length,
    longTasks: result.longTasks.length,
    longTaskMs: result.longTasks.reduce((a, b) => a + b, 0),
    rowsScrolled: Math.round(result.scrollTop / rowHeight),
  };
}

export async function runUiBench(options: UiBenchOptions): Promise<UiResults> {
  const { target, runs, scrollSeconds, log } = options;
  const meta = target.meta;
  log(`ui: starting heron serve on the store (${target.location})`);
  const server = await target.spawn();
  let browser: Browser | undefined;
  try {
    await target.ready(log);
    // Fixed: two hours before the store's "now", so re-runs send identical spans.
    const largeTraceSpans = await sendLargeTrace(server, meta.referenceNowMs - 2 * 3_600_000);
    log(`  sent the ${largeTraceSpans}-span trace ${LARGE_TRACE_ID} (${LARGE_TRACE_PROJECT})`);

    const projects = await getJson<{ data: { id: string; name: string }[] }>(
      server.baseUrl,
      '/v1/projects?limit=1000',
    );
    const project = projects.data.find((p) => p.name === MAIN_PROJECT);
    if (!project) throw new Error(`project ${MAIN_PROJECT} not in the store`);
    const large = projects.data.find((p) => p.name === LARGE_TRACE_PROJECT)!;
    // The store's last 7 days (its data is dated relative to when it was generated).
    const range = new URLSearchParams({
      start: new Date(meta.referenceNowMs - 7 * 86_400_000).toISOString(),
      end: new Date(meta.referenceNowMs).toISOString(),
    });
    const projectUrl = `${server.baseUrl}/projects/${encodeURIComponent(project.id)}?${range}`;
    const traceUrl = `${server.baseUrl}/projects/${encodeURIComponent(large.id)}/traces/${LARGE_TRACE_ID}`;

    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    const chromiumVersion = browser.version();
    log(`  chromium ${chromiumVersion}; ${runs} cold loads of each page`);

    // One unmeasured load of each page warms the server's caches and the OS page cache.
    for (const [url, mark] of [
      [projectUrl, MARKS.tracesRendered],
      [traceUrl, MARKS.treeRendered],
    ] as const) {
      await (await coldLoad(browser, url, mark)).close();
    }

    const projectPage: UiPageLoad[] = [];
    let scroll: UiScroll | undefined;
    let tracesInTable = 0;
    for (let run = 0; run < runs; run++) {
      const loaded = await coldLoad(browser, projectUrl, MARKS.tracesRendered);
      projectPage.push(pageLoad(loaded.timings));
      log(
        `  project page: rows at ${loaded.timings.mark.toFixed(0)} ms, LCP ${loaded.timings.lcp?.toFixed(0) ?? '—'} ms`,
      );
      if (run === runs - 1) {
        tracesInTable = await loaded.page.locator('[data-testid="traces-table"] tr.row').count();
        scroll = await measureScroll(loaded.page, scrollSeconds);
        log(
          `  scroll: ${scroll.frames} frames, p95 ${scroll.p95FrameMs.toFixed(1)} ms, longest ${scroll.maxFrameMs.toFixed(1)} ms, ${scroll.rowsScrolled} rows scrolled`,
        );
      }
      await loaded.close();
    }

    const traceOpen: UiResults['traceOpen'] = [];
    for (let run = 0; run < runs; run++) {
      const loaded = await coldLoad(browser, traceUrl, MARKS.treeRendered);
      const treeRows = await loaded.page.locator('[role="treeitem"]').count();
      if (treeRows === 0) throw new Error('the span tree shows no rows');
      traceOpen.push({ renderedMs: loaded.timings.mark, lcpMs: loaded.timings.lcp, treeRows });
      log(`  5,000-span trace: tree at ${loaded.timings.mark.toFixed(0)} ms`);
      await loaded.close();
    }

    return {
      chromium: chromiumVersion,
      storeSpans: meta.spans,
      storeTraces: meta.traces,
      tracesInTable,
      projectPage,
      scroll: scroll!,
      traceOpen,
      largeTraceSpans,
      runs,
      scrollSeconds,
    };
  } finally {
    await browser?.close();
    const code = await server.stop();
    if (code !== 0) log(`  server exited with code ${code}`);
  }
}
