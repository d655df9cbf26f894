/**
 * What the filter bar suggests while a user types: attribute paths seen in the project's recent
 * spans, annotation names used in the project, and the span kinds it has. Both backends answer
 * `Store.filterSuggestions` with this shape.
 */

export interface FilterSuggestionsQuery {
  /** How many of the newest spans to read attribute keys from. */
  sampleSpans: number;
  /** Most attribute keys to return (alphabetically first). */
  maxKeys: number;
}

export interface FilterSuggestions {
  /** Dotted paths to the leaves of the attributes (`llm.model_name`, `metadata.tier`), sorted. */
  attributeKeys: string[];
  /** Names of the span, trace and session annotations in the project (notes left out), sorted. */
  annotationNames: string[];
  /** Span kinds present in the project, in SPAN_KINDS order. */
  spanKinds: string[];
}
