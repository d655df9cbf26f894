import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtInPrices } from './built-in-prices.js';
import type { ModelPrice } from './model-price.js';
import { PriceCatalog } from './price-catalog.js';
import { patternProblem } from './price-pattern.js';

const NOW = BigInt(Date.parse('2025-12-01T00:00:00Z')) * 1_000_000n;

function userPrice(id: number, pattern: string, extra: Partial<ModelPrice> = {}): ModelPrice {
  return {
    id: `ModelPrice:${id}`,
    source: 'user',
    name: pattern,
    provider: null,
    pattern,
    effectiveFrom: null,
    usdPerMillionTokens: { input: 1, output: 2 },
    tiers: [],
    ...extra,
  };
}

describe('price matching', () => {
  const builtIn = new PriceCatalog();
  const idOf = (name: string, provider: string | null = null, catalog = builtIn) =>
    catalog.priceFor(name, provider, NOW)?.id ?? null;

  // prettier-ignore
  const NAMES: [string, string | null, string | null][] = [
    // dated names
    ['gpt-4o-2024-11-20', null, 'openai-gpt-4o'],
    ['gpt-4o-mini-2024-07-18', null, 'openai-gpt-4o-mini'],
    ['claude-3-5-sonnet-20241022', null, 'anthropic-claude-3-5-sonnet'],
    ['claude-3-5-sonnet-latest', null, 'anthropic-claude-3-5-sonnet'],
    ['mistral-small-2503', null, 'mistral-small'],
    ['gemini-2.0-flash-001', null, 'google-gemini-2.0-flash'],
    ['gemini-2.5-flash-preview-05-20', null, 'google-gemini-2.5-flash'],
    // provider prefixes
    ['openai/gpt-4o', null, 'openai-gpt-4o'],
    ['azure/gpt-4o-mini', null, 'openai-gpt-4o-mini'],
    ['bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0', null, 'anthropic-claude-3-7-sonnet'],
    ['vertex_ai/gemini-2.5-pro', null, 'google-gemini-2.5-pro'],
    // Bedrock and Azure variants
    ['eu.anthropic.claude-sonnet-4-20250514-v1:0', 'aws.bedrock', 'anthropic-claude-sonnet-4'],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0', 'aws', 'anthropic-claude-3-5-haiku'],
    ['amazon.nova-lite-v1:0', 'bedrock', 'bedrock-nova-lite'],
    ['gpt-35-turbo-16k', 'azure', 'azure-gpt-35-turbo'],
    ['gpt-4.1', 'azure.ai.openai', 'openai-gpt-4.1'],
    // most specific wins
    ['gpt-4o-mini', 'openai', 'openai-gpt-4o-mini'],
    ['gpt-4.1-nano', null, 'openai-gpt-4.1-nano'],
    ['gemini-2.5-flash-lite', null, 'google-gemini-2.5-flash-lite'],
    ['o3-mini', null, 'openai-o3-mini'],
    ['claude-haiku-4-5', null, 'anthropic-claude-haiku-4-5'],
    // unknown
    ['my-finetune-7b', null, null],
    ['gpt-4o-ultra', null, null],
  ];
  for (const [name, provider, expected] of NAMES) {
    it(`${name}${provider ? ` (${provider})` : ''} → ${expected ?? 'no price'}`, () => {
      assert.equal(idOf(name, provider), expected);
    });
  }

  it('prefers a price of the span provider over one of another provider', () => {
    // The same Llama 4 Scout name is sold by Groq and by Together at different prices.
    assert.equal(idOf('meta-llama/llama-4-scout-17b-16e-instruct', 'groq'), 'groq-llama-4-scout');
    assert.equal(
      idOf('meta-llama/Llama-4-Scout-17B-16E-Instruct', 'together_ai'),
      'together-llama-4-scout',
    );
  });

  it('lets a user price beat the built-in one, and a provider-specific user price the generic', () => {
    const catalog = new PriceCatalog([
      userPrice(1, 'gpt-4o'),
      userPrice(2, 'gpt-4o', { provider: 'azure' }),
      userPrice(3, 'my-finetune-.*'),
    ]);
    assert.equal(idOf('gpt-4o-2024-08-06', 'openai', catalog), 'ModelPrice:1');
    assert.equal(idOf('azure/gpt-4o', null, catalog), 'ModelPrice:2');
    assert.equal(idOf('my-finetune-7b', null, catalog), 'ModelPrice:3');
    // Unrelated models keep their built-in price.
    assert.equal(idOf('gpt-4o-mini', null, catalog), 'openai-gpt-4o-mini');
  });

  it('refuses patterns that are invalid, too long or exponential', () => {
    assert.equal(patternProblem('gpt-4o(-mini)?'), null);
    assert.match(patternProblem('gpt-(4o')!, /not a valid regular expression/);
    assert.match(patternProblem('(a+)+')!, /exponential/);
    assert.match(patternProblem('x'.repeat(300))!, /longer than 256/);
    assert.match(patternProblem('(a)\\1')!, /backreferences/);
    assert.match(patternProblem('  ')!, /empty/);
  });

  it('has a well-formed built-in table: unique ids, valid patterns, input and output rates', () => {
    const ids = new Set<string>();
    for (const price of builtInPrices()) {
      assert.ok(!ids.has(price.id), `duplicate id ${price.id}`);
      ids.add(price.id);
      assert.equal(patternProblem(price.pattern), null, price.id);
      assert.ok(price.usdPerMillionTokens.input >= 0 && price.usdPerMillionTokens.output >= 0);
      assert.ok(price.effectiveFrom && !Number.isNaN(Date.parse(price.effectiveFrom)), price.id);
      assert.ok(price.priceAsOf, `${price.id} says when its figures were taken`);
    }
    const providers = new Set(builtInPrices().map((p) => p.provider));
    for (const provider of [
      'openai',
      'azure',
      'anthropic',
      'google',
      'mistral',
      'deepseek',
      'xai',
      'bedrock',
      'groq',
      'together',
    ]) {
      assert.ok(providers.has(provider), provider);
    }
  });
});
