/**
 * SpanRecord ⇄ the flat row the SQLite writer inserts and the reader returns.
 *
 * Serialising on the main thread (JSON.stringify) keeps the writer worker busy with SQLite
 * only, and an array of primitives is cheap to post to a worker.
 */
import type { SpanRecord } from '../../spans/span-record.js';
import type { StoredSpan } from '../store.js';
import {
  SPAN_COST_COLUMNS,
  spanCostFromColumns,
  spanCostValues,
} from '../../spans/prices/span-cost-columns.js';

/** Column order of `SpanRow` after the leading project name; matches the upsert statement. */
export const SPAN_ROW_COLUMNS = [
  'trace_id',
  'span_id',
  'parent_id',
  'name',
  'span_kind',
  'otel_kind',
  'start_time',
  'end_time',
  'latency_ms',
  'status_code',
  'status_message',
  'attributes',
  'events',
  'links',
  'resource_attributes',
  'scope_name',
  'scope_version',
  'trace_state',
  'flags',
  'session_id',
  'user_id',
  'model_name',
  'provider',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'input_preview',
  'output_preview',
  ...SPAN_COST_COLUMNS,
] as const;

/** [projectName, ...values in SPAN_ROW_COLUMNS order] */
export type SpanRow = unknown[];

/**
 * `resourceJson` caches the serialised resource per object: the normalizer shares one resource
 * object among all spans of a ResourceSpans, so it is stringified once per request, not per span.
 */
export function toSpanRow(span: SpanRecord, resourceJson = new Map<object, string>()): SpanRow {
  let resource = resourceJson.get(span.resourceAttributes);
  if (resource === undefined) {
    resource = JSON.stringify(span.resourceAttributes);
    resourceJson.set(span.resourceAttributes, resource);
  }
  return [
    span.projectName,
    span.traceId,
    span.spanId,
    span.parentId,
    span.name,
    span.spanKind,
    span.otelKind,
    span.startTimeUnixNano,
    span.endTimeUnixNano,
    span.latencyMs,
    span.statusCode,
    span.statusMessage,
    JSON.stringify(span.attributes),
    JSON.stringify(span.events),
    JSON.stringify(span.links),
    resource,
    span.scopeName,
    span.scopeVersion,
    span.traceState,
    span.flags,
    span.sessionId,
    span.userId,
    span.modelName,
    span.provider,
    span.promptTokens,
    span.completionTokens,
    span.totalTokens,
    span.inputPreview,
    span.outputPreview,
    ...spanCostValues(span.cost),
  ];
}

/** A `spans` row as read with safeIntegers (integers arrive as bigint). */
export interface SpanDbRow {
  id: bigint;
  project_id: bigint;
  trace_id: string;
  span_id: string;
  parent_id: string | null;
  name: string;
  span_kind: string;
  otel_kind: bigint;
  start_time: bigint;
  end_time: bigint;
  latency_ms: number;
  status_code: string;
  status_message: string;
  attributes: string;
  events: string;
  links: string;
  resource_attributes: string;
  scope_name: string;
  scope_version: string;
  trace_state: string;
  flags: bigint;
  session_id: string | null;
  user_id: string | null;
  model_name: string | null;
  provider: string | null;
  prompt_tokens: bigint | null;
  completion_tokens: bigint | null;
  total_tokens: bigint | null;
  input_preview: string | null;
  output_preview: string | null;
  cost: number | null;
  cost_prompt: number | null;
  cost_completion: number | null;
  cost_details: string | null;
  cost_price_id: string | null;
}

const toNumber = (value: bigint | null): number | null => (value === null ? null : Number(value));

export function fromSpanDbRow(row: SpanDbRow): StoredSpan {
  return {
    rowid: Number(row.id),
    projectId: Number(row.project_id),
    traceId: row.trace_id,
    spanId: row.span_id,
    parentId: row.parent_id,
    name: row.name,
    spanKind: row.span_kind as StoredSpan['spanKind'],
    otelKind: Number(row.otel_kind),
    startTimeUnixNano: row.start_time,
    endTimeUnixNano: row.end_time,
    latencyMs: row.latency_ms,
    statusCode: row.status_code as StoredSpan['statusCode'],
    statusMessage: row.status_message,
    attributes: JSON.parse(row.attributes),
    events: JSON.parse(row.events),
    links: JSON.parse(row.links),
    resourceAttributes: JSON.parse(row.resource_attributes),
    scopeName: row.scope_name,
    scopeVersion: row.scope_version,
    traceState: row.trace_state,
    flags: Number(row.flags),
    sessionId: row.session_id,
    userId: row.user_id,
    modelName: row.model_name,
    provider: row.provider,
    promptTokens: toNumber(row.prompt_tokens),
    completionTokens: toNumber(row.completion_tokens),
    totalTokens: toNumber(row.total_tokens),
    inputPreview: row.input_preview,
    outputPreview: row.output_preview,
    // Only priced spans carry a cost (absent = no price).
    ...withCost(row),
  };
}

function withCost(row: SpanDbRow): Pick<StoredSpan, 'cost'> {
  const cost = spanCostFromColumns(
    row.cost,
    row.cost_prompt,
    row.cost_completion,
    row.cost_details,
    row.cost_price_id,
  );
  return cost === undefined ? {} : { cost };
}
