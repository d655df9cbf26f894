/** Model prices and cost figures in the REST API's JSON shapes (snake_case). */
import type { BuiltInPrice } from '../spans/prices/built-in-prices.js';
import type { ModelPrice } from '../spans/prices/model-price.js';
import type { SpanCost } from '../spans/prices/span-cost.js';
import type { RecomputeJob } from '../store/cost-recompute-jobs.js';
import type { UnknownModel } from '../store/price-store.js';
import { userPriceRowid } from '../store/user-price-row.js';
import { toGlobalId } from './global-id.js';
import { isoFromUnixNano } from './timestamps.js';

/** The API id of a price: built-in ids as they are, user prices as ModelPrice GlobalIDs. */
export function priceIdJson(id: string): string {
  const rowid = userPriceRowid(id);
  return rowid === null ? id : toGlobalId('ModelPrice', rowid);
}

export function modelPriceJson(price: ModelPrice | BuiltInPrice) {
  const builtIn = price as Partial<BuiltInPrice>;
  return {
    id: priceIdJson(price.id),
    source: price.source,
    name: price.name,
    provider: price.provider,
    pattern: price.pattern,
    effective_from: price.effectiveFrom,
    usd_per_million_tokens: price.usdPerMillionTokens,
    tiers: price.tiers.map((tier) => ({
      above_prompt_tokens: tier.abovePromptTokens,
      usd_per_million_tokens: tier.usdPerMillionTokens,
    })),
    ...(price.source === 'built_in'
      ? { price_as_of: builtIn.priceAsOf ?? null, note: builtIn.note ?? null }
      : {}),
  };
}

/** A span's cost fields (Heron additions to the span JSON); all null when it has no price. */
export function spanCostJson(cost: SpanCost | undefined) {
  if (cost === undefined) {
    return {
      cost: null,
      cost_prompt: null,
      cost_completion: null,
      cost_details: null,
      price_id: null,
    };
  }
  return {
    cost: cost.total,
    cost_prompt: cost.prompt,
    cost_completion: cost.completion,
    cost_details: Object.fromEntries(
      Object.entries(cost.details).map(([type, entry]) => [
        type,
        {
          tokens: entry.tokens,
          cost: entry.cost,
          usd_per_million_tokens: entry.usdPerMillionTokens,
        },
      ]),
    ),
    price_id: priceIdJson(cost.priceId),
  };
}

export function unknownModelJson(model: UnknownModel) {
  return {
    model_name: model.modelName,
    provider: model.provider,
    span_count: model.spanCount,
    last_seen: isoFromUnixNano(model.lastSeenUnixNano),
  };
}

export function recomputeJobJson(job: RecomputeJob) {
  return {
    id: job.id,
    state: job.state,
    spans_done: job.spansDone,
    spans_total: job.spansTotal,
    start_time: job.range.startTime === undefined ? null : isoFromUnixNano(job.range.startTime),
    end_time: job.range.endTime === undefined ? null : isoFromUnixNano(job.range.endTime),
    project_id:
      job.range.projectId === undefined ? null : toGlobalId('Project', job.range.projectId),
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    error: job.error,
  };
}
