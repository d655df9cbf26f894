/**
 * Reading a user-defined model price from a request body (POST and PATCH /v1/model_prices).
 * Every problem is a 400 that names the field and says what is expected.
 */
import type { PriceTier, TokenPrices, TokenType } from '../spans/prices/model-price.js';
import { TOKEN_TYPES } from '../spans/prices/model-price.js';
import { patternProblem } from '../spans/prices/price-pattern.js';
import { canonicalProvider } from '../spans/prices/provider-names.js';
import type { UserPriceInput } from '../store/price-store.js';
import { ApiError } from './api-error.js';
import { unixNanoFromIso } from './timestamps.js';

/** Most tiers one price may have. */
export const MAX_PRICE_TIERS = 10;
const MAX_NAME_LENGTH = 200;
/** A sanity bound: no model costs more than this per million tokens. */
const MAX_RATE = 1_000_000;

const FIELDS = [
  'name',
  'pattern',
  'provider',
  'effective_from',
  'usd_per_million_tokens',
  'tiers',
] as const;

const bad = (message: string): ApiError => new ApiError(400, message);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rates(
  value: unknown,
  field: string,
  required: boolean,
): Partial<Record<TokenType, number>> {
  if (!isObject(value)) {
    throw bad(`${field} must be an object of USD per million tokens by token type`);
  }
  const out: Partial<Record<TokenType, number>> = {};
  for (const [type, rate] of Object.entries(value)) {
    if (!(TOKEN_TYPES as readonly string[]).includes(type)) {
      throw bad(`${field}.${type} is not a token type; use one of ${TOKEN_TYPES.join(', ')}`);
    }
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) {
      throw bad(`${field}.${type} must be a number of USD per million tokens, 0 to ${MAX_RATE}`);
    }
    out[type as TokenType] = rate;
  }
  if (required) {
    for (const type of ['input', 'output'] as const) {
      if (out[type] === undefined) throw bad(`${field}.${type} is required`);
    }
  }
  return out;
}

function tiers(value: unknown): PriceTier[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad('tiers must be a list');
  if (value.length > MAX_PRICE_TIERS)
    throw bad(`tiers may have at most ${MAX_PRICE_TIERS} entries`);
  const seen = new Set<number>();
  return value.map((tier, i) => {
    if (!isObject(tier)) throw bad(`tiers[${i}] must be an object`);
    const above = tier['above_prompt_tokens'];
    if (typeof above !== 'number' || !Number.isSafeInteger(above) || above < 0) {
      throw bad(`tiers[${i}].above_prompt_tokens must be a whole number of tokens ≥ 0`);
    }
    if (seen.has(above)) throw bad(`tiers[${i}].above_prompt_tokens ${above} is given twice`);
    seen.add(above);
    return {
      abovePromptTokens: above,
      usdPerMillionTokens: rates(
        tier['usd_per_million_tokens'],
        `tiers[${i}].usd_per_million_tokens`,
        false,
      ),
    };
  });
}

/**
 * A complete user price from `body`; on PATCH, `base` holds the stored fields the body does not
 * change (the result is validated as a whole either way).
 */
export function readUserPrice(body: unknown, base?: UserPriceInput): UserPriceInput {
  if (!isObject(body)) throw bad('Request body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw bad(`Unknown field ${key}; a model price has ${FIELDS.join(', ')}`);
    }
  }
  const has = (field: string) => Object.hasOwn(body, field);

  let name = base?.name;
  if (has('name') || !base) {
    const value = body['name'];
    if (typeof value !== 'string' || value.trim() === '') throw bad('name is required (a string)');
    if (value.length > MAX_NAME_LENGTH) {
      throw bad(`name is longer than ${MAX_NAME_LENGTH} characters`);
    }
    name = value.trim();
  }

  let pattern = base?.pattern;
  if (has('pattern') || !base) {
    const value = body['pattern'];
    if (typeof value !== 'string') {
      throw bad('pattern is required: a regular expression over the whole model name');
    }
    const problem = patternProblem(value);
    if (problem) throw bad(problem);
    pattern = value;
  }

  let provider = base?.provider ?? null;
  if (has('provider')) {
    const value = body['provider'];
    if (value !== null && (typeof value !== 'string' || value.trim() === '')) {
      throw bad('provider must be a provider name (such as openai, anthropic, bedrock) or null');
    }
    provider = value === null ? null : canonicalProvider(value as string);
  }

  let effectiveFrom = base?.effectiveFrom ?? null;
  if (has('effective_from')) {
    const value = body['effective_from'];
    if (value !== null && (typeof value !== 'string' || unixNanoFromIso(value) === null)) {
      throw bad('effective_from must be an ISO 8601 date or time (such as 2025-06-01) or null');
    }
    effectiveFrom = value as string | null;
  }

  let usd = base?.usdPerMillionTokens;
  if (has('usd_per_million_tokens') || !base) {
    usd = rates(body['usd_per_million_tokens'], 'usd_per_million_tokens', true) as TokenPrices;
  }

  const priceTiers = has('tiers') || !base ? tiers(body['tiers']) : base.tiers;
  return {
    name: name!,
    pattern: pattern!,
    provider,
    effectiveFrom,
    usdPerMillionTokens: usd!,
    tiers: priceTiers,
  };
}
