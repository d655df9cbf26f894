/**
 * Heron's own metrics in the Prometheus text format (prom-client), one registry per server so
 * two servers in one process (tests) do not share counters.
 *
 * Every metric here is documented in the README ("Metrics and logs"); keep the two in step.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RejectedSpan } from '../spans/span-record.js';
import { rejectionReasonLabel, type RequestRejection } from './rejection-reason.js';

/** Transports an OTLP export arrives by. */
export type IngestTransport = 'http' | 'grpc';

/** What the ingest path reports; the queue and the receivers call these. */
export interface IngestObserver {
  received(transport: IngestTransport, spans: number): void;
  rejectedSpans(transport: IngestTransport, rejected: readonly RejectedSpan[]): void;
  rejectedRequest(transport: IngestTransport, reason: RequestRejection): void;
  committed(spans: number, seconds: number): void;
  commitFailed(spans: number): void;
}

export interface MetricSources {
  /** Spans waiting for commit right now. */
  queuedSpans(): number;
  /** Bytes the database takes on disk (cached by the caller); undefined when unknown. */
  databaseBytes(): Promise<number | undefined>;
}

export class HeronMetrics implements IngestObserver {
  readonly registry = new Registry();
  private readonly spansReceived: Counter<'transport'>;
  private readonly spansStored: Counter;
  private readonly spansRejected: Counter<'transport' | 'reason'>;
  private readonly requestsRejected: Counter<'transport' | 'reason'>;
  private readonly commitFailures: Counter;
  private readonly commitBatchSpans: Histogram;
  private readonly commitSeconds: Histogram;
  readonly httpRequestSeconds: Histogram<'method' | 'route' | 'status_code'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.spansReceived = new Counter({
      name: 'heron_spans_received_total',
      help: 'Spans received in OTLP export requests that decoded, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.spansStored = new Counter({
      name: 'heron_spans_stored_total',
      help: 'Spans committed to the database (acknowledged to the exporter)',
      registers,
    });
    this.spansRejected = new Counter({
      name: 'heron_spans_rejected_total',
      help: 'Spans of decoded requests that were not stored, by reason (partial success)',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.requestsRejected = new Counter({
      name: 'heron_export_requests_rejected_total',
      help: 'OTLP export requests refused whole, by reason',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.commitFailures = new Counter({
      name: 'heron_commit_failures_total',
      help: 'Span batches whose commit failed (database unavailable or full); their requests got 503',
      registers,
    });
    this.commitBatchSpans = new Histogram({
      name: 'heron_commit_batch_spans',
      help: 'Spans per group commit (one transaction)',
      buckets: [1, 10, 50, 100, 500, 1000, 2500, 5000, 10000],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'heron_commit_duration_seconds',
      help: 'Time to commit one batch of spans',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.httpRequestSeconds = new Histogram({
      name: 'heron_http_request_duration_seconds',
      help: 'HTTP request durations by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'heron_ingest_queue_spans',
      help: 'Spans waiting in the ingest queue for their commit',
      registers,
      collect() {
        this.set(sources.queuedSpans());
      },
    });
    new Gauge({
      name: 'heron_database_size_bytes',
      help: "Bytes on disk of Heron's database (SQLite file + WAL, or the PostgreSQL schema's tables and indexes)",
      registers,
      async collect() {
        const bytes = await sources.databaseBytes();
        if (bytes !== undefined) this.set(bytes);
      },
    });
  }

  received(transport: IngestTransport, spans: number): void {
    if (spans > 0) this.spansReceived.inc({ transport }, spans);
  }

  rejectedSpans(transport: IngestTransport, rejected: readonly RejectedSpan[]): void {
    for (const span of rejected) {
      this.spansRejected.inc({ transport, reason: rejectionReasonLabel(span.reason) });
    }
  }

  rejectedRequest(transport: IngestTransport, reason: RequestRejection): void {
    this.requestsRejected.inc({ transport, reason });
  }

  committed(spans: number, seconds: number): void {
    this.spansStored.inc(spans);
    this.commitBatchSpans.observe(spans);
    this.commitSeconds.observe(seconds);
  }

  commitFailed(): void {
    this.commitFailures.inc();
  }

  /** The text exposition, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
