/** The model price API's shapes (GET/POST/PATCH /v1/model_prices, unknown models, recompute). */

export const TOKEN_TYPES = [
  'input',
  'cache_read',
  'cache_write',
  'audio_input',
  'output',
  'reasoning',
  'audio_output',
] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export type Rates = Partial<Record<TokenType, number>>;

export interface ModelPrice {
  id: string;
  source: 'user' | 'built_in';
  name: string;
  provider: string | null;
  pattern: string;
  effective_from: string | null;
  usd_per_million_tokens: Rates;
  tiers: { above_prompt_tokens: number; usd_per_million_tokens: Rates }[];
  price_as_of?: string | null;
  note?: string | null;
}

export interface UnknownModel {
  model_name: string;
  provider: string | null;
  span_count: number;
  last_seen: string;
}

export interface RecomputeJob {
  id: string;
  state: 'running' | 'succeeded' | 'failed';
  spans_done: number;
  spans_total: number;
  error: string | null;
}
