/**
 * The web UI's project pages in a real browser (Debian chromium + playwright-core) against a
 * real `heron serve` fed by the stock OpenTelemetry exporter: projects page, project page with
 * its figures, filter (with validation as you type), search, sort, column chooser, expandable
 * rows, spans and sessions tabs, a session's conversation, metrics charts, live mode and the
 * theme toggle. Any uncaught page error fails the test. Screenshots go to docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { browserTestSkip, launchBrowser, openPage, saveScreenshot } from './support/browser.js';
import {
  EVAL_PROJECT,
  SUPPORT_PROJECT,
  sendDemoData,
  sendLiveTurn,
  type DemoData,
} from './support/ui-demo-traces.js';

const skip = browserTestSkip();
// Generous: CI machines are shared; a passing run takes a few seconds per test.
const WAIT = { timeout: 30_000 };

let heron: HeronProcess;
let browser: Browser;
let demo: DemoData;
let supportId: string;

before(async () => {
  if (skip) return;
  heron = await spawnHeron();
  demo = await sendDemoData(heron.baseUrl);
  const projects = (await (await fetch(`${heron.baseUrl}/v1/projects`)).json()) as {
    data: { id: string; name: string }[];
  };
  supportId = projects.data.find((p) => p.name === SUPPORT_PROJECT)!.id;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await heron?.stop();
});

/** Runs `body` on a fresh page and fails on any uncaught error in the page. */
async function withPage(
  body: (page: Page) => Promise<void>,
  colorScheme: 'light' | 'dark' = 'light',
) {
  const { page, pageErrors } = await openPage(browser, colorScheme);
  try {
    await body(page);
  } catch (error) {
    // A page error is usually the reason a wait timed out: say it.
    if (pageErrors.length > 0 && error instanceof Error) {
      error.message += `\npage errors: ${pageErrors.map((e) => e.stack ?? e.message).join('\n')}`;
    }
    throw error;
  } finally {
    await page.context().close();
  }
  assert.deepEqual(
    pageErrors.map((e) => e.message),
    [],
    'uncaught errors in the page',
  );
}

const footer = (page: Page, testId: string) =>
  page.locator(`[data-testid="${testId}"] .table-footer`);
const rows = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"] tr.row`);

test('the projects page shows a card per project with its figures', { skip }, () =>
  withPage(async (page) => {
    // `/` is the app, which sends the reader on to the projects page.
    await page.goto(`${heron.baseUrl}/`);
    await page.waitForFunction("location.pathname === '/projects'");
    const support = page.locator(`[data-testid="project-card"][data-project="${SUPPORT_PROJECT}"]`);
    const evaluation = page.locator(`[data-testid="project-card"][data-project="${EVAL_PROJECT}"]`);
    await support.waitFor(WAIT);
    await evaluation.waitFor(WAIT);
    // Traces, sessions, errors of the support bot, as sent.
    const stats = support.locator('.card-stats .figure-value');
    await page.waitForFunction(
      `document.querySelector('[data-project="${SUPPORT_PROJECT}"] .figure-value')?.textContent !== '—'`,
    );
    assert.equal(await stats.nth(0).textContent(), String(demo.support.length));
    assert.equal(await stats.nth(1).textContent(), '8');
    assert.equal(
      await stats.nth(5).textContent(),
      String(demo.support.filter((t) => t.failed).length),
    );
    assert.match((await support.textContent()) ?? '', /Last activity .*ago/);
    await saveScreenshot(page, 'projects');

    // Create a project, describe it, delete it (with its name typed to confirm).
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Name').fill('scratch');
    await page.getByRole('button', { name: 'Create' }).click();
    const scratch = page.locator('[data-testid="project-card"][data-project="scratch"]');
    await scratch.waitFor(WAIT);
    await scratch.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Description').fill('throwaway');
    await page.getByRole('button', { name: 'Save' }).click();
    await scratch.getByText('throwaway').waitFor(WAIT);
    await scratch.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('button', { name: 'Delete project' });
    assert.equal(await confirm.isDisabled(), true, 'delete waits for the typed name');
    await page.getByLabel('Project name').fill('scratch');
    await confirm.click();
    await scratch.waitFor({ state: 'detached', ...WAIT });
  }),
);

test(
  'the project page: figures, traces, filter with validation, search, sort, columns, expand',
  { skip },
  () =>
    withPage(async (page) => {
      await page.goto(`${heron.baseUrl}/projects`);
      await page.getByRole('link', { name: SUPPORT_PROJECT }).click();
      await page.waitForURL(new RegExp(`/projects/${supportId}$`));
      await page
        .locator('[data-testid="figure-traces"] .figure-value')
        .getByText(String(demo.support.length))
        .waitFor(WAIT);
      await footer(page, 'traces-table')
        .getByText(`${demo.support.length} rows, all loaded`)
        .waitFor(WAIT);
      // Root span name, input and output previews and the annotation columns are in the rows.
      const newest = [...demo.support].sort((a, b) => b.startMs - a.startMs)[0]!;
      const first = rows(page, 'traces-table').first();
      assert.equal(await first.getAttribute('data-row-key'), newest.traceId);
      assert.match((await first.textContent()) ?? '', new RegExp(escape(newest.question)));
      assert.ok(await page.locator('th[data-column="annotation:correctness"]').isVisible());
      await saveScreenshot(page, 'project-traces');

      // A misspelt name is reported while typing; the corrected filter applies and goes in the URL.
      const filter = page.getByLabel('Filter', { exact: true });
      await filter.fill('eror_count > 0');
      await page.getByTestId('filter-error').waitFor(WAIT);
      assert.match((await page.getByTestId('filter-error').textContent()) ?? '', /error_count/);
      await filter.fill('error_count > 0');
      await page.getByTestId('filter-error').waitFor({ state: 'detached', ...WAIT });
      await filter.press('Escape');
      await page.getByRole('button', { name: 'Apply' }).click();
      const failed = demo.support.filter((t) => t.failed).length;
      await footer(page, 'traces-table').getByText(`${failed} rows, all loaded`).waitFor(WAIT);
      assert.match(page.url(), /filter=error_count/);
      // The URL alone reproduces the view.
      await page.reload();
      await footer(page, 'traces-table').getByText(`${failed} rows, all loaded`).waitFor(WAIT);
      await page.getByRole('button', { name: 'Clear' }).click();

      // Full-text search.
      const refunds = demo.support.filter((t) => /refund/i.test(t.question)).length;
      assert.ok(refunds > 0);
      await page.getByLabel('Search').fill('refund');
      await page.getByLabel('Search').press('Enter');
      await footer(page, 'traces-table').getByText(`${refunds} rows, all loaded`).waitFor(WAIT);
      for (const text of await rows(page, 'traces-table').allTextContents())
        assert.match(text, /refund/i);
      await page.getByRole('button', { name: 'Clear' }).click();
      await footer(page, 'traces-table')
        .getByText(`${demo.support.length} rows, all loaded`)
        .waitFor(WAIT);

      // Sort by latency: the slowest trace comes first, then the order flips.
      const slowest = [...demo.support].sort((a, b) => b.latencyMs - a.latencyMs);
      await page.locator('th[data-column="latency_ms"]').click();
      await page.waitForURL(/sort=latency_ms/);
      await page.locator(`tr.row[data-row-key="${slowest[0]!.traceId}"]`).waitFor(WAIT);
      assert.equal(
        await rows(page, 'traces-table').first().getAttribute('data-row-key'),
        slowest[0]!.traceId,
      );
      await page.locator('th[data-column="latency_ms"]').click();
      await page.waitForURL(/order=asc/);
      await page.waitForFunction(
        `document.querySelector('[data-testid="traces-table"] tr.row')?.getAttribute('data-row-key') === '${slowest[slowest.length - 1]!.traceId}'`,
      );

      // Add a column; the choice is remembered for this project.
      assert.equal(await page.locator('th[data-column="trace_id"]').count(), 0);
      await page.getByRole('button', { name: 'Columns' }).click();
      await page.getByRole('menu', { name: 'Columns' }).getByLabel('Trace ID').check();
      await page.locator('th[data-column="trace_id"]').waitFor(WAIT);
      await page.reload();
      await page.locator('th[data-column="trace_id"]').waitFor(WAIT);

      // Expand a row: its spans appear under it.
      await rows(page, 'traces-table').first().getByRole('button', { name: 'Expand' }).click();
      const outline = page.getByTestId('trace-span-outline');
      await outline.getByText('ChatCompletion').waitFor(WAIT);
      await outline.getByText('search-kb').waitFor(WAIT);
    }),
);

test('saved views keep a filter and bring it back', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/projects/${supportId}?filter=error_count%20%3E%200`);
    const failed = demo.support.filter((t) => t.failed).length;
    await footer(page, 'traces-table').getByText(`${failed} rows, all loaded`).waitFor(WAIT);
    await page.getByRole('button', { name: /^Views/ }).click();
    await page.getByLabel('View name').fill('Failures');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page
      .getByRole('menu', { name: 'Saved views' })
      .getByRole('button', { name: 'Failures', exact: true })
      .waitFor(WAIT);
    await page.keyboard.press('Escape');
    await page.goto(`${heron.baseUrl}/projects/${supportId}`);
    await footer(page, 'traces-table')
      .getByText(`${demo.support.length} rows, all loaded`)
      .waitFor(WAIT);
    await page.getByRole('button', { name: /^Views/ }).click();
    await page
      .getByRole('menu', { name: 'Saved views' })
      .getByRole('button', { name: 'Failures', exact: true })
      .click();
    await footer(page, 'traces-table').getByText(`${failed} rows, all loaded`).waitFor(WAIT);
    assert.match(page.url(), /filter=error_count/);
  }),
);

test('spans, sessions and metrics tabs, and a session as a conversation', { skip }, () =>
  withPage(async (page) => {
    const spanCount = demo.support.length * 3 + demo.support.filter((t) => t.failed).length;
    await page.goto(`${heron.baseUrl}/projects/${supportId}`);
    await page.getByRole('link', { name: 'Spans', exact: true }).click();
    await footer(page, 'spans-table').getByText(`${spanCount} rows, all loaded`).waitFor(WAIT);
    await saveScreenshot(page, 'project-spans');
    // The box reflects the URL, which the router updates in a transition just after the click:
    // click, then wait for the result (check() would look at the box too early).
    await page.getByLabel('Root spans only').click();
    await footer(page, 'spans-table')
      .getByText(`${demo.support.length} rows, all loaded`)
      .waitFor(WAIT);
    assert.match(page.url(), /roots=1/);
    assert.equal(await page.getByLabel('Root spans only').isChecked(), true);

    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await footer(page, 'sessions-table').getByText('8 rows, all loaded').waitFor(WAIT);
    await saveScreenshot(page, 'project-sessions');

    // Open a session: each of its traces is a turn, in order.
    const sessionId = 'chat-1005';
    const turns = demo.support
      .filter((t) => t.sessionId === sessionId)
      .sort((a, b) => a.startMs - b.startMs);
    await page.getByRole('link', { name: sessionId }).click();
    await page.waitForURL(new RegExp(`/sessions/${sessionId}$`));
    await page.getByTestId('session-turn-count').getByText(String(turns.length)).waitFor(WAIT);
    const bubbles = await page
      .locator('[data-testid="session-turn"] .bubble.user')
      .allTextContents();
    assert.deepEqual(
      bubbles,
      turns.map((t) => t.question),
    );
    await saveScreenshot(page, 'session');
    await page.getByRole('link', { name: 'Open trace →' }).first().click();
    await page.waitForURL(new RegExp(`/traces/${turns[0]!.traceId}`));

    await page.goto(`${heron.baseUrl}/projects/${supportId}/metrics?range=1d`);
    for (const chart of [
      'traces',
      'latency',
      'tokens',
      'cost',
      'models-cost',
      'models-tokens',
      'span-kinds',
    ]) {
      await page
        .locator(`[data-testid="chart-${chart}"] svg.recharts-surface`)
        .first()
        .waitFor(WAIT);
    }
    await page.locator('[data-testid="chart-span-kinds"]').getByText('RETRIEVER').waitFor(WAIT);
    await saveScreenshot(page, 'project-metrics');
  }),
);

test('live mode shows a newly sent trace without reload', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/projects/${supportId}`);
    await rows(page, 'traces-table').first().waitFor(WAIT);
    // Like "Root spans only", the box follows the URL: click, then wait for live to be on.
    await page.getByLabel('Live').click();
    await page.locator('[data-testid="live-status"][data-status="on"]').waitFor(WAIT);
    const question = `Is live mode live? ${Date.now()}`;
    const sent = await sendLiveTurn(heron.baseUrl, question);
    await page.locator(`tr.row[data-row-key="${sent.traceId}"]`).getByText(question).waitFor(WAIT);
    assert.equal(
      await rows(page, 'traces-table').first().getAttribute('data-row-key'),
      sent.traceId,
    );
  }),
);

test('the theme follows the system and the toggle switches it', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/projects/${supportId}`);
    await rows(page, 'traces-table').first().waitFor(WAIT);
    assert.equal(await theme(page), 'light');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    assert.equal(await theme(page), 'dark');
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    assert.equal(background, 'rgb(17, 19, 24)');
    await saveScreenshot(page, 'project-traces-dark');
    // The choice survives a reload.
    await page.reload();
    await rows(page, 'traces-table').first().waitFor(WAIT);
    assert.equal(await theme(page), 'dark');
  }),
);

test('a dark system gets the dark theme; client routes deep-link', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/projects/${supportId}/sessions?range=1d`);
    await page.getByRole('link', { name: 'chat-1007', exact: true }).waitFor(WAIT);
    assert.match(page.url(), /range=1d/);
    assert.equal(await theme(page), 'dark');
  }, 'dark'),
);

const theme = (page: Page) => page.evaluate('document.documentElement.dataset.theme');

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
