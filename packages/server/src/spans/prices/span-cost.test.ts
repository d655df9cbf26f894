/**
 * The cost of real-world token usages under the built-in price table. Each expected figure is
 * worked out by hand in the comment from the provider's published rates (USD per 1M tokens),
 * so a wrong rate in model-prices.json or a token counted twice fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PriceCatalog } from './price-catalog.js';

const AT_2025_12 = BigInt(Date.parse('2025-12-01T00:00:00Z')) * 1_000_000n;

interface Case {
  model: string;
  provider?: string;
  /** `llm.token_count` as OpenInference sends it. */
  tokens: Record<string, unknown>;
  priceId: string;
  total: number;
  prompt: number;
  completion: number;
}

const M = 1_000_000;

// prettier-ignore
const CASES: Case[] = [
  // OpenAI gpt-4o: $2.50 in, $1.25 cached in, $10 out. 1200 prompt of which 1000 cached:
  // 200×2.50 + 1000×1.25 = 500 + 1250 = 1750 /M; 300 out × 10 = 3000 /M → 0.00475.
  { model: 'gpt-4o-2024-08-06', tokens: { prompt: 1200, completion: 300, prompt_details: { cache_read: 1000 } },
    priceId: 'openai-gpt-4o', prompt: 1750 / M, completion: 3000 / M, total: 4750 / M },
  // gpt-4o-2024-05-13 has its own (older) price: $5 in, $15 out. 1000×5 + 500×15 = 12500 /M.
  { model: 'gpt-4o-2024-05-13', tokens: { prompt: 1000, completion: 500 },
    priceId: 'openai-gpt-4o-2024-05-13', prompt: 5000 / M, completion: 7500 / M, total: 12500 / M },
  // gpt-4o-mini: $0.15 in, $0.60 out. 10000×0.15 = 1500; 2000×0.60 = 1200 → 2700 /M.
  { model: 'gpt-4o-mini', tokens: { prompt: 10000, completion: 2000 },
    priceId: 'openai-gpt-4o-mini', prompt: 1500 / M, completion: 1200 / M, total: 2700 / M },
  // o3 (since 2025-06-10): $2 in, $0.50 cached, $8 out; reasoning tokens are output tokens.
  // prompt 5000 (2000 cached): 3000×2 + 2000×0.5 = 7000; completion 4000 (3500 reasoning):
  // 500×8 + 3500×8 = 32000 → 39000 /M. Reasoning billed once, not on top of completion.
  { model: 'o3-2025-04-16', tokens: { prompt: 5000, completion: 4000, prompt_details: { cache_read: 2000 }, completion_details: { reasoning: 3500 } },
    priceId: 'openai-o3', prompt: 7000 / M, completion: 32000 / M, total: 39000 / M },
  // gpt-5: $1.25 in, $0.125 cached, $10 out. 20000 prompt (16000 cached): 4000×1.25 = 5000,
  // 16000×0.125 = 2000; 1500 out (1200 reasoning) × 10 = 15000 → 22000 /M.
  { model: 'gpt-5', provider: 'openai', tokens: { prompt: 20000, completion: 1500, prompt_details: { cache_read: 16000 }, completion_details: { reasoning: 1200 } },
    priceId: 'openai-gpt-5', prompt: 7000 / M, completion: 15000 / M, total: 22000 / M },
  // gpt-4o-audio-preview: text $2.50/$10, audio $40 in / $80 out. prompt 1000 (600 audio):
  // 400×2.5 + 600×40 = 1000 + 24000 = 25000; completion 800 (500 audio): 300×10 + 500×80 =
  // 3000 + 40000 = 43000 → 68000 /M.
  { model: 'gpt-4o-audio-preview-2024-12-17', tokens: { prompt: 1000, completion: 800, prompt_details: { audio: 600 }, completion_details: { audio: 500 } },
    priceId: 'openai-gpt-4o-audio-preview', prompt: 25000 / M, completion: 43000 / M, total: 68000 / M },
  // Azure spells it gpt-35-turbo: $0.50 / $1.50. 2000×0.5 + 1000×1.5 = 1000 + 1500 /M.
  { model: 'gpt-35-turbo', provider: 'azure', tokens: { prompt: 2000, completion: 1000 },
    priceId: 'azure-gpt-35-turbo', prompt: 1000 / M, completion: 1500 / M, total: 2500 / M },
  // Claude Sonnet 4.5: $3 in, $3.75 cache write, $0.30 cache read, $15 out. OpenInference's
  // Anthropic instrumentation reports prompt = input + cache read + cache write:
  // prompt 12000 = 1000 input + 10000 read + 1000 write → 3000 + 3000 + 3750 = 9750;
  // 500 out × 15 = 7500 → 17250 /M.
  { model: 'claude-sonnet-4-5-20250929', provider: 'anthropic', tokens: { prompt: 12000, completion: 500, prompt_details: { cache_read: 10000, cache_write: 1000 } },
    priceId: 'anthropic-claude-sonnet-4-5', prompt: 9750 / M, completion: 7500 / M, total: 17250 / M },
  // The same call reported Anthropic-style (prompt = uncached input only, 1000): the details
  // exceed the prompt, so they are added, never subtracted: the same 17250 /M.
  { model: 'claude-sonnet-4-5', tokens: { prompt: 1000, completion: 500, prompt_details: { cache_read: 10000, cache_write: 1000 } },
    priceId: 'anthropic-claude-sonnet-4-5', prompt: 9750 / M, completion: 7500 / M, total: 17250 / M },
  // Claude Sonnet 4 over 200k prompt tokens: long-context rates $6 in, $22.50 out for the call.
  // 250000×6 = 1500000; 1000×22.5 = 22500 → 1522500 /M.
  { model: 'claude-sonnet-4-20250514', tokens: { prompt: 250000, completion: 1000 },
    priceId: 'anthropic-claude-sonnet-4', prompt: 1500000 / M, completion: 22500 / M, total: 1522500 / M },
  // Claude on Bedrock, cross-region id: Anthropic's list price (Claude 3.5 Haiku $0.80 / $0.08
  // cache read / $4). prompt 3000 (2000 read): 1000×0.8 + 2000×0.08 = 800 + 160 = 960;
  // 200×4 = 800 → 1760 /M. (Phoenix #10036 priced cache reads at the input rate here.)
  { model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', provider: 'aws.bedrock', tokens: { prompt: 3000, completion: 200, prompt_details: { cache_read: 2000 } },
    priceId: 'anthropic-claude-3-5-haiku', prompt: 960 / M, completion: 800 / M, total: 1760 / M },
  // Claude Opus 4.1 on Vertex AI (`@` version): $15 / $75. 1000×15 + 100×75 = 15000 + 7500.
  { model: 'claude-opus-4-1@20250805', provider: 'vertexai', tokens: { prompt: 1000, completion: 100 },
    priceId: 'anthropic-claude-opus-4-1', prompt: 15000 / M, completion: 7500 / M, total: 22500 / M },
  // Gemini 2.5 Pro ≤ 200k: $1.25 in, $0.125 cached, $10 out (thinking is output).
  // prompt 100000 (40000 cached): 60000×1.25 + 40000×0.125 = 75000 + 5000 = 80000;
  // completion 3000 (2000 thinking) × 10 = 30000 → 110000 /M.
  { model: 'gemini-2.5-pro', provider: 'google', tokens: { prompt: 100000, completion: 3000, prompt_details: { cache_read: 40000 }, completion_details: { reasoning: 2000 } },
    priceId: 'google-gemini-2.5-pro', prompt: 80000 / M, completion: 30000 / M, total: 110000 / M },
  // Gemini 2.5 Pro over 200k: $2.50 in, $15 out. 300000×2.5 = 750000; 1000×15 = 15000.
  { model: 'models/gemini-2.5-pro', tokens: { prompt: 300000, completion: 1000 },
    priceId: 'google-gemini-2.5-pro', prompt: 750000 / M, completion: 15000 / M, total: 765000 / M },
  // Gemini 2.5 Flash: text $0.30, audio in $1.00, out $2.50. prompt 5000 (2000 audio):
  // 3000×0.3 + 2000×1 = 900 + 2000 = 2900; 1000×2.5 = 2500 → 5400 /M.
  { model: 'gemini-2.5-flash', tokens: { prompt: 5000, completion: 1000, prompt_details: { audio: 2000 } },
    priceId: 'google-gemini-2.5-flash', prompt: 2900 / M, completion: 2500 / M, total: 5400 / M },
  // Mistral Large (2411): $2 / $6. 4000×2 + 1000×6 = 8000 + 6000 → 14000 /M.
  { model: 'mistral-large-2411', provider: 'mistralai', tokens: { prompt: 4000, completion: 1000 },
    priceId: 'mistral-large', prompt: 8000 / M, completion: 6000 / M, total: 14000 / M },
  // DeepSeek V3.2 (since 2025-09-29): $0.28 miss, $0.028 hit, $0.42 out. prompt 10000 (8000
  // hit): 2000×0.28 + 8000×0.028 = 560 + 224 = 784; 1000×0.42 = 420 → 1204 /M.
  { model: 'deepseek-chat', provider: 'deepseek', tokens: { prompt: 10000, completion: 1000, prompt_details: { cache_read: 8000 } },
    priceId: 'deepseek-chat-v3.2', prompt: 784 / M, completion: 420 / M, total: 1204 / M },
  // xAI grok-4: $3 in, $0.75 cached, $15 out (≤ 128k). prompt 2000 (1000 cached): 1000×3 +
  // 1000×0.75 = 3750; completion 1000 (800 reasoning) × 15 = 15000 → 18750 /M.
  { model: 'grok-4-0709', provider: 'xai', tokens: { prompt: 2000, completion: 1000, prompt_details: { cache_read: 1000 }, completion_details: { reasoning: 800 } },
    priceId: 'xai-grok-4', prompt: 3750 / M, completion: 15000 / M, total: 18750 / M },
  // Llama 3.3 70B on Groq: $0.59 / $0.79. 10000×0.59 + 2000×0.79 = 5900 + 1580 = 7480 /M.
  { model: 'llama-3.3-70b-versatile', provider: 'groq', tokens: { prompt: 10000, completion: 2000 },
    priceId: 'groq-llama-3.3-70b-versatile', prompt: 5900 / M, completion: 1580 / M, total: 7480 / M },
  // Llama 3.3 70B on Bedrock: $0.72 / $0.72. 10000×0.72 + 2000×0.72 = 7200 + 1440 /M.
  { model: 'meta.llama3-3-70b-instruct-v1:0', provider: 'aws.bedrock', tokens: { prompt: 10000, completion: 2000 },
    priceId: 'bedrock-llama3-3-70b', prompt: 7200 / M, completion: 1440 / M, total: 8640 / M },
  // Llama 3.1 8B on Together: $0.18 / $0.18. 5000×0.18 + 5000×0.18 = 900 + 900 /M.
  { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', provider: 'together_ai', tokens: { prompt: 5000, completion: 5000 },
    priceId: 'together-llama-3.1-8b-turbo', prompt: 900 / M, completion: 900 / M, total: 1800 / M },
  // Amazon Nova Pro: $0.80 in, $0.20 cache read, $3.20 out. prompt 4000 (1000 read): 3000×0.8 +
  // 1000×0.2 = 2400 + 200 = 2600; 500×3.2 = 1600 → 4200 /M.
  { model: 'amazon.nova-pro-v1:0', provider: 'aws.bedrock', tokens: { prompt: 4000, completion: 500, prompt_details: { cache_read: 1000 } },
    priceId: 'bedrock-nova-pro', prompt: 2600 / M, completion: 1600 / M, total: 4200 / M },
];

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe('span cost under the built-in prices', () => {
  const catalog = new PriceCatalog();
  for (const c of CASES) {
    it(`${c.model}${c.provider ? ` (${c.provider})` : ''}`, () => {
      const cost = catalog.costOf({
        spanKind: 'LLM',
        modelName: c.model,
        provider: c.provider ?? null,
        startTimeUnixNano: AT_2025_12,
        promptTokens: null,
        completionTokens: null,
        tokenCount: c.tokens,
      });
      assert.ok(cost, 'a price applies');
      assert.equal(cost.priceId, c.priceId);
      close(cost.prompt, c.prompt, 'prompt');
      close(cost.completion, c.completion, 'completion');
      close(cost.total, c.total, 'total');
      const detailSum = Object.values(cost.details).reduce((sum, d) => sum + d.cost, 0);
      close(detailSum, c.total, 'breakdown adds up');
    });
  }

  it('covers at least 15 models across providers', () => {
    assert.ok(new Set(CASES.map((c) => c.priceId)).size >= 15);
  });

  it('gives no cost (null, not 0) to unknown models, non-LLM spans and spans without tokens', () => {
    const base = {
      spanKind: 'LLM',
      modelName: 'my-finetune-7b',
      provider: null,
      startTimeUnixNano: AT_2025_12,
      promptTokens: 10,
      completionTokens: 5,
      tokenCount: undefined,
    };
    assert.equal(catalog.costOf(base), null);
    assert.equal(catalog.costOf({ ...base, modelName: 'gpt-4o', spanKind: 'CHAIN' }), null);
    assert.equal(
      catalog.costOf({ ...base, modelName: 'gpt-4o', promptTokens: null, completionTokens: null }),
      null,
    );
    assert.equal(catalog.costOf({ ...base, modelName: null }), null);
  });

  it('prices by the date of the span: o3 before and after its 2025-06-10 price cut', () => {
    const call = (iso: string) =>
      catalog.costOf({
        spanKind: 'LLM',
        modelName: 'o3',
        provider: 'openai',
        startTimeUnixNano: BigInt(Date.parse(iso)) * 1_000_000n,
        promptTokens: 1000,
        completionTokens: 1000,
        tokenCount: undefined,
      });
    // Launch price $10 / $40: 1000×10 + 1000×40 = 50000 /M; after the cut $2 / $8 = 10000 /M.
    close(call('2025-05-01T00:00:00Z')!.total, 50000 / M, 'before the cut');
    close(call('2025-07-01T00:00:00Z')!.total, 10000 / M, 'after the cut');
    // Before the model's first price: no price (as Phoenix).
    assert.equal(call('2024-01-01T00:00:00Z'), null);
  });
});
