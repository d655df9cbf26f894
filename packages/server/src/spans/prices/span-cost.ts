/**
 * The cost of one LLM call: its token usage (token-usage.ts) priced with one model price, with
 * the breakdown by token type.
 *
 * - Each token type is billed at its own rate. A type the price does not list is billed at its
 *   side's base rate (cache and audio input at `input`, reasoning and audio output at `output`):
 *   that is how a provider without a separate rate bills it (reasoning tokens are output tokens).
 * - Tiers: when the prompt (all prompt-side tokens) is larger than a tier's threshold, the
 *   tier's rates replace the base rates for the whole call (Gemini 2.5 Pro over 200k tokens,
 *   Claude Sonnet 4 long context). The tier with the highest threshold exceeded applies.
 */
import { PROMPT_TOKEN_TYPES, TOKEN_TYPES, type ModelPrice, type TokenType } from './model-price.js';
import type { TokenUsage } from './token-usage.js';

export interface TokenCost {
  tokens: number;
  /** USD. */
  cost: number;
  /** The rate applied, USD per million tokens. */
  usdPerMillionTokens: number;
}

export interface SpanCost {
  /** Id of the price applied (a built-in id or a user price's id). */
  priceId: string;
  /** USD, prompt + completion. */
  total: number;
  prompt: number;
  completion: number;
  /** By token type, only the types the call used. */
  details: Partial<Record<TokenType, TokenCost>>;
}

const FALLBACK: Record<TokenType, TokenType> = {
  input: 'input',
  cache_read: 'input',
  cache_write: 'input',
  audio_input: 'input',
  output: 'output',
  reasoning: 'output',
  audio_output: 'output',
};

/** The rates for a call with this many prompt tokens (tiers applied). */
export function ratesFor(price: ModelPrice, promptTotal: number): Record<TokenType, number> {
  const rates = { ...price.usdPerMillionTokens };
  let tierThreshold = -1;
  for (const tier of price.tiers) {
    if (promptTotal > tier.abovePromptTokens && tier.abovePromptTokens > tierThreshold) {
      tierThreshold = tier.abovePromptTokens;
      Object.assign(rates, tier.usdPerMillionTokens);
    }
  }
  const resolved = {} as Record<TokenType, number>;
  for (const type of TOKEN_TYPES) {
    resolved[type] = rates[type] ?? rates[FALLBACK[type]]!;
  }
  return resolved;
}

export function spanCostOf(usage: TokenUsage, price: ModelPrice): SpanCost {
  const rates = ratesFor(price, usage.promptTotal);
  const details: Partial<Record<TokenType, TokenCost>> = {};
  let prompt = 0;
  let completion = 0;
  for (const type of TOKEN_TYPES) {
    const tokens = usage.tokens[type];
    if (tokens === undefined) continue;
    const rate = rates[type];
    const cost = (tokens * rate) / 1_000_000;
    details[type] = { tokens, cost, usdPerMillionTokens: rate };
    if (PROMPT_TOKEN_TYPES.includes(type)) prompt += cost;
    else completion += cost;
  }
  return { priceId: price.id, total: prompt + completion, prompt, completion, details };
}
