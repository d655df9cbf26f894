/**
 * The web UI's Settings › Models page, sorting by annotation and spans columns, and clearing a
 * project's data, in a real browser (Debian chromium + playwright-core) against a real
 * `heron serve`: an LLM span of a model without a price shows "no price" (not $0), the page lists
 * that model, one click starts a price for it, the API's validation message shows inline, the
 * saved price is listed, a recompute runs to done and the span then has a cost.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { browserTestSkip, launchBrowser, openPage, saveScreenshot } from './support/browser.js';

const skip = browserTestSkip();
const WAIT = { timeout: 30_000 };
const PROJECT = 'settings-e2e';
const MODEL = 'acme-llm-1';

let heron: HeronProcess;
let browser: Browser;

/** One-span LLM traces: `[model, total tokens, latency ms]`, a second apart, newest last. */
async function sendLlmSpans(spans: [string, number, number][]) {
  const now = Date.now() - 60_000;
  const otlpSpans = spans.map(([model, tokens, latency], i) => {
    const start = BigInt(now + i * 1000) * 1_000_000n;
    return {
      traceId: (0x700 + i).toString(16).padStart(32, '0'),
      spanId: (0x700 + i).toString(16).padStart(16, '0'),
      name: `llm-${i}`,
      kind: 1,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + BigInt(latency) * 1_000_000n),
      attributes: [
        { key: 'openinference.span.kind', value: { stringValue: 'LLM' } },
        { key: 'llm.model_name', value: { stringValue: model } },
        { key: 'input.value', value: { stringValue: `question ${i}` } },
        { key: 'llm.token_count.prompt', value: { intValue: String(tokens - 10) } },
        { key: 'llm.token_count.completion', value: { intValue: '10' } },
        { key: 'llm.token_count.total', value: { intValue: String(tokens) } },
      ],
    };
  });
  const response = await fetch(`${heron.baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'openinference.project.name', value: { stringValue: PROJECT } }],
          },
          scopeSpans: [{ scope: { name: 'e2e' }, spans: otlpSpans }],
        },
      ],
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

before(async () => {
  if (skip) return;
  heron = await spawnHeron();
  await sendLlmSpans([
    [MODEL, 1000, 300],
    [MODEL, 5000, 100],
    ['gpt-4o-mini', 100, 900],
  ]);
  const annotate = await fetch(`${heron.baseUrl}/v1/trace_annotations?sync=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      data: [0.4, 0.9, 0.1].map((score, i) => ({
        trace_id: (0x700 + i).toString(16).padStart(32, '0'),
        name: 'quality',
        annotator_kind: 'LLM',
        result: { score },
      })),
    }),
  });
  assert.equal(annotate.status, 200, await annotate.text());
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await heron?.stop();
});

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

const cellTexts = (page: Page, testId: string, column: string) =>
  page.locator(`[data-testid="${testId}"] tr.row td:nth-child(${column})`).allTextContents();

test(
  'an unknown model shows "no price", gets a price on the Models page, and a recompute',
  { skip },
  () =>
    withPage(async (page) => {
      await page.goto(`${heron.baseUrl}/projects/${PROJECT}/spans`);
      await page.locator('[data-testid="spans-table"] tr.row').first().waitFor(WAIT);
      const header = page.locator('[data-testid="spans-table"] th[data-column="cost"]');
      const costIndex = String(
        (await page
          .locator('[data-testid="spans-table"] th')
          .evaluateAll((ths) => ths.findIndex((th) => th.getAttribute('data-column') === 'cost'))) +
          1,
      );
      assert.equal(await header.count(), 1);
      const costs = await cellTexts(page, 'spans-table', costIndex);
      assert.deepEqual(costs.filter((c) => c === 'no price').length, 2, `costs: ${costs}`);

      // Settings › Models, from the top bar.
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.waitForFunction("location.pathname === '/settings/models'");
      const unknown = page.locator(`[data-testid="unknown-model"][data-model="${MODEL}"]`);
      await unknown.waitFor(WAIT);
      assert.match((await unknown.textContent()) ?? '', /2/);
      await page.getByLabel('Search prices').fill('gpt-4o-mini');
      await page.locator('[data-testid="price-row"][data-source="built_in"]').first().waitFor(WAIT);
      await saveScreenshot(page, 'settings-models');

      await unknown.getByRole('button', { name: 'Add a price' }).click();
      assert.equal(await page.getByLabel('Pattern', { exact: false }).inputValue(), 'acme-llm-1');
      await page.getByLabel('Rate input').fill('1');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('alert').waitFor(WAIT);
      assert.match((await page.getByRole('alert').textContent()) ?? '', /output is required/);
      await page.getByLabel('Rate output').fill('2');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByLabel('Search prices').fill(MODEL);
      await page.locator(`[data-testid="price-row"][data-price="${MODEL}"]`).waitFor(WAIT);

      // Re-price what is stored: the job runs to done and the model is priced.
      await page.getByLabel('Range').selectOption('all');
      await page.getByLabel('Project').selectOption(PROJECT);
      await page.getByRole('button', { name: 'Recompute' }).click();
      await page.waitForFunction(
        `document.querySelector('[data-testid="recompute-status"]')?.textContent?.includes('done')`,
        undefined,
        WAIT,
      );
      assert.match(
        (await page.getByTestId('recompute-status').textContent()) ?? '',
        /2 of 2 spans · done|of \d+ spans · done/,
      );
      const spans = (await (
        await fetch(`${heron.baseUrl}/v1/projects/${PROJECT}/spans?limit=10`)
      ).json()) as { data: { cost: number | null; attributes: Record<string, unknown> }[] };
      const acme = spans.data.filter((s) => s.attributes['llm.model_name'] === MODEL);
      // 1000 tokens: 990 prompt at $1/M + 10 completion at $2/M.
      assert.deepEqual(
        acme.map((s) => s.cost).sort(),
        [(990 * 1 + 10 * 2) / 1e6, (4990 * 1 + 10 * 2) / 1e6].sort(),
      );

      // Delete the price again.
      page.once('dialog', (dialog) => void dialog.accept());
      await page
        .locator(`[data-testid="price-row"][data-price="${MODEL}"]`)
        .getByRole('button', { name: 'Delete' })
        .click();
      await page
        .locator(`[data-testid="price-row"][data-price="${MODEL}"]`)
        .waitFor({ state: 'detached', ...WAIT });
    }),
);

test('spans sort by latency and traces by an annotation, on the server', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/projects/${PROJECT}/spans`);
    const table = page.locator('[data-testid="spans-table"]');
    await table.locator('tr.row').first().waitFor(WAIT);
    await table.locator('th[data-column="latency_ms"]').click();
    await page.waitForFunction("location.search.includes('sort=latency_ms')");
    await page.waitForFunction(
      `document.querySelector('[data-testid="spans-table"] tr.row')?.textContent?.includes('llm-2')`,
    );
    await table.locator('th[data-column="latency_ms"]').click();
    await page.waitForFunction("location.search.includes('order=asc')");
    await page.waitForFunction(
      `document.querySelector('[data-testid="spans-table"] tr.row')?.textContent?.includes('llm-1')`,
    );

    await page.goto(`${heron.baseUrl}/projects/${PROJECT}`);
    const traces = page.locator('[data-testid="traces-table"]');
    await traces.locator('tr.row').first().waitFor(WAIT);
    await traces.locator('th[data-column="annotation:quality"]').click();
    await page.waitForFunction("location.search.includes('sort=annotation')");
    await page.waitForFunction(
      `document.querySelector('[data-testid="traces-table"] tr.row')?.textContent?.includes('llm-1')`,
    );
    const order = await traces.locator('tr.row .trace-name').allTextContents();
    assert.deepEqual(order, ['llm-1', 'llm-0', 'llm-2'], 'best score first');
  }),
);

test('clearing a project’s data asks for its name and keeps the project', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/projects`);
    const card = page.locator(`[data-testid="project-card"][data-project="${PROJECT}"]`);
    await card.waitFor(WAIT);
    await card.getByRole('button', { name: 'Clear data' }).click();
    const confirm = page.getByRole('dialog').getByRole('button', { name: 'Clear data' });
    assert.equal(await confirm.isDisabled(), true, 'clearing waits for the typed name');
    await page.getByLabel('Project name').fill(PROJECT);
    await confirm.click();
    await page.getByTestId('clear-result').waitFor(WAIT);
    assert.match((await page.getByTestId('clear-result').textContent()) ?? '', /Deleted 3 traces/);
    await page.getByRole('button', { name: 'Close' }).click();
    await card.waitFor(WAIT);
    const spans = (await (await fetch(`${heron.baseUrl}/v1/projects/${PROJECT}/spans`)).json()) as {
      data: unknown[];
    };
    assert.deepEqual(spans.data, []);
  }),
);
