/**
 * A span's cost as the five `spans` columns both backends store it in (cost, cost_prompt,
 * cost_completion, cost_details as JSON text, cost_price_id), and back.
 */
import type { TokenType } from './model-price.js';
import type { SpanCost, TokenCost } from './span-cost.js';

export const SPAN_COST_COLUMNS = [
  'cost',
  'cost_prompt',
  'cost_completion',
  'cost_details',
  'cost_price_id',
] as const;

export type SpanCostValues = [
  number | null,
  number | null,
  number | null,
  string | null,
  string | null,
];

type StoredDetails = Partial<
  Record<TokenType, { tokens: number; cost: number; usd_per_million_tokens: number }>
>;

export function spanCostValues(cost: SpanCost | undefined): SpanCostValues {
  if (cost === undefined) return [null, null, null, null, null];
  const details: StoredDetails = {};
  for (const [type, entry] of Object.entries(cost.details) as [TokenType, TokenCost][]) {
    details[type] = {
      tokens: entry.tokens,
      cost: entry.cost,
      usd_per_million_tokens: entry.usdPerMillionTokens,
    };
  }
  return [cost.total, cost.prompt, cost.completion, JSON.stringify(details), cost.priceId];
}

/** The SpanCost of stored columns; undefined when the span has no price. */
export function spanCostFromColumns(
  total: number | null,
  prompt: number | null,
  completion: number | null,
  detailsJson: string | null,
  priceId: string | null,
): SpanCost | undefined {
  if (total === null || priceId === null) return undefined;
  const details: SpanCost['details'] = {};
  const stored = (detailsJson === null ? {} : JSON.parse(detailsJson)) as StoredDetails;
  for (const [type, entry] of Object.entries(stored) as [TokenType, StoredDetails[TokenType]][]) {
    if (!entry) continue;
    details[type] = {
      tokens: entry.tokens,
      cost: entry.cost,
      usdPerMillionTokens: entry.usd_per_million_tokens,
    };
  }
  return { priceId, total, prompt: prompt ?? 0, completion: completion ?? 0, details };
}
