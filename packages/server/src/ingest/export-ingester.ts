/**
 * What every OTLP transport (HTTP protobuf, HTTP JSON, gRPC) does with a decoded export
 * request: normalize its spans, queue the valid ones for a durable commit, and report the
 * invalid ones as a partial success.
 */
import type { OtlpExportRequest } from '../otlp/otlp-types.js';
import { normalizeExportRequest } from '../spans/span-normalizer.js';
import type { SpanLimits } from '../spans/span-limits.js';
import type { RejectedSpan } from '../spans/span-record.js';
import type { IngestObserver, IngestTransport } from '../observability/heron-metrics.js';
import { requestRejectionOf } from '../observability/rejection-reason.js';
import type { IngestQueue } from './ingest-queue.js';

export interface ExportOutcome {
  acceptedSpans: number;
  rejected: RejectedSpan[];
}

/** How many rejection reasons are spelled out in the partial-success message. */
const MAX_REASONS_IN_MESSAGE = 5;

export class ExportIngester {
  constructor(
    private readonly queue: IngestQueue,
    private readonly spanLimits: SpanLimits,
    private readonly observer?: IngestObserver,
  ) {}

  /**
   * Resolves after the accepted spans are committed; rejects with QueueFullError when full.
   *
   * Not an `async` function on purpose: V8 keeps every local of a suspended async function
   * alive, so the decoded request and its span records would live until the commit, surviving
   * garbage collections by the hundred megabytes under load. Here only the counts wait.
   */
  ingest(
    request: OtlpExportRequest,
    headerProjectName?: string,
    transport: IngestTransport = 'http',
  ): Promise<ExportOutcome> {
    const { spans, rejected } = normalizeExportRequest(request, {
      headerProjectName,
      limits: this.spanLimits,
    });
    this.observer?.received(transport, spans.length + rejected.length);
    if (rejected.length > 0) this.observer?.rejectedSpans(transport, rejected);
    const acceptedSpans = spans.length;
    return this.queue.submit(spans).then(() => ({ acceptedSpans, rejected }));
  }

  /** Counts a whole request refused (malformed, too large, queue full, database down…). */
  refused(transport: IngestTransport, error: unknown): void {
    this.observer?.rejectedRequest(transport, requestRejectionOf(error));
  }
}

/** The OTLP partial_success of an export: null when every span was accepted. */
export function partialSuccessOf(
  outcome: ExportOutcome,
): { rejectedSpans: number; errorMessage: string } | null {
  if (outcome.rejected.length === 0) return null;
  return {
    rejectedSpans: outcome.rejected.length,
    errorMessage: describeRejections(outcome.rejected),
  };
}

function describeRejections(rejected: RejectedSpan[]): string {
  const shown = rejected
    .slice(0, MAX_REASONS_IN_MESSAGE)
    .map((r) => `span ${r.spanId || '(none)'} of trace ${r.traceId || '(none)'}: ${r.reason}`);
  const more = rejected.length - shown.length;
  return `${rejected.length} span(s) rejected: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
