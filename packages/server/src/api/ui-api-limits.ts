/**
 * Bounds on the web UI's endpoints (metrics, saved views, filter suggestions), each with its
 * default here and its HERON_* setting in config.ts.
 */
export interface UiApiLimits {
  /** Saved views one project may hold (HERON_MAX_SAVED_VIEWS_PER_PROJECT). */
  maxSavedViewsPerProject: number;
  /** Characters in a saved view's name (HERON_MAX_SAVED_VIEW_NAME_LENGTH). */
  maxSavedViewNameLength: number;
  /** Columns one saved view may list (HERON_MAX_SAVED_VIEW_COLUMNS). */
  maxSavedViewColumns: number;
  /** Time buckets one metrics request may ask for (HERON_MAX_METRICS_BUCKETS). */
  maxMetricsBuckets: number;
  /** Newest spans whose attribute keys are suggested (HERON_FILTER_SUGGESTION_SAMPLE_SPANS). */
  filterSuggestionSampleSpans: number;
  /** Attribute keys (and annotation names) suggested at most (HERON_MAX_FILTER_SUGGESTIONS). */
  maxFilterSuggestions: number;
}

export const DEFAULT_UI_API_LIMITS: Readonly<UiApiLimits> = Object.freeze({
  maxSavedViewsPerProject: 100,
  maxSavedViewNameLength: 100,
  maxSavedViewColumns: 100,
  maxMetricsBuckets: 1000,
  filterSuggestionSampleSpans: 2000,
  maxFilterSuggestions: 1000,
});
