/**
 * Stored spans as CSV (RFC 4180): one flat row per span, the columns a spreadsheet user looks
 * at first, with the full attributes as one JSON column. Fields holding a comma, quote or line
 * break are quoted, quotes doubled; nothing else is, so numbers stay numbers.
 */
import { flattenAttributes } from '../spans/unflatten.js';
import type { StoredSpan } from '../store/store.js';
import { isoFromUnixNano } from '../api/timestamps.js';

export const CSV_COLUMNS = [
  'trace_id',
  'span_id',
  'parent_id',
  'name',
  'span_kind',
  'status_code',
  'status_message',
  'start_time',
  'end_time',
  'latency_ms',
  'session_id',
  'user_id',
  'model_name',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost',
  'input',
  'output',
  'attributes',
] as const;

type CsvValue = string | number | null | undefined;

function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvLine(CSV_COLUMNS);
}

export function csvSpanRow(span: StoredSpan): string {
  const attributes = flattenAttributes(span.attributes);
  const text = (key: string) => {
    const value = attributes[key];
    return value === undefined || value === null
      ? null
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  };
  return csvLine([
    span.traceId,
    span.spanId,
    span.parentId,
    span.name,
    span.spanKind,
    span.statusCode,
    span.statusMessage,
    isoFromUnixNano(span.startTimeUnixNano),
    isoFromUnixNano(span.endTimeUnixNano),
    span.latencyMs,
    span.sessionId,
    span.userId,
    span.modelName,
    span.promptTokens,
    span.completionTokens,
    span.totalTokens,
    span.cost?.total ?? null,
    text('input.value'),
    text('output.value'),
    JSON.stringify(attributes),
  ]);
}
