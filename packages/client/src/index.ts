/**
 * @heron/client — Heron's TypeScript SDK: tracing setup (`register`, `usingProject`,
 * `suppressTracing`), the query client (`HeronClient`), and evaluations
 * (`SpanEvaluations`, `TraceEvaluations`, `DocumentEvaluations`, `SessionEvaluations`).
 */
export const HERON_CLIENT_VERSION = '0.1.0';

export { register, instrumentationsReady } from './register.js';
export type { RegisterOptions, OtlpProtocol } from './register.js';
export {
  enableInstalledInstrumentations,
  KNOWN_INSTRUMENTATIONS,
  type InstrumentedModules,
  type TracingInstrumentation,
} from './auto-instrumentation.js';
export { AnthropicDuplicateSpanFilter } from './anthropic-sdk-spans.js';
export {
  usingProject,
  projectOverride,
  ProjectOverrideSpanProcessor,
  PROJECT_NAME_ATTRIBUTE,
} from './project-override.js';
export {
  suppressTracing,
  isTracingSuppressed,
  suppressTracingContext,
} from './suppress-tracing.js';
export { HeronClient, DEFAULT_ANNOTATIONS_PER_REQUEST } from './heron-client.js';
export type {
  HeronClientOptions,
  TraceQuery,
  SpanQuery,
  SessionQuery,
  SpansTableQuery,
  AnnotationInput,
  HeronTraceWithSpans,
  TimeWindow,
  ListOptions,
} from './heron-client.js';
export { HeronApiError } from './heron-api-error.js';
export { Paged } from './paged.js';
export { spanTree, type SpanNode } from './span-tree.js';
export * from './api-types.js';
export {
  SpanEvaluations,
  TraceEvaluations,
  SessionEvaluations,
  DocumentEvaluations,
  type AnyEvaluations,
  type EvaluationResult,
  type SpanEvaluationRow,
  type TraceEvaluationRow,
  type SessionEvaluationRow,
  type DocumentEvaluationRow,
  type AnnotationPayload,
} from './evaluations.js';
export {
  TraceDataset,
  defaultTraceDatasetDir,
  type DatasetSpan,
  type DatasetEvaluations,
} from './trace-dataset.js';
