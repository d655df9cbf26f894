/**
 * OTLP export request -> SpanRecords (or rejections), on the ingest hot path.
 *
 * Per span: validate ids and times, apply the attribute limits, map GenAI conventions to
 * OpenInference, decode JSON-string attributes, coerce token counts, un-flatten, and derive the
 * columns queries use. Written for throughput (tens of thousands of spans per second on one
 * core): one pass over the attributes into a Map, charCode checks instead of regexes, no object
 * spreading, and resource-level work done once per ResourceSpans.
 */
import type {
  AttributeValue,
  OtlpEvent,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpLink,
  OtlpSpan,
} from '../otlp/otlp-types.js';
import {
  DROPPED_ATTRIBUTES_COUNT_KEY,
  TRUNCATED_ATTRIBUTES_KEY,
  limitValueLength,
  limitedAttributesToRecord,
} from './attribute-limits.js';
import { applyGenAiMapping, isGenAiKey } from './gen-ai-mapping.js';
import { decodeJsonStringAttributes } from './json-string-attributes.js';
import { isAttributeObject, type AttributeRecord } from './own-property.js';
import { PROJECT_NAME_ATTRIBUTE, projectNameFrom, resolveResourceProject } from './project-name.js';
import {
  SPAN_ID_HEX_LENGTH,
  TRACE_ID_HEX_LENGTH,
  checkParentSpanId,
  checkRequiredId,
} from './span-ids.js';
import type { SpanLimits } from './span-limits.js';
import {
  SPAN_KINDS,
  type NormalizedExport,
  type RejectedSpan,
  type SpanEventRecord,
  type SpanKind,
  type SpanLinkRecord,
  type SpanRecord,
  type StatusCode,
} from './span-record.js';
import { INPUT_PREVIEW_LENGTH, textPreview } from './text-preview.js';
import { coerceTokenCounts } from './token-counts.js';
import { unflattenAttributes } from './unflatten.js';

export { INPUT_PREVIEW_LENGTH } from './text-preview.js';
export { TRUNCATION_MARKER } from './attribute-limits.js';

export interface NormalizeOptions {
  /** `x-project-name` header of the HTTP request, if any. */
  headerProjectName?: string;
  limits: SpanLimits;
}

const JSON_MIME = 'application/json';

const KNOWN_KINDS: ReadonlySet<string> = new Set(SPAN_KINDS);

/** `openinference.span.kind`, trimmed and upper-cased; UNKNOWN when absent or unrecognised. */
export function spanKindFrom(value: AttributeValue | undefined): SpanKind {
  if (typeof value !== 'string') return 'UNKNOWN';
  const kind = value.trim().toUpperCase();
  return KNOWN_KINDS.has(kind) ? (kind as SpanKind) : 'UNKNOWN';
}

/** OTLP status code -> status; anything but 1 (OK) and 2 (ERROR) is UNSET. */
export function statusCodeFrom(code: number): StatusCode {
  return code === 1 ? 'OK' : code === 2 ? 'ERROR' : 'UNSET';
}

/** Normalize every span of an export request. Never throws for bad span data. */
export function normalizeExportRequest(
  request: OtlpExportRequest,
  options: NormalizeOptions,
): NormalizedExport {
  const spans: SpanRecord[] = [];
  const rejected: RejectedSpan[] = [];
  const { limits } = options;
  for (const resourceSpans of request.resourceSpans) {
    const projectName = resolveResourceProject(
      options.headerProjectName,
      resourceSpans.resourceAttributes,
    );
    // Shared by every span of this resource: built once, and treated as read-only downstream.
    const resourceAttributes = limitedAttributesToRecord(
      resourceSpans.resourceAttributes,
      0,
      limits,
    );
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scopeName = scopeSpans.scope.name;
      const scopeVersion = scopeSpans.scope.version;
      for (const span of scopeSpans.spans) {
        const problem = validate(span);
        if (problem !== undefined) {
          rejected.push(problem);
          continue;
        }
        spans.push(
          normalizeSpan(span, projectName, resourceAttributes, scopeName, scopeVersion, limits),
        );
      }
    }
  }
  return { spans, rejected };
}

function reject(span: OtlpSpan, reason: string): RejectedSpan {
  return { traceId: span.traceId, spanId: span.spanId, reason };
}

/** Why the span cannot be stored, or undefined if it can. */
function validate(span: OtlpSpan): RejectedSpan | undefined {
  const traceId = checkRequiredId('trace_id', span.traceId, TRACE_ID_HEX_LENGTH);
  if (!traceId.ok) return reject(span, traceId.reason);
  const spanId = checkRequiredId('span_id', span.spanId, SPAN_ID_HEX_LENGTH);
  if (!spanId.ok) return reject(span, spanId.reason);
  const parentId = checkParentSpanId(span.parentSpanId);
  if (!parentId.ok) return reject(span, parentId.reason);
  if (span.startTimeUnixNano <= 0n) {
    return reject(span, 'start_time_unix_nano must be greater than 0');
  }
  if (span.endTimeUnixNano < span.startTimeUnixNano) {
    return reject(
      span,
      `end_time_unix_nano (${span.endTimeUnixNano}) is before start_time_unix_nano ` +
        `(${span.startTimeUnixNano})`,
    );
  }
  return undefined;
}

/** `validate` already proved these ids well-formed; only the case may need folding. */
function lowerHex(id: string): string {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 0x41 && c <= 0x46) return id.toLowerCase();
  }
  return id;
}

function normalizeSpan(
  span: OtlpSpan,
  resourceProject: string,
  resourceAttributes: AttributeRecord,
  scopeName: string,
  scopeVersion: string,
  limits: SpanLimits,
): SpanRecord {
  // --- attributes: limits, into a flat map (last duplicate wins) -------------------------------
  const received = span.attributes;
  const receivedCount = received.length;
  const keptCount =
    receivedCount > limits.maxAttributesPerSpan ? limits.maxAttributesPerSpan : receivedCount;
  const maxLength = limits.maxAttributeValueLength;
  const flat = new Map<string, AttributeValue>();
  let truncatedKeys: string[] | undefined;
  let genAi = false;
  for (let i = 0; i < keptCount; i++) {
    const { key, value } = received[i] as OtlpKeyValue;
    if (value === null || value === undefined) continue;
    let kept: AttributeValue = value;
    if (typeof value === 'string') {
      if (value.length > maxLength) kept = limitValueLength(value, maxLength);
    } else if (typeof value === 'object') {
      kept = limitValueLength(value, maxLength);
    }
    if (kept !== value) (truncatedKeys ??= []).push(key);
    if (!genAi && isGenAiKey(key)) genAi = true;
    flat.set(key, kept);
  }
  const dropped = receivedCount - keptCount + Math.max(0, span.droppedAttributesCount);
  if (dropped > 0) flat.set(DROPPED_ATTRIBUTES_COUNT_KEY, dropped);
  if (truncatedKeys !== undefined) flat.set(TRUNCATED_ATTRIBUTES_KEY, truncatedKeys);

  // --- semantics on the flat form ----------------------------------------------------------------
  if (genAi) applyGenAiMapping(flat);
  decodeJsonStringAttributes(flat);
  coerceTokenCounts(flat);

  const projectName = projectNameFrom(flat.get(PROJECT_NAME_ATTRIBUTE)) ?? resourceProject;
  const spanKind = spanKindFrom(flat.get('openinference.span.kind'));

  const attributes = unflattenAttributes(flat);
  serializeIoValue(attributes, 'input');
  serializeIoValue(attributes, 'output');

  // --- derived columns (read from the nested form, as Phoenix's columns are) ----------------------
  const llm = attributes['llm'];
  const tokenCount = isAttributeObject(llm) ? llm['token_count'] : undefined;
  const promptTokens = integerAt(tokenCount, 'prompt');
  const completionTokens = integerAt(tokenCount, 'completion');
  let totalTokens = integerAt(tokenCount, 'total');
  if (totalTokens === null && (promptTokens !== null || completionTokens !== null)) {
    totalTokens = (promptTokens ?? 0) + (completionTokens ?? 0);
  }

  const start = span.startTimeUnixNano;
  const end = span.endTimeUnixNano;
  const parentId = span.parentSpanId;

  return {
    projectName,
    traceId: lowerHex(span.traceId),
    spanId: lowerHex(span.spanId),
    parentId: isRootParent(parentId) ? null : lowerHex(parentId),
    name: span.name,
    spanKind,
    otelKind: span.kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    latencyMs: Number(end - start) / 1e6,
    statusCode: statusCodeFrom(span.status.code),
    statusMessage: span.status.message,
    attributes,
    events: span.events.length === 0 ? [] : span.events.map((event) => toEvent(event, limits)),
    links: span.links.length === 0 ? [] : span.links.map((link) => toLink(link, limits)),
    resourceAttributes,
    scopeName,
    scopeVersion,
    traceState: span.traceState,
    flags: span.flags,
    sessionId: idAt(attributes['session']),
    userId: idAt(attributes['user']),
    modelName: stringAt(llm, 'model_name') ?? stringAt(attributes['embedding'], 'model_name'),
    provider: stringAt(llm, 'provider') ?? stringAt(llm, 'system'),
    promptTokens,
    completionTokens,
    totalTokens,
    inputPreview: previewAt(attributes['input']),
    outputPreview: previewAt(attributes['output']),
  };
}

function isRootParent(parentId: string): boolean {
  if (parentId.length === 0) return true;
  for (let i = 0; i < parentId.length; i++) if (parentId.charCodeAt(i) !== 0x30) return false;
  return true;
}

/**
 * A non-string `input.value` / `output.value` (a kvlist, an array, a number) is stored as JSON
 * text with mime type application/json, as Phoenix does, so readers can rely on a string.
 */
function serializeIoValue(attributes: AttributeRecord, root: 'input' | 'output'): void {
  const node = attributes[root];
  if (!isAttributeObject(node)) return;
  const value = node['value'];
  if (value === undefined || value === null || typeof value === 'string') return;
  node['value'] = JSON.stringify(value);
  node['mime_type'] = JSON_MIME;
}

function integerAt(node: AttributeValue | undefined, key: string): number | null {
  if (!isAttributeObject(node)) return null;
  const value = node[key];
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function stringAt(node: AttributeValue | undefined, key: string): string | null {
  if (!isAttributeObject(node)) return null;
  const value = node[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** `session.id` / `user.id`: strings, and numbers some SDKs send, as strings. */
function idAt(node: AttributeValue | undefined): string | null {
  if (!isAttributeObject(node)) return null;
  const value = node['id'];
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function previewAt(node: AttributeValue | undefined): string | null {
  if (!isAttributeObject(node)) return null;
  const value = node['value'];
  return typeof value === 'string' ? textPreview(value, INPUT_PREVIEW_LENGTH) : null;
}

function toEvent(event: OtlpEvent, limits: SpanLimits): SpanEventRecord {
  return {
    name: event.name,
    timeUnixNano: event.timeUnixNano.toString(),
    attributes: limitedAttributesToRecord(event.attributes, event.droppedAttributesCount, limits),
  };
}

function toLink(link: OtlpLink, limits: SpanLimits): SpanLinkRecord {
  return {
    traceId: lowerHex(link.traceId),
    spanId: lowerHex(link.spanId),
    traceState: link.traceState,
    attributes: limitedAttributesToRecord(link.attributes, link.droppedAttributesCount, limits),
  };
}
