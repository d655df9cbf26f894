/**
 * A model price: which model names it applies to (a pattern, optionally one provider), from when,
 * and what each token type costs. The built-in table (model-prices.json) and user-defined prices
 * (stored in the database, edited through /v1/model_prices) have this same shape.
 *
 * Prices are USD per 1,000,000 tokens: that is how providers publish them, and it keeps the
 * numbers exact in JSON (2.5 rather than 0.0000025).
 */

/** Every token type a provider bills. Prompt-side types first, then completion-side types. */
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

export const PROMPT_TOKEN_TYPES: readonly TokenType[] = [
  'input',
  'cache_read',
  'cache_write',
  'audio_input',
];

/** USD per million tokens, by token type. `input` and `output` are always given. */
export type TokenPrices = Partial<Record<TokenType, number>> & { input: number; output: number };

/** Rates that replace the base rates when the prompt is larger than a threshold. */
export interface PriceTier {
  /** The tier applies when the prompt (all prompt-side tokens) has more tokens than this. */
  abovePromptTokens: number;
  /** Rates of this tier; a token type not listed keeps its base rate. */
  usdPerMillionTokens: Partial<Record<TokenType, number>>;
}

export interface ModelPrice {
  /** Built-in: the table's id (`openai-gpt-4o`); user-defined: `ModelPrice:<n>` (GlobalID text). */
  id: string;
  source: 'built_in' | 'user';
  /** Display name. */
  name: string;
  /** Canonical provider (provider-names.ts), or null for "any provider". */
  provider: string | null;
  /** A regular expression over the whole model name, case-insensitive (see model-name-candidates.ts). */
  pattern: string;
  /** ISO 8601 date or time from which this price applies; null = always. */
  effectiveFrom: string | null;
  usdPerMillionTokens: TokenPrices;
  tiers: PriceTier[];
}
