/**
 * The Metrics charts' figures on PostgreSQL (store/project-metrics.ts), with the semantics of
 * the SQLite ones (sqlite/sqlite-project-metrics.ts). Trace figures come from the
 * (project_id, start_time, id) index that carries the totals; percentile_disc is the same
 * nearest rank the SQLite side computes. Span figures come from spans_project_kind_start
 * (migration 0004), one index range per kind.
 */
import type pg from 'pg';
import { SPAN_KINDS } from '../../spans/span-record.js';
import {
  allBuckets,
  type FilledBucket,
  type ProjectMetrics,
  type ProjectMetricsQuery,
} from '../project-metrics.js';

const IN_RANGE = 'project_id = $1 AND start_time >= $2 AND start_time < $3';

export async function projectMetrics(
  db: pg.Pool,
  projectId: number,
  query: ProjectMetricsQuery,
): Promise<ProjectMetrics> {
  const range = [projectId, query.startTime.toString(), query.endTime.toString()];
  const [traces, models, kinds] = await Promise.all([
    db.query<{
      bucket: string;
      trace_count: string;
      error_trace_count: string;
      prompt_tokens: string;
      completion_tokens: string;
      total_tokens: string;
      cost: number | null;
      latencies: string[];
    }>(
      `SELECT (start_time - $2) / $4 AS bucket, COUNT(*) AS trace_count,
         COUNT(*) FILTER (WHERE error_count > 0) AS error_trace_count,
         SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,
         SUM(total_tokens) AS total_tokens, SUM(cost) AS cost,
         percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY end_time - start_time)
           AS latencies
       FROM traces WHERE ${IN_RANGE} GROUP BY 1`,
      [...range, query.bucketNs.toString()],
    ),
    db.query<{
      model_name: string | null;
      span_count: string;
      prompt_sum: string;
      completion_sum: string;
      total_sum: string;
      cost_sum: number | null;
    }>(
      `SELECT model_name, COUNT(*) AS span_count,
         COALESCE(SUM(prompt_tokens), 0) AS prompt_sum,
         COALESCE(SUM(completion_tokens), 0) AS completion_sum,
         COALESCE(SUM(total_tokens), 0) AS total_sum, SUM(cost) AS cost_sum
       FROM spans WHERE span_kind = 'LLM' AND ${IN_RANGE}
       GROUP BY model_name
       ORDER BY total_sum DESC, span_count DESC, model_name IS NULL, model_name COLLATE "C"
       LIMIT $4`,
      [...range, query.modelLimit],
    ),
    db.query<{ span_kind: string; span_count: string }>(
      `SELECT span_kind, COUNT(*) AS span_count FROM spans
       WHERE span_kind = ANY($4::text[]) AND ${IN_RANGE}
       GROUP BY span_kind ORDER BY span_count DESC, span_kind COLLATE "C"`,
      [...range, [...SPAN_KINDS]],
    ),
  ]);

  const filled: FilledBucket[] = traces.rows.map((row) => {
    const [p50, p90, p99] = row.latencies.map((ns) => Number(ns) / 1e6);
    return {
      index: Number(row.bucket),
      traceCount: Number(row.trace_count),
      errorTraceCount: Number(row.error_trace_count),
      latencyMsP50: p50 ?? null,
      latencyMsP90: p90 ?? null,
      latencyMsP99: p99 ?? null,
      promptTokens: Number(row.prompt_tokens),
      completionTokens: Number(row.completion_tokens),
      totalTokens: Number(row.total_tokens),
      cost: row.cost,
    };
  });
  return {
    buckets: allBuckets(query, filled),
    models: models.rows.map((row) => ({
      modelName: row.model_name,
      spanCount: Number(row.span_count),
      promptTokens: Number(row.prompt_sum),
      completionTokens: Number(row.completion_sum),
      totalTokens: Number(row.total_sum),
      cost: row.cost_sum,
    })),
    spanKinds: kinds.rows.map((row) => ({
      spanKind: row.span_kind,
      spanCount: Number(row.span_count),
    })),
  };
}
