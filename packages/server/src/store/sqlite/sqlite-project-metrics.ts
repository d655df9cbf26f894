/**
 * The Metrics charts' figures on SQLite (store/project-metrics.ts), run in a reader thread.
 *
 * Trace figures come from the traces in the range, read from traces_project_start_totals alone:
 * sums per bucket in SQL, and the (bucket, latency) pairs once more for exact nearest-rank
 * percentiles (sorted per bucket here; SQLite has no percentile aggregate). Span figures come
 * from spans_project_kind_start alone (migration 0006): one range seek per span kind. The two
 * halves are separate read operations, so the store runs them on two reader threads at once.
 */
import type Database from 'better-sqlite3';
import { SPAN_KINDS } from '../../spans/span-record.js';
import {
  nearestRank,
  type FilledBucket,
  type ModelUsage,
  type ProjectMetrics,
  type ProjectMetricsQuery,
  type SpanKindCount,
} from '../project-metrics.js';

const IN_RANGE = 'project_id = ? AND start_time >= ? AND start_time < ?';

/** The buckets that have traces. */
export function projectTraceMetrics(
  db: Database.Database,
  projectId: number,
  query: ProjectMetricsQuery,
): FilledBucket[] {
  const { startTime, endTime, bucketNs } = query;
  const range = [projectId, startTime, endTime];
  const sums = db
    .prepare(
      `SELECT (start_time - ?) / ? AS bucket, COUNT(*) AS trace_count,
         SUM(error_count > 0) AS error_trace_count, SUM(prompt_tokens) AS prompt_tokens,
         SUM(completion_tokens) AS completion_tokens, SUM(total_tokens) AS total_tokens,
         SUM(cost) AS cost
       FROM traces INDEXED BY traces_project_start_totals WHERE ${IN_RANGE}
       GROUP BY bucket`,
    )
    .all(startTime, bucketNs, ...range) as {
    bucket: number;
    trace_count: number;
    error_trace_count: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost: number | null;
  }[];

  const latencies = new Map<number, number[]>();
  const pairs = db
    .prepare(
      `SELECT (start_time - ?) / ?, end_time - start_time
       FROM traces INDEXED BY traces_project_start_totals WHERE ${IN_RANGE}`,
    )
    .raw(true);
  for (const [bucket, latencyNs] of pairs.iterate(startTime, bucketNs, ...range) as Iterable<
    [number, number]
  >) {
    let list = latencies.get(bucket);
    if (!list) latencies.set(bucket, (list = []));
    list.push(latencyNs);
  }

  return sums.map((row) => {
    const sorted = Float64Array.from(latencies.get(row.bucket) ?? []).sort();
    const ms = (p: number) => {
      const ns = nearestRank(sorted, p);
      return ns === null ? null : ns / 1e6;
    };
    return {
      index: row.bucket,
      traceCount: row.trace_count,
      errorTraceCount: row.error_trace_count,
      latencyMsP50: ms(0.5),
      latencyMsP90: ms(0.9),
      latencyMsP99: ms(0.99),
      promptTokens: row.prompt_tokens,
      completionTokens: row.completion_tokens,
      totalTokens: row.total_tokens,
      cost: row.cost,
    };
  });
}

/** LLM usage by model and spans by kind. */
export function projectSpanMetrics(
  db: Database.Database,
  projectId: number,
  query: ProjectMetricsQuery,
): Pick<ProjectMetrics, 'models' | 'spanKinds'> {
  const range = [projectId, query.startTime, query.endTime];
  const models = db
    .prepare(
      `SELECT model_name, COUNT(*) AS span_count,
         COALESCE(SUM(prompt_tokens), 0) AS prompt_sum,
         COALESCE(SUM(completion_tokens), 0) AS completion_sum,
         COALESCE(SUM(total_tokens), 0) AS total_sum, SUM(cost) AS cost_sum
       FROM spans INDEXED BY spans_project_kind_start
       WHERE span_kind = 'LLM' AND ${IN_RANGE}
       GROUP BY model_name
       ORDER BY total_sum DESC, span_count DESC, model_name IS NULL, model_name
       LIMIT ?`,
    )
    .all(...range, query.modelLimit) as {
    model_name: string | null;
    span_count: number;
    prompt_sum: number;
    completion_sum: number;
    total_sum: number;
    cost_sum: number | null;
  }[];

  // `span_kind IN (…)` makes each kind its own range seek on (project_id, span_kind, start_time).
  const kinds = db
    .prepare(
      `SELECT span_kind, COUNT(*) AS span_count
       FROM spans INDEXED BY spans_project_kind_start
       WHERE span_kind IN (${SPAN_KINDS.map(() => '?').join(', ')}) AND ${IN_RANGE}
       GROUP BY span_kind ORDER BY span_count DESC, span_kind`,
    )
    .all(...SPAN_KINDS, ...range) as { span_kind: string; span_count: number }[];

  return {
    models: models.map((row): ModelUsage => ({
      modelName: row.model_name,
      spanCount: row.span_count,
      promptTokens: row.prompt_sum,
      completionTokens: row.completion_sum,
      totalTokens: row.total_sum,
      cost: row.cost_sum,
    })),
    spanKinds: kinds.map((row): SpanKindCount => ({
      spanKind: row.span_kind,
      spanCount: row.span_count,
    })),
  };
}
