/**
 * The prices in force (user-defined first, then built-in) and the cost of a span under them.
 *
 * Only LLM spans are priced: a wrapper span (CHAIN, AGENT…) that copies its child's token
 * counts has no cost of its own, so trace and session sums never count a call twice.
 * A span gets no cost (null, "no price", never 0) when it is not an LLM span, names no model,
 * reports no tokens, or no price matches its model.
 */
import type { SpanKind } from '../span-record.js';
import { builtInPrices } from './built-in-prices.js';
import type { ModelPrice } from './model-price.js';
import { PriceMatcher } from './price-matcher.js';
import { spanCostOf, type SpanCost } from './span-cost.js';
import { tokenUsageOf } from './token-usage.js';

/** What pricing needs of a span (a SpanRecord, or a stored row being recomputed). */
export interface PricedSpan {
  spanKind: SpanKind | string;
  modelName: string | null;
  provider: string | null;
  startTimeUnixNano: bigint;
  promptTokens: number | null;
  completionTokens: number | null;
  /** The span's `llm.token_count` attribute object (nested form), if any. */
  tokenCount: unknown;
}

export class PriceCatalog {
  private readonly matcher: PriceMatcher;

  constructor(readonly userPrices: readonly ModelPrice[] = []) {
    this.matcher = new PriceMatcher([...userPrices, ...builtInPrices()]);
  }

  /** The price that applies to a model (null: none). */
  priceFor(modelName: string, provider: string | null, atUnixNano: bigint): ModelPrice | null {
    return this.matcher.match(modelName, provider, atUnixNano);
  }

  costOf(span: PricedSpan): SpanCost | null {
    if (span.spanKind !== 'LLM' || !span.modelName) return null;
    const usage = tokenUsageOf(span.tokenCount, span.promptTokens, span.completionTokens);
    if (usage === null) return null;
    const price = this.matcher.match(span.modelName, span.provider, span.startTimeUnixNano);
    return price === null ? null : spanCostOf(usage, price);
  }
}

/** The `llm.token_count` object of a span's nested attributes. */
export function tokenCountAttribute(attributes: Record<string, unknown>): unknown {
  const llm = attributes['llm'];
  return typeof llm === 'object' && llm !== null && !Array.isArray(llm)
    ? (llm as Record<string, unknown>)['token_count']
    : undefined;
}
