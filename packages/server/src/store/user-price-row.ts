/**
 * A `model_prices` row (same columns on SQLite and PostgreSQL) ⇄ a user-defined ModelPrice.
 */
import type { ModelPrice, PriceTier } from '../spans/prices/model-price.js';
import { userPriceId, type UserPriceInput } from './price-store.js';

export interface UserPriceRow {
  id: number | string | bigint;
  name: string;
  provider: string | null;
  pattern: string;
  effective_from: string | null;
  usd_per_million_tokens: string;
  tiers: string;
}

interface StoredTier {
  above_prompt_tokens: number;
  usd_per_million_tokens: PriceTier['usdPerMillionTokens'];
}

export function fromUserPriceRow(row: UserPriceRow): ModelPrice {
  return {
    id: userPriceId(Number(row.id)),
    source: 'user',
    name: row.name,
    provider: row.provider,
    pattern: row.pattern,
    effectiveFrom: row.effective_from,
    usdPerMillionTokens: JSON.parse(row.usd_per_million_tokens),
    tiers: (JSON.parse(row.tiers) as StoredTier[]).map((tier) => ({
      abovePromptTokens: tier.above_prompt_tokens,
      usdPerMillionTokens: tier.usd_per_million_tokens,
    })),
  };
}

/** Column values in the order name, provider, pattern, effective_from, prices, tiers. */
export function userPriceValues(input: UserPriceInput): (string | null)[] {
  const tiers: StoredTier[] = input.tiers.map((tier) => ({
    above_prompt_tokens: tier.abovePromptTokens,
    usd_per_million_tokens: tier.usdPerMillionTokens,
  }));
  return [
    input.name,
    input.provider,
    input.pattern,
    input.effectiveFrom,
    JSON.stringify(input.usdPerMillionTokens),
    JSON.stringify(tiers),
  ];
}

/** The row id of a user price id (`ModelPrice:<n>`), or null. */
export function userPriceRowid(id: string): number | null {
  const match = /^ModelPrice:(\d+)$/.exec(id);
  return match ? Number(match[1]) : null;
}
