/**
 * The trace page in a real browser (Debian chromium + playwright-core) against a real
 * `heron serve` that hosts the built UI, fed by the stock OTLP protobuf exporter: the
 * OpenInference trace (CHAIN → RETRIEVER, LLM with a tool call, TOOL, a failing span), an LLM
 * conversation with an image and a tool result, and a 5,000-span trace.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { context, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Browser, Page } from 'playwright-core';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { browserTestSkip, launchBrowser, openPage, saveScreenshot } from './support/browser.js';
import { emitOpenInferenceTrace, RecordingExporter } from './support/openinference-trace.js';

const PROJECT = 'ui-trace';
const BIG_TRACE_SPANS = 5000;
/** A 1×1 PNG, as a data URL (images may come inline). */
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const skip = browserTestSkip();

let heron: HeronProcess;
let browser: Browser;
let projectId: string;
const ids = {
  traceId: '',
  spans: new Map<string, string>(),
  chatTraceId: '',
  chatLlmId: '',
  bigTraceId: '',
  bigLastSpanName: '',
};

/** An LLM call whose input holds an image and a tool result, answered with a tool call. */
function emitChatTrace(tracer: Tracer): { traceId: string; llmId: string } {
  const span = tracer.startSpan('vision-chat', {
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.contents.0.message_content.type': 'text',
      'llm.input_messages.0.message.contents.0.message_content.text': 'What is in **this** image?',
      'llm.input_messages.0.message.contents.1.message_content.type': 'image',
      'llm.input_messages.0.message.contents.1.message_content.image.image.url': PIXEL,
      'llm.input_messages.1.message.role': 'tool',
      'llm.input_messages.1.message.tool_call_id': 'call_weather',
      'llm.input_messages.1.message.content': 'Sunny, 21 °C',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_zoom',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'zoom_image',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments':
        '{"factor": 4, "region": "center"}',
      'llm.tools.0.tool.json_schema': JSON.stringify({
        type: 'function',
        function: { name: 'zoom_image', description: 'Zooms into an image' },
      }),
    },
  });
  span.end();
  return { traceId: span.spanContext().traceId, llmId: span.spanContext().spanId };
}

/**
 * A 5,000-span trace: a CHAIN root, 50 AGENT steps, each with 99 (the last 98) children cycling
 * through LLM, TOOL and RETRIEVER, laid out one after another over 50 seconds.
 */
function emitBigTrace(tracer: Tracer): { traceId: string; lastName: string } {
  const base = Date.now() - 120_000;
  const at = (ms: number) => new Date(base + ms);
  const kinds = ['LLM', 'TOOL', 'RETRIEVER'];
  const root = tracer.startSpan('big-root', {
    startTime: at(0),
    attributes: { 'openinference.span.kind': 'CHAIN' },
  });
  const inRoot = trace.setSpan(context.active(), root);
  let lastName = '';
  for (let step = 0; step < 50; step++) {
    const stepStart = step * 1000;
    const agent = tracer.startSpan(
      `step-${step}`,
      { startTime: at(stepStart), attributes: { 'openinference.span.kind': 'AGENT' } },
      inRoot,
    );
    const inAgent = trace.setSpan(context.active(), agent);
    // 1 root + 50 steps + 49 × 99 + 98 calls = 5,000 spans.
    const calls = step === 49 ? 98 : 99;
    for (let i = 0; i < calls; i++) {
      lastName = `call-${step}-${i}`;
      const child = tracer.startSpan(
        lastName,
        {
          startTime: at(stepStart + i * 10),
          attributes: { 'openinference.span.kind': kinds[i % 3]! },
        },
        inAgent,
      );
      child.end(at(stepStart + i * 10 + 8));
    }
    agent.end(at(stepStart + 995));
  }
  root.end(at(50_000));
  return { traceId: root.spanContext().traceId, lastName };
}

before(async () => {
  if (skip) return;
  heron = await spawnHeron();
  const recording = new RecordingExporter(
    new OTLPTraceExporter({ url: `${heron.baseUrl}/v1/traces` }),
  );
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'openinference.project.name': PROJECT,
      'service.name': 'ui-e2e',
    }),
    spanProcessors: [
      new BatchSpanProcessor(recording, { maxExportBatchSize: 1000, maxQueueSize: 10_000 }),
      new SimpleSpanProcessor(memory),
    ],
  });
  const tracer = provider.getTracer('ui-trace-test');
  const emitted = emitOpenInferenceTrace(tracer, 'ui');
  ids.traceId = emitted.traceId;
  const chat = emitChatTrace(tracer);
  ids.chatTraceId = chat.traceId;
  ids.chatLlmId = chat.llmId;
  const big = emitBigTrace(tracer);
  ids.bigTraceId = big.traceId;
  ids.bigLastSpanName = big.lastName;
  await provider.forceFlush();
  recording.assertAllSucceeded();
  for (const span of memory.getFinishedSpans()) {
    if (span.spanContext().traceId === ids.traceId)
      ids.spans.set(span.name, span.spanContext().spanId);
  }
  await provider.shutdown();

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

function traceUrl(traceId: string, query = ''): string {
  return `${heron.baseUrl}/projects/${encodeURIComponent(projectId)}/traces/${traceId}${query}`;
}

function treeRow(page: Page, name: string) {
  return page.locator('.heron-span-tree [role=treeitem]', {
    has: page.locator('.heron-tree-name', { hasText: new RegExp(`^${name}$`) }),
  });
}

async function selectedSpanParam(page: Page): Promise<string | null> {
  return new URL(page.url()).searchParams.get('span');
}

/** Opens a page and fails the test if the app threw. */
async function withPage(run: (page: Page) => Promise<void>): Promise<void> {
  const { page, pageErrors } = await openPage(browser);
  try {
    await run(page);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } finally {
    await page.context().close();
  }
}

test('the trace page shows the totals, the time breakdown and the span tree', { skip }, () =>
  withPage(async (page) => {
    await page.goto(traceUrl(ids.traceId));
    await treeRow(page, 'rag-pipeline').waitFor();
    assert.equal(await page.locator('.heron-span-tree [role=treeitem]').count(), 5);
    const header = page.locator('.heron-trace-header');
    assert.match(await header.innerText(), /150\s*\(120 prompt \/ 30 completion\)/);
    // gpt-4o-mini is in the price table: 120 × $0.15/M + 30 × $0.60/M.
    assert.match(await header.innerText(), /COST\s+\$0\.000036/);
    assert.match(await header.innerText(), /ERROR/);
    assert.match(await header.innerText(), /session-ui/);
    const breakdown = await page.getByTestId('time-breakdown').innerText();
    for (const label of ['LLM', 'Retrieval', 'Tool', 'Other']) {
      assert.match(breakdown, new RegExp(`${label} \\d`), `breakdown names ${label}`);
    }
    // The failing span is marked in the tree.
    assert.equal(await treeRow(page, 'format-answer').locator('.heron-badge-error').count(), 1);
    // The root is selected by default and its input is rendered.
    assert.equal(await page.getByTestId('span-title').innerText(), 'rag-pipeline');
    await page.getByText('Heron is an OpenTelemetry-native tracing server.').waitFor();
    // Searching narrows the tree to the matches and their ancestors.
    await page.getByLabel('Search spans in this trace').fill('chatcomp');
    await page.getByTestId('tree-count').filter({ hasText: '2 of 5' }).waitFor();
    assert.equal(await page.locator('.heron-span-tree [role=treeitem]').count(), 2);
  }),
);

test(
  'the LLM span shows its messages as a chat, the tool call, parameters and tokens',
  { skip },
  () =>
    withPage(async (page) => {
      await page.goto(traceUrl(ids.traceId));
      await treeRow(page, 'ChatCompletion').click();
      await page.getByTestId('span-title').filter({ hasText: 'ChatCompletion' }).waitFor();
      assert.equal(await selectedSpanParam(page), ids.spans.get('ChatCompletion'));
      const panel = page.locator('.heron-span-detail');
      await panel.getByText('You answer questions about Heron.').waitFor();
      const text = await panel.innerText();
      assert.match(text, /SYSTEM/i);
      assert.match(text, /Let me search for that\./);
      const toolCall = panel.getByTestId('tool-call');
      assert.match(await toolCall.innerText(), /search_web/);
      assert.match(await toolCall.innerText(), /query:\s*"heron"/);
      assert.match(text, /temperature:\s*0\.2/, 'invocation parameters');
      assert.match(text, /Answer \{question\} using \{context\}/, 'prompt template');
      const tokens = await panel.getByTestId('token-counts').innerText();
      assert.match(tokens, /120/);
      assert.match(tokens, /30/);
      assert.match(tokens, /150/);
      assert.match(tokens, /Cost\s+\$0\.000036/i);
      await saveScreenshot(page, 'trace-llm-span');

      // The Attributes tab: the same span as a tree and a flat table.
      await page.getByRole('tab', { name: 'Attributes' }).click();
      const table = page.getByTestId('attribute-table');
      await table.waitFor();
      const modelRow = table.locator('tr', { hasText: 'llm.model_name' });
      assert.match(await modelRow.innerText(), /gpt-4o-mini/);
      assert.equal(await modelRow.getByRole('button', { name: 'Copy' }).count(), 1);
      assert.equal(new URL(page.url()).searchParams.get('tab'), 'attributes');
    }),
);

test('images, tool results and offered tools render in the chat', { skip }, () =>
  withPage(async (page) => {
    await page.goto(traceUrl(ids.chatTraceId));
    const panel = page.locator('.heron-span-detail');
    await panel.getByText('this', { exact: true }).waitFor();
    assert.equal(await panel.locator('strong', { hasText: 'this' }).count(), 1, 'Markdown');
    const image = panel.locator('.heron-message-image img');
    assert.equal(await image.getAttribute('src'), PIXEL);
    assert.ok(
      await image.evaluate(
        (img) => (img as unknown as { naturalWidth: number }).naturalWidth === 1,
      ),
    );
    assert.match(await panel.innerText(), /result of call_weather/);
    assert.match(await panel.innerText(), /Sunny, 21 °C/);
    assert.match(await panel.getByTestId('tool-call').innerText(), /zoom_image[\s\S]*factor:\s*4/);
    assert.match(await panel.innerText(), /Tools offered[\s\S]*zoom_image — Zooms into an image/);
    // No token counts, so no cost: "no price", never $0.
    assert.match(await panel.getByTestId('token-counts').innerText(), /Cost\s+no price/i);
    assert.match(await page.locator('.heron-trace-header').innerText(), /COST\s+no price/);
  }),
);

test(
  'the retriever span shows its documents with ids, scores, content and metadata',
  { skip },
  () =>
    withPage(async (page) => {
      await page.goto(traceUrl(ids.traceId, `?span=${ids.spans.get('retrieve-docs')}`));
      const documents = page.getByTestId('document');
      await documents.first().waitFor();
      assert.equal(await documents.count(), 2);
      const first = await documents.nth(0).innerText();
      assert.match(first, /doc-1/);
      assert.match(first, /score 0\.92\b/);
      assert.match(first, /Heron stores spans in SQLite\./);
      await documents.nth(1).locator('summary', { hasText: 'metadata' }).click();
      assert.match(await documents.nth(1).innerText(), /source:\s*"readme\.md"/);
      assert.match(await page.locator('.heron-span-detail').innerText(), /heron tracing server/);
      await saveScreenshot(page, 'trace-retriever-span');
    }),
);

test('an exception shows its type, message and stack trace on the Events tab', { skip }, () =>
  withPage(async (page) => {
    await page.goto(traceUrl(ids.traceId, `?span=${ids.spans.get('format-answer')}`));
    await page.getByRole('alert').filter({ hasText: 'answer could not be formatted' }).waitFor();
    await page.getByRole('tab', { name: /Events/ }).click();
    const exception = page.getByTestId('exception');
    await exception.waitFor();
    assert.match(await exception.locator('.heron-exception-type').innerText(), /^TypeError$/);
    assert.match(await exception.innerText(), /answer could not be formatted/);
    const frames = exception.locator('.heron-stack-frame');
    assert.ok((await frames.count()) >= 2, 'stack frames are separate lines');
    assert.match(await frames.first().innerText(), /^\s+at /);
    await saveScreenshot(page, 'trace-exception');
  }),
);

test('a human annotation and a note added in the form are listed and stored', { skip }, () =>
  withPage(async (page) => {
    const llmId = ids.spans.get('ChatCompletion')!;
    await page.goto(traceUrl(ids.traceId, `?span=${llmId}&tab=annotations`));
    await page.getByText('No annotations yet').waitFor();
    const form = page.getByRole('form', { name: 'Add an annotation' });
    // A missing label/score/explanation is refused before the request, with a message.
    await form.getByLabel('Name').fill('correctness');
    await form.getByRole('button', { name: 'Add annotation' }).click();
    await form.getByRole('alert').filter({ hasText: 'label, a score or an explanation' }).waitFor();
    await form.getByLabel('Label').fill('correct');
    await form.getByLabel('Score').fill('0.9');
    await form.getByLabel('Explanation').fill('Matches the docs');
    await form.getByRole('button', { name: 'Add annotation' }).click();
    const row = page.locator('tr[data-annotation-name=correctness]');
    await row.waitFor();
    assert.match(await row.innerText(), /correct\s+0\.9\s+Matches the docs\s+HUMAN/);

    await form.getByText('Note', { exact: true }).click();
    await form.locator('textarea[name=note]').fill('Looks good to me');
    await form.getByRole('button', { name: 'Add note' }).click();
    await page.locator('tr[data-annotation-name=note]').waitFor();

    const stored = (await (
      await fetch(
        `${heron.baseUrl}/v1/projects/${PROJECT}/span_annotations?span_ids=${llmId}&limit=100`,
      )
    ).json()) as { data: { name: string; annotator_kind: string; result: unknown }[] };
    const byName = new Map(stored.data.map((a) => [a.name, a]));
    assert.deepEqual(byName.get('correctness')?.result, {
      label: 'correct',
      score: 0.9,
      explanation: 'Matches the docs',
    });
    assert.equal(byName.get('correctness')?.annotator_kind, 'HUMAN');

    // And in the project's spans table, in the annotation's own column.
    await page.goto(
      `${heron.baseUrl}/projects/${encodeURIComponent(projectId)}/spans?filter=${encodeURIComponent(`span_id == '${llmId}'`)}`,
    );
    await page.locator('th[data-column="annotation:correctness"]').waitFor();
    await page.locator('.annotation-chip', { hasText: 'correct · 0.9' }).first().waitFor();
    assert.equal(
      (byName.get('note')?.result as { explanation: string }).explanation,
      'Looks good to me',
    );
  }),
);

test(
  'keyboard: j/k move, arrows collapse and expand, Escape goes back to the project',
  { skip },
  () =>
    withPage(async (page) => {
      await page.goto(traceUrl(ids.traceId));
      await treeRow(page, 'rag-pipeline').waitFor();
      const order = [
        'rag-pipeline',
        'retrieve-docs',
        'ChatCompletion',
        'search_web',
        'format-answer',
      ];
      const rowNames = await page
        .locator('.heron-span-tree [role=treeitem] .heron-tree-name')
        .allInnerTexts();
      assert.deepEqual(rowNames, order, 'children in start order');
      // Each key is pressed once the page shows the previous move (the URL changes first).
      const press = async (key: string, selected: string) => {
        await page.keyboard.press(key);
        await treeRow(page, selected).and(page.locator('[aria-selected=true]')).waitFor();
        assert.equal(
          await selectedSpanParam(page),
          ids.spans.get(selected),
          `${key} → ${selected}`,
        );
      };
      await press('j', 'retrieve-docs');
      await press('j', 'ChatCompletion');
      await page.getByTestId('span-title').filter({ hasText: 'ChatCompletion' }).waitFor();
      await press('k', 'retrieve-docs');
      await press('ArrowDown', 'ChatCompletion');
      await press('ArrowUp', 'retrieve-docs');
      await press('ArrowLeft', 'rag-pipeline'); // a leaf: go to the parent
      await page.keyboard.press('ArrowLeft'); // the root: collapse
      await treeRow(page, 'format-answer').waitFor({ state: 'detached' });
      assert.equal(await page.locator('.heron-span-tree [role=treeitem]').count(), 1);
      await page.keyboard.press('ArrowRight'); // expand
      await treeRow(page, 'format-answer').waitFor();
      await press('ArrowRight', 'retrieve-docs'); // first child
      await page.keyboard.press('Escape');
      await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/projects/${projectId}`);
    }),
);

test('copy link and open in new tab point at the trace and the span', { skip }, () =>
  withPage(async (page) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const llmId = ids.spans.get('ChatCompletion')!;
    await page.goto(traceUrl(ids.traceId, `?span=${llmId}`));
    const spanHeader = page.locator('.heron-span-header');
    await spanHeader.getByRole('button', { name: 'Copy link' }).click();
    await spanHeader.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => {
      const nav = (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator;
      return nav.clipboard.readText();
    });
    assert.equal(copied, traceUrl(ids.traceId, `?span=${llmId}`));
    const newTab = spanHeader.getByRole('link', { name: /Open in new tab/ });
    assert.equal(await newTab.getAttribute('target'), '_blank');
    const traceLink = page
      .locator('.heron-trace-header')
      .getByRole('link', { name: /Open in new tab/ });
    assert.equal(
      await traceLink.getAttribute('href'),
      `/projects/${encodeURIComponent(projectId)}/traces/${ids.traceId}`,
    );
  }),
);

test('redirect routes resolve OpenTelemetry ids to the trace page', { skip }, () =>
  withPage(async (page) => {
    await page.goto(`${heron.baseUrl}/redirects/traces/${ids.traceId}`);
    await page.waitForURL((url) => url.pathname.startsWith('/projects/'));
    assert.equal(
      decodeURIComponent(new URL(page.url()).pathname),
      `/projects/${projectId}/traces/${ids.traceId}`,
    );
    await treeRow(page, 'rag-pipeline').waitFor();

    const toolId = ids.spans.get('search_web')!;
    await page.goto(`${heron.baseUrl}/redirects/spans/${toolId}`);
    await page.waitForURL((url) => url.searchParams.get('span') === toolId);
    await page.getByTestId('span-title').filter({ hasText: 'search_web' }).waitFor();
    assert.match(await page.locator('.heron-span-detail').innerText(), /Searches the web/);

    await page.goto(`${heron.baseUrl}/redirects/spans/00000000000000ff`);
    await page.getByRole('alert').filter({ hasText: 'Span not found: 00000000000000ff' }).waitFor();
    await page.goto(`${heron.baseUrl}/redirects/traces/000000000000000000000000000000ff`);
    await page.getByRole('alert').filter({ hasText: 'Trace not found' }).waitFor();
  }),
);

test('a 5,000-span trace renders virtualized and scrolls to its last span', { skip }, () =>
  withPage(async (page) => {
    await page.goto(traceUrl(ids.bigTraceId));
    await page
      .getByTestId('tree-count')
      .filter({ hasText: `${BIG_TRACE_SPANS} spans` })
      .waitFor();
    const domRows = await page.locator('.heron-span-tree [role=treeitem]').count();
    assert.ok(domRows > 10 && domRows < 150, `only visible rows are in the DOM (${domRows})`);
    // Scrolling to the end shows the last span; the DOM still holds only a window of rows.
    await page.locator('.heron-span-tree').evaluate((tree) => {
      tree.scrollTop = tree.scrollHeight;
    });
    await treeRow(page, ids.bigLastSpanName).waitFor();
    assert.ok((await page.locator('.heron-span-tree [role=treeitem]').count()) < 150);
    // Selecting a far row by the keyboard keeps it in view.
    await treeRow(page, ids.bigLastSpanName).click();
    await page.keyboard.press('k');
    await treeRow(page, 'call-49-96').and(page.locator('[aria-selected=true]')).waitFor();
    // Exclusive time: 1,650 LLM calls of 8 ms; the steps' own time between calls is Other.
    const breakdown = await page.getByTestId('time-breakdown').innerText();
    assert.match(breakdown, /LLM 26% · 13\.20s/);
    await saveScreenshot(page, 'trace-5000-spans');
  }),
);

test(
  'the trace page API: outline, limits, one span with nested attributes, clear errors',
  { skip },
  async () => {
    const get = async (path: string) => {
      const response = await fetch(`${heron.baseUrl}${path}`);
      // The answers are read field by field below, as loosely as JSON itself.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const tree = await get(`/v1/traces/${ids.traceId}/tree`);
    assert.equal(tree.status, 200);
    assert.equal(tree.body.data.spans.length, 5);
    assert.equal(tree.body.data.truncated, false);
    const llmNode = tree.body.data.spans.find((s: { name: string }) => s.name === 'ChatCompletion');
    assert.equal(llmNode.token_count_total, 150);
    assert.equal(llmNode.attributes, undefined, 'the outline carries no attributes');
    const limited = await get(`/v1/traces/${ids.traceId}/tree?span_limit=2`);
    assert.equal(limited.body.data.spans.length, 2);
    assert.equal(limited.body.data.truncated, true);
    assert.equal((await get(`/v1/traces/${ids.traceId}/tree?span_limit=0`)).status, 422);
    const missing = await get('/v1/traces/000000000000000000000000000000ff/tree');
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /Trace not found/);

    const llmId = ids.spans.get('ChatCompletion')!;
    const span = await get(`/v1/traces/${ids.traceId}/spans/${llmId}`);
    assert.equal(span.status, 200);
    assert.equal(span.body.data.attributes.llm.input_messages[1].message.content, 'What is Heron?');
    assert.equal(span.body.data.project_id, projectId);
    const elsewhere = await get(`/v1/traces/${ids.chatTraceId}/spans/${llmId}`);
    assert.equal(elsewhere.status, 404);
    assert.match(elsewhere.body.message, new RegExp(`Span ${llmId} not found in trace`));
    const byId = await get(`/v1/spans/${llmId}`);
    assert.equal(byId.body.data.context.trace_id, ids.traceId);
    const byGlobalId = await get(`/v1/spans/${encodeURIComponent(byId.body.data.id)}`);
    assert.equal(byGlobalId.body.data.context.span_id, llmId);
  },
);
