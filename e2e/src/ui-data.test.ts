/**
 * The web UI's data features in a real browser (Debian chromium + playwright-core) against a
 * real `heron serve` fed through the real OTLP exporter (`@heron/client`'s register):
 *
 * - the spans table's Download menu: the JSONL and CSV files the browser saves hold exactly the
 *   spans of the current filter;
 * - a RETRIEVER span's retrieval metrics (NDCG@k, precision@k, hit) from document evaluations
 *   logged with `DocumentEvaluations` + `logEvaluations`, with the hand-computed values, in the
 *   span detail;
 * - the project header's evaluation summary of a span evaluation: count, mean score and label
 *   fractions.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { DocumentEvaluations, HeronClient, SpanEvaluations, register } from '@heron/client';
import type { Browser, Page } from 'playwright-core';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { browserTestSkip, launchBrowser, openPage } from './support/browser.js';

const PROJECT = 'ui-data';
const LLM_FILTER = "span_kind == 'LLM'";
const skip = browserTestSkip();
// Generous: CI machines are shared; a passing run takes a few seconds per test.
const WAIT = { timeout: 30_000 };

let heron: HeronProcess;
let browser: Browser;
let projectId: string;
const llmSpanIds: string[] = [];
const otherSpanIds: string[] = [];
let retriever = { traceId: '', spanId: '' };

before(async () => {
  if (skip) return;
  heron = await spawnHeron();
  const provider = register({
    projectName: PROJECT,
    endpoint: heron.baseUrl,
    global: false,
    autoInstrument: false,
  });
  const tracer = provider.getTracer('ui-data-test');
  const start = Date.now() - 60_000;
  // 5 LLM spans (the filter's), 3 CHAIN spans and a retrieval with 4 documents (not the filter's).
  for (let i = 0; i < 8; i++) {
    const kind = i < 5 ? 'LLM' : 'CHAIN';
    const span = tracer.startSpan(`${kind.toLowerCase()}-${i}`, {
      root: true,
      startTime: new Date(start + i * 1000),
      attributes: { 'openinference.span.kind': kind, 'input.value': `question ${i}` },
    });
    span.end(new Date(start + i * 1000 + 200));
    (kind === 'LLM' ? llmSpanIds : otherSpanIds).push(span.spanContext().spanId);
  }
  const retrieval = tracer.startSpan('retrieve-docs', {
    root: true,
    startTime: new Date(start + 10_000),
    attributes: { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'what is heron?' },
  });
  for (let d = 0; d < 4; d++) {
    retrieval.setAttribute(`retrieval.documents.${d}.document.content`, `document ${d}`);
  }
  retrieval.end(new Date(start + 10_300));
  retriever = retrieval.spanContext();
  otherSpanIds.push(retriever.spanId);
  await provider.forceFlush();
  await provider.shutdown();

  const client = new HeronClient({ baseUrl: heron.baseUrl });
  // Relevances by position: [0 (label), 1 (score), 1 (label), 0 (no annotation)].
  // A span evaluation: 3 of 5 correct (score 1), 2 incorrect (score 0).
  await client.logEvaluations(
    new DocumentEvaluations('relevance', [
      { spanId: retriever.spanId, documentPosition: 0, label: 'irrelevant' },
      { spanId: retriever.spanId, documentPosition: 1, score: 1 },
      { spanId: retriever.spanId, documentPosition: 2, label: 'relevant' },
    ]),
    new SpanEvaluations(
      'correctness',
      llmSpanIds.map((spanId, i) => ({
        spanId,
        label: i < 3 ? 'correct' : 'incorrect',
        score: i < 3 ? 1 : 0,
      })),
    ),
  );
  const projects = (await (await fetch(`${heron.baseUrl}/v1/projects`)).json()) as {
    data: { id: string; name: string }[];
  };
  projectId = projects.data.find((p) => p.name === PROJECT)!.id;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await heron?.stop();
});

/** Runs `body` on a fresh page and fails on any uncaught error in the page. */
async function withPage(body: (page: Page) => Promise<void>) {
  const { page, pageErrors } = await openPage(browser);
  try {
    await body(page);
  } finally {
    await page.context().close();
  }
  assert.deepEqual(
    pageErrors.map((e) => e.message),
    [],
    'uncaught errors in the page',
  );
}

/** Opens the Download menu, picks `item`, and returns the saved file's name and text. */
async function download(page: Page, item: RegExp): Promise<{ name: string; text: string }> {
  await page.getByRole('button', { name: 'Download' }).click();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: item }).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

test('the spans table downloads exactly the filtered spans as JSONL and CSV', { skip }, () =>
  withPage(async (page) => {
    await page.goto(
      `${heron.baseUrl}/projects/${encodeURIComponent(projectId)}/spans?filter=${encodeURIComponent(LLM_FILTER)}`,
    );
    await page
      .locator('[data-testid="spans-table"] .table-footer')
      .getByText('5 rows, all loaded')
      .waitFor(WAIT);

    const jsonl = await download(page, /JSONL/);
    assert.equal(jsonl.name, `${PROJECT}-spans.jsonl`);
    const spans = jsonl.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { context: { span_id: string }; span_kind: string });
    assert.deepEqual(spans.map((s) => s.context.span_id).sort(), [...llmSpanIds].sort());
    assert.ok(spans.every((s) => s.span_kind === 'LLM'));

    const csv = await download(page, /CSV/);
    assert.equal(csv.name, `${PROJECT}-spans.csv`);
    const [header, ...rows] = csv.text.trimEnd().split('\r\n');
    const columns = header!.split(',');
    const spanIdColumn = columns.indexOf('span_id');
    const kindColumn = columns.indexOf('span_kind');
    assert.ok(spanIdColumn >= 0 && kindColumn >= 0, header);
    // span_id and span_kind come before any quoted column: a plain split reads them.
    assert.deepEqual(rows.map((r) => r.split(',')[spanIdColumn]).sort(), [...llmSpanIds].sort());
    assert.ok(rows.every((r) => r.split(',')[kindColumn] === 'LLM'));
    for (const other of otherSpanIds) assert.ok(!csv.text.includes(other), `${other} is left out`);

    // Without the filter the same menu downloads every span.
    await page.goto(`${heron.baseUrl}/projects/${encodeURIComponent(projectId)}/spans`);
    await page
      .locator('[data-testid="spans-table"] .table-footer')
      .getByText('9 rows, all loaded')
      .waitFor(WAIT);
    const all = await download(page, /JSONL/);
    assert.equal(all.text.trimEnd().split('\n').length, 9);
  }),
);

/** As the UI shows a metric: at most 3 decimals, no trailing zeros. */
const shown = (value: number) => Number(value.toFixed(3)).toString();

test('a retrieval span shows its NDCG@k, precision@k and hit rate', { skip }, () =>
  withPage(async (page) => {
    await page.goto(
      `${heron.baseUrl}/projects/${encodeURIComponent(projectId)}/traces/${retriever.traceId}?span=${retriever.spanId}`,
    );
    const table = page.locator(
      '.heron-span-detail [data-section="retrieval-metrics"] [data-testid="retrieval-metrics"]',
    );
    await table.waitFor(WAIT);
    const headers = await table.locator('thead th').allInnerTexts();
    assert.deepEqual(headers, [
      'evaluation',
      'NDCG@1',
      'NDCG@3',
      'NDCG@5',
      'NDCG@10',
      'P@1',
      'P@3',
      'P@5',
      'P@10',
      'hit',
    ]);
    const cells = await table.locator('tbody tr').first().locator('td').allInnerTexts();
    // Relevances [0, 1, 1, 0]: DCG@3 = 1/log2(3) + 1/log2(4), the ideal [1, 1, 0, 0] gives
    // IDCG@3 = 1 + 1/log2(3); beyond 3 nothing changes.
    const ndcg3 = (1 / Math.log2(3) + 1 / 2) / (1 + 1 / Math.log2(3));
    assert.deepEqual(cells, [
      'relevance',
      '0',
      shown(ndcg3),
      shown(ndcg3),
      shown(ndcg3),
      '0',
      shown(2 / 3),
      '0.4',
      '0.2',
      '1',
    ]);
    assert.equal(shown(ndcg3), '0.693');
  }),
);

test('the project header shows the span evaluation summary', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/projects/${encodeURIComponent(projectId)}`);
    const correctness = page.locator('[data-testid="evaluation-summary"]', {
      hasText: 'correctness',
    });
    await correctness.waitFor(WAIT);
    // textContent: the labels are upper-cased by CSS only.
    assert.match(
      (await correctness.locator('.figure-label').textContent()) ?? '',
      /correctness\s+\(spans\)/,
    );
    // Mean score 3/5, over 5 annotations; labels by share, most frequent first.
    assert.equal(await correctness.locator('.figure-value').textContent(), '0.6');
    assert.equal(
      ((await correctness.locator('.figure-detail').textContent()) ?? '').trim(),
      'mean score · 5 correct 60% · incorrect 40%',
    );
    // The retrieval averaged over the project's one evaluated retrieval.
    const retrieval = page.getByTestId('project-retrieval-metrics');
    assert.match(
      (await retrieval.locator('.figure-label').textContent()) ?? '',
      /Retrieval \(1 spans\)/,
    );
    const cells = await retrieval.locator('tbody tr').first().locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 3), ['relevance', '0', '0.693']);
  }),
);
