/**
 * The built-in price table (model-prices.json, shipped with Heron), read once per thread.
 */
import { readFileSync } from 'node:fs';
import type { ModelPrice, PriceTier, TokenPrices } from './model-price.js';

interface TableEntry {
  id: string;
  name: string;
  provider: string | null;
  pattern: string;
  effective_from: string | null;
  price_as_of?: string;
  note?: string;
  usd_per_million_tokens: TokenPrices;
  tiers?: {
    above_prompt_tokens: number;
    usd_per_million_tokens: PriceTier['usdPerMillionTokens'];
  }[];
}

export interface BuiltInPrice extends ModelPrice {
  /** When the figures were taken from the provider's published prices (YYYY-MM). */
  priceAsOf: string | null;
  note: string | null;
}

let cached: BuiltInPrice[] | undefined;

export function builtInPrices(): readonly BuiltInPrice[] {
  cached ??= (
    JSON.parse(readFileSync(new URL('./model-prices.json', import.meta.url), 'utf8')) as {
      prices: TableEntry[];
    }
  ).prices.map((entry) => ({
    id: entry.id,
    source: 'built_in',
    name: entry.name,
    provider: entry.provider,
    pattern: entry.pattern,
    effectiveFrom: entry.effective_from,
    usdPerMillionTokens: entry.usd_per_million_tokens,
    tiers: (entry.tiers ?? []).map((tier) => ({
      abovePromptTokens: tier.above_prompt_tokens,
      usdPerMillionTokens: tier.usd_per_million_tokens,
    })),
    priceAsOf: entry.price_as_of ?? null,
    note: entry.note ?? null,
  }));
  return cached;
}
