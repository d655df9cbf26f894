/**
 * The span as Heron stores it: OTLP semantics resolved (OpenInference or gen_ai.*), attributes
 * un-flattened, and the derived columns that queries filter and sort on.
 *
 * Produced by `normalizeExportRequest` (spans/), consumed by the ingest queue and the `Store`.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import type { SpanCost } from './prices/span-cost.js';

export type StatusCode = 'UNSET' | 'OK' | 'ERROR';

/** OpenInference span kinds, plus UNKNOWN when `openinference.span.kind` is absent or unrecognised. */
export const SPAN_KINDS = [
  'LLM',
  'CHAIN',
  'TOOL',
  'RETRIEVER',
  'RERANKER',
  'EMBEDDING',
  'AGENT',
  'GUARDRAIL',
  'EVALUATOR',
  'PROMPT',
  'UNKNOWN',
] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

export interface SpanEventRecord {
  name: string;
  /** Nanoseconds since the epoch, as a decimal string (JSON-safe, exact). */
  timeUnixNano: string;
  /** Event attributes as flat key/value pairs exactly as sent (e.g. `exception.stacktrace`). */
  attributes: Record<string, AttributeValue>;
}

export interface SpanLinkRecord {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Record<string, AttributeValue>;
}

export interface SpanRecord {
  /** Project the span belongs to, resolved from header / resource attribute / `default`. */
  projectName: string;
  traceId: string; // 32 lower-case hex chars
  spanId: string; // 16 lower-case hex chars
  parentId: string | null; // 16 hex chars, or null for a root span
  name: string;
  spanKind: SpanKind;
  /** OTel SpanKind number (0–5), kept although Phoenix drops it. */
  otelKind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** (end − start) in milliseconds, fractional. */
  latencyMs: number;
  statusCode: StatusCode;
  statusMessage: string;
  /** Un-flattened attributes (nested objects and arrays), JSON-string attributes parsed. */
  attributes: Record<string, AttributeValue>;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
  /** Resource attributes, flat as sent (e.g. `service.name`). */
  resourceAttributes: Record<string, AttributeValue>;
  scopeName: string;
  scopeVersion: string;
  traceState: string;
  flags: number;
  // Derived columns for fast queries (null when not present on the span).
  sessionId: string | null;
  userId: string | null;
  modelName: string | null;
  provider: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  /** The first characters of `input.value` / `output.value` (see INPUT_PREVIEW_LENGTH). */
  inputPreview: string | null;
  outputPreview: string | null;
  /**
   * What the span cost under the price that applied (spans/prices/), set by the store when it
   * writes the span. Absent: no price (not an LLM span, no tokens, or an unknown model).
   */
  cost?: SpanCost;
}

/** A span that was refused, reported back as OTLP partial success. */
export interface RejectedSpan {
  traceId: string;
  spanId: string;
  reason: string;
}

export interface NormalizedExport {
  spans: SpanRecord[];
  rejected: RejectedSpan[];
}
