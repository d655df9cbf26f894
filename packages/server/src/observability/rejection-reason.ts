/**
 * Bounded label values for rejections. A metric label must come from a small fixed set (each
 * value is a separate time series), so the normalizer's free-text reasons are folded into kinds.
 */
import { QueueClosedError, QueueFullError } from '../ingest/ingest-queue.js';
import { OtlpDecodeError } from '../otlp/otlp-decode-error.js';

/** Why a whole OTLP export request was refused. */
export type RequestRejection =
  | 'malformed'
  | 'unsupported_content_type'
  | 'too_large'
  | 'queue_full'
  | 'shutting_down'
  | 'database_unavailable';

/** The kind of a span-level rejection reason (see spans/span-ids.ts and span-normalizer.ts). */
export function rejectionReasonLabel(reason: string): string {
  if (reason.startsWith('trace_id')) return 'invalid_trace_id';
  if (reason.startsWith('span_id')) return 'invalid_span_id';
  if (reason.startsWith('parent_span_id')) return 'invalid_parent_span_id';
  if (reason.includes('time_unix_nano')) return 'invalid_timestamps';
  return 'other';
}

/** The kind of an error that refused a whole export request (see otlp/http-receiver.ts). */
export function requestRejectionOf(error: unknown): RequestRejection {
  if (error instanceof QueueFullError) return 'queue_full';
  if (error instanceof QueueClosedError) return 'shutting_down';
  if (error instanceof OtlpDecodeError) return 'malformed';
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 415) return 'unsupported_content_type';
  if (status === 413) return 'too_large';
  if (status !== undefined && status >= 400 && status < 500) return 'malformed';
  return 'database_unavailable';
}
