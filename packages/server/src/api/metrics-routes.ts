/**
 * Heron: the Metrics tab's figures of a project over a time range — traces per time bucket
 * (ok/error counts, latency percentiles, tokens, cost), LLM usage by model, spans by kind.
 * Bad parameters are 400 naming the parameter, like the other UI endpoints.
 */
import type { FastifyInstance } from 'fastify';
import type { ProjectMetrics } from '../store/project-metrics.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { planBuckets } from './metrics-buckets.js';
import { resolveProject } from './project-lookup.js';
import { stringParam, type QueryParams } from './query-params.js';
import { isoFromUnixNano, unixNanoFromIso } from './timestamps.js';
import type { UiApiLimits } from './ui-api-limits.js';

/** The range when the client gives none: the last 7 days. */
export const DEFAULT_METRICS_RANGE_NS = 7n * 86_400n * 1_000_000_000n;
/** Models listed, most tokens first (the rest are left out). */
export const METRICS_MODEL_LIMIT = 20;
/** Widest bucket_seconds accepted: 10 years. */
const MAX_BUCKET_SECONDS = 10 * 365 * 86_400;

function timeParam(query: QueryParams, name: string): bigint | undefined {
  const raw = stringParam(query, name);
  if (raw === undefined || raw === '') return undefined;
  const ns = unixNanoFromIso(raw);
  if (ns === null) {
    throw new ApiError(
      400,
      `${name} must be an ISO 8601 timestamp (e.g. 2024-05-01T12:00:00Z), got "${raw}"`,
    );
  }
  // Buckets are bound as signed 64-bit nanoseconds (the fuzz suite found a 500 on year 9999).
  if (ns < -(2n ** 63n) || ns > 2n ** 63n - 1n - DEFAULT_METRICS_RANGE_NS) {
    throw new ApiError(400, `${name} must be between 1677-09-22 and 2262-04-01, got "${raw}"`);
  }
  return ns;
}

function bucketSecondsParam(query: QueryParams): number | undefined {
  const raw = stringParam(query, 'bucket_seconds');
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_BUCKET_SECONDS) {
    throw new ApiError(
      400,
      `bucket_seconds must be a whole number of seconds between 1 and ${MAX_BUCKET_SECONDS}, got "${raw}"`,
    );
  }
  return value;
}

export function metricsJson(metrics: ProjectMetrics) {
  return {
    buckets: metrics.buckets.map((bucket) => ({
      start_time: isoFromUnixNano(bucket.startTimeUnixNano),
      trace_count: bucket.traceCount,
      error_trace_count: bucket.errorTraceCount,
      latency_ms_p50: bucket.latencyMsP50,
      latency_ms_p90: bucket.latencyMsP90,
      latency_ms_p99: bucket.latencyMsP99,
      prompt_tokens: bucket.promptTokens,
      completion_tokens: bucket.completionTokens,
      total_tokens: bucket.totalTokens,
      cost: bucket.cost,
    })),
    models: metrics.models.map((model) => ({
      model_name: model.modelName,
      span_count: model.spanCount,
      prompt_tokens: model.promptTokens,
      completion_tokens: model.completionTokens,
      total_tokens: model.totalTokens,
      cost: model.cost,
    })),
    span_kinds: metrics.spanKinds.map((kind) => ({
      span_kind: kind.spanKind,
      span_count: kind.spanCount,
    })),
  };
}

export function registerMetricsRoutes(
  app: FastifyInstance,
  store: Store,
  limits: UiApiLimits,
): void {
  app.get('/v1/projects/:project_identifier/metrics', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    const givenStart = timeParam(query, 'start_time');
    const givenEnd = timeParam(query, 'end_time');
    const end = givenEnd ?? BigInt(Date.now()) * 1_000_000n;
    const start = givenStart ?? end - DEFAULT_METRICS_RANGE_NS;
    if (start >= end) {
      throw new ApiError(400, 'start_time must be before end_time');
    }
    const plan = planBuckets(start, end, bucketSecondsParam(query), limits.maxMetricsBuckets);
    const metrics = await store.projectMetrics(project.rowid, {
      startTime: plan.startTime,
      endTime: plan.endTime,
      bucketNs: BigInt(plan.bucketSeconds) * 1_000_000_000n,
      modelLimit: METRICS_MODEL_LIMIT,
    });
    return {
      data: {
        start_time: isoFromUnixNano(plan.startTime),
        end_time: isoFromUnixNano(plan.endTime),
        bucket_seconds: plan.bucketSeconds,
        ...metricsJson(metrics),
      },
    };
  });
}
