/**
 * Which price applies to a model name, a provider and a time. Rules, in order:
 *
 * 1. A price applies when its pattern matches one of the name's forms (model-name-candidates.ts)
 *    as a whole, ignoring case.
 * 2. User-defined prices beat built-in ones.
 * 3. A match on a more literal form beats one on a more general form (the dated snapshot
 *    `gpt-4o-2024-05-13` has its own price; `gpt-4o-2024-11-20` uses `gpt-4o`'s).
 * 4. A price of the span's provider beats one for any provider, which beats one of another
 *    provider (Claude on Bedrock uses Anthropic's list price unless a Bedrock price exists).
 * 5. The more specific pattern (more literal characters) wins.
 * 6. Prices with the same pattern and provider form a history: the one with the latest
 *    `effectiveFrom` at or before the span's start applies. A span that started before every
 *    entry of that history gets no price from it (as in Phoenix); the next candidate is tried.
 *
 * Matching is cached per (name, provider): a batch of spans of a few models costs a few map
 * lookups, not a regex scan per span.
 */
import type { ModelPrice } from './model-price.js';
import { modelNameCandidates } from './model-name-candidates.js';
import { compilePattern, patternSpecificity } from './price-pattern.js';
import { canonicalProvider } from './provider-names.js';

interface DatedPrice {
  price: ModelPrice;
  /** ns since the epoch; -1n for "always". */
  effectiveFromNs: bigint;
}

/** Prices of one (source, pattern, provider): the history of one model's price. */
interface PriceHistory {
  source: ModelPrice['source'];
  provider: string | null;
  regex: RegExp;
  specificity: number;
  /** Oldest first. */
  entries: DatedPrice[];
  /** Lowest id of the history, the last tie-break (deterministic). */
  firstId: string;
}

const MAX_CACHE_ENTRIES = 10_000;

/** ns since the epoch of an ISO date or time; throws on an unreadable one. */
export function isoToUnixNano(iso: string): bigint {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO 8601 date: ${iso}`);
  return BigInt(ms) * 1_000_000n;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class PriceMatcher {
  private readonly histories: PriceHistory[];
  private readonly cache = new Map<string, PriceHistory[]>();

  constructor(prices: readonly ModelPrice[]) {
    const byKey = new Map<string, PriceHistory>();
    for (const price of prices) {
      const key = `${price.source}\u0000${price.pattern}\u0000${price.provider ?? ''}`;
      let history = byKey.get(key);
      if (!history) {
        history = {
          source: price.source,
          provider: price.provider,
          regex: compilePattern(price.pattern),
          specificity: patternSpecificity(price.pattern),
          entries: [],
          firstId: price.id,
        };
        byKey.set(key, history);
      }
      history.entries.push({
        price,
        effectiveFromNs: price.effectiveFrom === null ? -1n : isoToUnixNano(price.effectiveFrom),
      });
      if (price.id < history.firstId) history.firstId = price.id;
    }
    for (const history of byKey.values()) {
      history.entries.sort((a, b) =>
        a.effectiveFromNs < b.effectiveFromNs ? -1 : a.effectiveFromNs > b.effectiveFromNs ? 1 : 0,
      );
    }
    this.histories = [...byKey.values()];
  }

  /**
   * The price for a model name and provider (as sent: `llm.provider`, `llm.system` or
   * `gen_ai.system`, any spelling) at a time (ns), or null when none applies.
   */
  match(modelName: string, provider: string | null, atUnixNano: bigint): ModelPrice | null {
    for (const history of this.candidates(modelName, provider)) {
      let chosen: DatedPrice | null = null;
      for (const entry of history.entries) {
        if (entry.effectiveFromNs <= atUnixNano) chosen = entry;
        else break;
      }
      if (chosen) return chosen.price;
    }
    return null;
  }

  /** Histories whose pattern matches, best first (rules 2–5). */
  private candidates(modelName: string, provider: string | null): PriceHistory[] {
    const cacheKey = `${modelName}\u0000${provider ?? ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const { forms, prefixProvider } = modelNameCandidates(modelName);
    const spanProvider = canonicalProvider(provider) ?? prefixProvider;
    const ranked: { history: PriceHistory; level: number; providerRank: number }[] = [];
    for (const history of this.histories) {
      const level = forms.findIndex((form) => history.regex.test(form));
      if (level < 0) continue;
      const providerRank =
        history.provider === null
          ? 1
          : spanProvider === null || history.provider === spanProvider
            ? 2
            : 0;
      ranked.push({ history, level, providerRank });
    }
    ranked.sort(
      (a, b) =>
        Number(b.history.source === 'user') - Number(a.history.source === 'user') ||
        a.level - b.level ||
        b.providerRank - a.providerRank ||
        b.history.specificity - a.history.specificity ||
        compareStrings(a.history.firstId, b.history.firstId),
    );
    const list = ranked.map((r) => r.history);
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
    this.cache.set(cacheKey, list);
    return list;
  }
}
