/** Per-span limits applied while normalizing. Every limit has a default here and a setting in config.ts. */
export interface SpanLimits {
  /** Attributes beyond this count are dropped (reported in `heron.dropped_attributes_count`). */
  maxAttributesPerSpan: number;
  /** String attribute values longer than this are cut and end with TRUNCATION_MARKER. */
  maxAttributeValueLength: number;
}

export const DEFAULT_SPAN_LIMITS: SpanLimits = {
  maxAttributesPerSpan: 1024,
  maxAttributeValueLength: 1_048_576,
};
