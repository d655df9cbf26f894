/**
 * Token counts arrive as ints, doubles (`12.0` from SDKs that only have floats) or strings,
 * depending on the SDK. Phoenix coerces `llm.token_count.{prompt,completion,total}` to integers
 * so that sums and cost calculation work; values that are not whole numbers are left alone.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';

export const TOKEN_COUNT_PROMPT = 'llm.token_count.prompt';
export const TOKEN_COUNT_COMPLETION = 'llm.token_count.completion';
export const TOKEN_COUNT_TOTAL = 'llm.token_count.total';

const COERCED_KEYS = [TOKEN_COUNT_PROMPT, TOKEN_COUNT_COMPLETION, TOKEN_COUNT_TOTAL] as const;

/**
 * The integer `value` stands for, or undefined. Accepts safe integers, doubles with no fraction
 * and decimal-integer strings (optional sign, surrounding whitespace, like Python's `int()`).
 * Booleans are not counts.
 */
export function coerceTokenCount(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value : undefined;
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.length === 0 || text.length > 16) return undefined;
    let i = text.charCodeAt(0) === 0x2d || text.charCodeAt(0) === 0x2b ? 1 : 0;
    if (i === text.length) return undefined;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return undefined;
    }
    return Number(text);
  }
  return undefined;
}

/** Rewrite the three OpenInference token counts in place when they can be made integers. */
export function coerceTokenCounts(attributes: Map<string, AttributeValue>): void {
  for (const key of COERCED_KEYS) {
    const value = attributes.get(key);
    if (value === undefined || (typeof value === 'number' && Number.isInteger(value))) continue;
    const count = coerceTokenCount(value);
    if (count !== undefined) attributes.set(key, count);
  }
}
