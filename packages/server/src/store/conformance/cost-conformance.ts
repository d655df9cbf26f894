/**
 * Span costs through the Store: priced at ingest, rolled up per trace without counting wrapper
 * spans, "no price" for unknown models, user prices, and a recompute after a price change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spanIdOf, spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import type { SpanRecord } from '../../spans/span-record.js';
import { CostRecomputeJobs } from '../cost-recompute-jobs.js';
import type { UserPriceInput } from '../price-store.js';
import { storePerTest, type StoreFactory } from './store-factory.js';
import type { Store, StoredSpan } from '../store.js';
import { projectIdOf } from './trace-fixtures.js';

/** 2025-12-01: after every built-in price used here took effect. */
const T0 = BigInt(Date.parse('2025-12-01T00:00:00Z')) * 1_000_000n;
const MS = 1_000_000n;
const M = 1_000_000;

/** The stored span (traceNo, spanNo): span ids repeat across this file's traces. */
async function spanOf(store: Store, traceNo: number, spanNo: number): Promise<StoredSpan> {
  const spans = await store.findSpansBySpanId(spanIdOf(spanNo));
  const span = spans.find((s) => s.traceId === traceIdOf(traceNo));
  assert.ok(span, `span ${spanNo} of trace ${traceNo}`);
  return span;
}

function close(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) < 1e-12,
    `${what}: ${actual} ≠ ${expected}`,
  );
}

function llmSpan(
  traceNo: number,
  spanNo: number,
  parent: number | null,
  model: string,
  prompt: number,
  completion: number,
  details: Record<string, unknown> = {},
  project = 'cost',
): SpanRecord {
  return spanRecord({
    projectName: project,
    traceId: traceIdOf(traceNo),
    spanId: spanIdOf(spanNo),
    parentId: parent === null ? null : spanIdOf(parent),
    name: `llm-${spanNo}`,
    spanKind: 'LLM',
    startTimeUnixNano: T0 + BigInt(traceNo) * 1000n * MS + BigInt(spanNo) * MS,
    attributes: {
      llm: {
        model_name: model,
        token_count: { prompt, completion, total: prompt + completion, ...details },
      },
    },
    modelName: model,
    provider: null,
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt + completion,
  });
}

/** A CHAIN wrapper that copies the token counts of the LLM calls under it. */
function wrapperSpan(traceNo: number, prompt: number, completion: number): SpanRecord {
  return spanRecord({
    projectName: 'cost',
    traceId: traceIdOf(traceNo),
    spanId: spanIdOf(1),
    name: 'agent',
    spanKind: 'CHAIN',
    startTimeUnixNano: T0 + BigInt(traceNo) * 1000n * MS,
    attributes: {
      llm: { model_name: 'gpt-4o-mini', token_count: { prompt, completion } },
    },
    modelName: 'gpt-4o-mini',
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: prompt + completion,
  });
}

const miniPrice = (input: number, output: number): UserPriceInput => ({
  name: 'gpt-4o-mini (negotiated)',
  provider: null,
  pattern: 'gpt-4o-mini',
  effectiveFrom: null,
  usdPerMillionTokens: { input, output },
  tiers: [],
});

export function costConformance(factory: StoreFactory): void {
  describe('cost', () => {
    const store = storePerTest(factory);

    it('prices LLM spans at ingest and sums only their own cost per trace', async () => {
      // gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out.
      // span 2: 1000×0.15 + 2000×0.60 = 150 + 1200 = 1350 /M
      // span 3: 4000 prompt (3000 cached): 1000×0.15 + 3000×0.075 = 375; 1000×0.6 = 600 → 975 /M
      // The CHAIN wrapper copies their 5000 + 3000 tokens and must add nothing.
      await store().insertSpans([
        wrapperSpan(1, 5000, 3000),
        llmSpan(1, 2, 1, 'gpt-4o-mini-2024-07-18', 1000, 2000),
        llmSpan(1, 3, 1, 'gpt-4o-mini', 4000, 1000, { prompt_details: { cache_read: 3000 } }),
      ]);
      const wrapper = await spanOf(store(), 1, 1);
      assert.equal(wrapper.cost, undefined, 'a wrapper span has no cost of its own');
      const cached = await spanOf(store(), 1, 3);
      assert.ok(cached.cost);
      assert.equal(cached.cost.priceId, 'openai-gpt-4o-mini');
      close(cached.cost.total, 975 / M, 'span 3');
      close(cached.cost.prompt, 375 / M, 'span 3 prompt');
      assert.deepEqual(
        Object.fromEntries(Object.entries(cached.cost.details).map(([t, d]) => [t, d.tokens])),
        { input: 1000, cache_read: 3000, output: 1000 },
      );
      close(cached.cost.details.cache_read?.cost, 225 / M, 'cache read at its own rate');

      const trace = await store().getTrace(traceIdOf(1));
      close(trace?.cost, 2325 / M, 'trace cost = 1350 + 975');
      assert.equal(trace?.promptTokens, 5000, 'tokens of LLM spans only');

      const summary = await store().projectSummary(await projectIdOf(store(), 'cost'));
      close(summary.cost, 2325 / M, 'project cost');
      // prompt: 150 + 375 = 525; completion: 1200 + 600 = 1800.
      close(summary.costPrompt, 525 / M, 'project prompt cost');
      close(summary.costCompletion, 1800 / M, 'project completion cost');

      // Re-sending a span (last write wins) replaces its cost; the rollup follows.
      await store().insertSpans([llmSpan(1, 3, 1, 'gpt-4o-mini', 4000, 1000)]);
      // span 3 now uncached: 4000×0.15 + 1000×0.6 = 600 + 600 = 1200 /M.
      close((await store().getTrace(traceIdOf(1)))?.cost, 2550 / M, 'after a re-send');
    });

    it('gives unknown models no price (not 0) and lists them with their span counts', async () => {
      await store().insertSpans([
        llmSpan(2, 1, null, 'acme-llm-2', 100, 10),
        llmSpan(2, 2, 1, 'acme-llm-2', 200, 20),
        llmSpan(3, 1, null, 'acme-llm-2', 300, 30, {}, 'other'),
        llmSpan(3, 2, 1, 'gpt-4o-mini', 1000, 0, {}, 'other'),
      ]);
      const unknown = await spanOf(store(), 2, 2);
      assert.equal(unknown.cost, undefined);
      assert.equal(unknown.promptTokens, 200, 'tokens are still shown');
      assert.equal((await store().getTrace(traceIdOf(2)))?.cost, null, 'no price, not 0');

      assert.deepEqual(
        (await store().prices.unknownModels({ limit: 10 })).map((m) => [m.modelName, m.spanCount]),
        [['acme-llm-2', 3]],
      );
      const cost = await projectIdOf(store(), 'cost');
      assert.deepEqual(
        (await store().prices.unknownModels({ limit: 10, projectId: cost })).map(
          (m) => m.spanCount,
        ),
        [2],
      );
    });

    it('stores user prices, refuses a duplicate, and prices new spans with them', async () => {
      const prices = store().prices;
      const created = await prices.createUserPrice(miniPrice(1, 2));
      assert.equal(created.status, 'ok');
      assert.equal((await prices.createUserPrice(miniPrice(3, 4))).status, 'duplicate');
      const rowid = Number((created as { price: { id: string } }).price.id.split(':')[1]);
      const updated = await prices.updateUserPrice(rowid, { ...miniPrice(10, 20), name: 'x' });
      assert.equal(updated.status === 'ok' && updated.price.name, 'x');
      assert.equal((await prices.listUserPrices()).length, 1);

      await store().insertSpans([llmSpan(4, 1, null, 'gpt-4o-mini', 1000, 1000)]);
      const span = await spanOf(store(), 4, 1);
      // The user price beats the built-in: 1000×10 + 1000×20 = 30000 /M.
      close(span.cost?.total, 30000 / M, 'user price');
      assert.equal(span.cost?.priceId, `ModelPrice:${rowid}`);

      assert.equal(await prices.deleteUserPrice(rowid), true);
      assert.equal(await prices.deleteUserPrice(rowid), false);
      assert.equal(await prices.getUserPrice(rowid), null);
    });

    it('recomputes stored costs after a price change, only in the chosen range', async () => {
      await store().insertSpans([
        wrapperSpan(5, 2000, 2000),
        llmSpan(5, 2, 1, 'gpt-4o-mini', 1000, 1000),
        llmSpan(5, 3, 1, 'acme-llm-2', 1000, 1000),
        llmSpan(6, 2, null, 'gpt-4o-mini', 1000, 1000),
      ]);
      // Built-in gpt-4o-mini: 1000×0.15 + 1000×0.6 = 750 /M.
      close((await store().getTrace(traceIdOf(5)))?.cost, 750 / M, 'before');

      await store().prices.createUserPrice(miniPrice(1, 2));
      await store().prices.createUserPrice({
        ...miniPrice(5, 5),
        name: 'acme',
        pattern: 'acme-llm-\\d+',
      });
      // Stored costs do not change by themselves.
      close((await store().getTrace(traceIdOf(5)))?.cost, 750 / M, 'not yet recomputed');

      // Only trace 5's time (trace 6 starts 1 s later).
      const jobs = new CostRecomputeJobs(store().prices, 2);
      const job = await jobs.start({
        startTime: T0 + 5000n * MS,
        endTime: T0 + 6000n * MS,
      });
      assert.ok(job);
      assert.equal(await jobs.start({}), null, 'one job at a time');
      await jobs.idle();
      assert.equal(job.state, 'succeeded', job.error ?? '');
      assert.equal(job.spansTotal, 2, 'the two LLM spans of trace 5');
      assert.equal(job.spansDone, 2);

      // gpt-4o-mini at $1/$2: 1000 + 2000 = 3000 /M; acme at $5/$5: 5000 + 5000 = 10000 /M.
      const trace5 = await store().getTrace(traceIdOf(5));
      close(trace5?.cost, 13000 / M, 'trace 5 recomputed (the wrapper still adds nothing)');
      const acme = await spanOf(store(), 5, 3);
      close(acme.cost?.total, 10000 / M, 'the unknown model got its new price');
      assert.equal((await spanOf(store(), 5, 1)).cost, undefined);
      close((await store().getTrace(traceIdOf(6)))?.cost, 750 / M, 'outside the range');
      assert.deepEqual(await store().prices.unknownModels({ limit: 10 }), []);

      // Deleting the price and recomputing everything brings the built-in price back, and the
      // unknown model back to "no price".
      for (const price of await store().prices.listUserPrices()) {
        await store().prices.deleteUserPrice(Number(price.id.split(':')[1]));
      }
      const all = await jobs.start({});
      await jobs.idle();
      assert.equal(all?.state, 'succeeded');
      close((await store().getTrace(traceIdOf(5)))?.cost, 750 / M, 'built-in again');
      assert.equal((await spanOf(store(), 5, 3)).cost, undefined, 'no price again');
    });
  });
}
