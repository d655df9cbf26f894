/**
 * The tokens of an LLM call by token type, read from OpenInference's `llm.token_count.*`
 * (`gen_ai.usage.*` and the Vercel AI SDK's `ai.usage.*` are mapped onto these at ingest, see
 * spans/gen-ai-mapping.ts).
 *
 * OpenInference counts details as parts of their side: `prompt` includes the cache reads,
 * cache writes and audio tokens of `prompt_details`, and `completion` includes the reasoning and
 * audio tokens of `completion_details` (OpenAI, DeepSeek, Gemini and the OpenInference Anthropic
 * instrumentation all report so). So the tokens billed at the plain input rate are
 * `prompt − Σ prompt_details`, and each detail is billed once, at its own rate.
 *
 * Some senders report the prompt without its cache tokens (Anthropic's raw `input_tokens`).
 * When the details add up to more than the prompt, the prompt cannot include them, so it is
 * taken as the plain input tokens alone: a detail is still never billed twice.
 */
import type { AttributeValue } from '../../otlp/otlp-types.js';
import { coerceTokenCount } from '../token-counts.js';
import type { TokenType } from './model-price.js';

export interface TokenUsage {
  /** Tokens by type; a type absent was not reported. Sums to the call's prompt + completion. */
  tokens: Partial<Record<TokenType, number>>;
  /** All prompt-side tokens (what tier thresholds compare against). */
  promptTotal: number;
}

function isObject(value: unknown): value is Record<string, AttributeValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countAt(node: unknown, key: string): number | null {
  if (!isObject(node)) return null;
  const count = coerceTokenCount(node[key]);
  return count !== undefined && count >= 0 ? count : null;
}

/**
 * Splits one side (prompt or completion) into its base type and its details. Returns the
 * tokens by type and the side's total.
 */
function splitSide(
  reported: number | null,
  details: [TokenType, number | null][],
  baseType: TokenType,
  into: Partial<Record<TokenType, number>>,
): number {
  let detailSum = 0;
  for (const [type, count] of details) {
    if (count !== null && count > 0) {
      into[type] = count;
      detailSum += count;
    }
  }
  if (reported === null) return detailSum;
  if (detailSum <= reported) {
    const base = reported - detailSum;
    if (base > 0 || detailSum === 0) into[baseType] = base;
    return reported;
  }
  // The details exceed the reported side: it did not include them (see the header).
  into[baseType] = reported;
  return reported + detailSum;
}

/**
 * Token usage from a span's `llm.token_count` object (nested form) and its prompt/completion
 * columns; null when the span reports neither prompt nor completion tokens nor any detail.
 */
export function tokenUsageOf(
  tokenCount: unknown,
  promptTokens: number | null,
  completionTokens: number | null,
): TokenUsage | null {
  const prompt = promptTokens ?? countAt(tokenCount, 'prompt');
  const completion = completionTokens ?? countAt(tokenCount, 'completion');
  const promptDetails = isObject(tokenCount) ? tokenCount['prompt_details'] : undefined;
  const completionDetails = isObject(tokenCount) ? tokenCount['completion_details'] : undefined;
  const tokens: Partial<Record<TokenType, number>> = {};
  const promptTotal = splitSide(
    prompt,
    [
      ['cache_read', countAt(promptDetails, 'cache_read')],
      ['cache_write', countAt(promptDetails, 'cache_write')],
      ['audio_input', countAt(promptDetails, 'audio')],
    ],
    'input',
    tokens,
  );
  splitSide(
    completion,
    [
      ['reasoning', countAt(completionDetails, 'reasoning')],
      ['audio_output', countAt(completionDetails, 'audio')],
    ],
    'output',
    tokens,
  );
  if (Object.keys(tokens).length === 0) return null;
  return { tokens, promptTotal };
}
