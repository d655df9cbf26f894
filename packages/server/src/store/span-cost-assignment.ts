/**
 * Pricing spans on their way into the store. Both backends call this from `insertSpans`, on the
 * calling thread, before the spans become rows: the catalog is a cached lookup per model, so it
 * costs a map lookup and a few multiplications per LLM span, and the SQLite writer thread (the
 * one serial part of ingestion) stays busy with SQLite only.
 */
import { tokenCountAttribute, type PriceCatalog } from '../spans/prices/price-catalog.js';
import type { SpanRecord } from '../spans/span-record.js';

export function assignSpanCosts(spans: SpanRecord[], catalog: PriceCatalog): void {
  for (const span of spans) {
    const cost =
      span.spanKind === 'LLM' && span.modelName
        ? catalog.costOf({
            spanKind: span.spanKind,
            modelName: span.modelName,
            provider: span.provider,
            startTimeUnixNano: span.startTimeUnixNano,
            promptTokens: span.promptTokens,
            completionTokens: span.completionTokens,
            tokenCount: tokenCountAttribute(span.attributes),
          })
        : null;
    if (cost) span.cost = cost;
    else delete span.cost;
  }
}
