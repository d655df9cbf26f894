/**
 * Evaluation summaries and retrieval metrics (Heron; Phoenix shows them only in its GraphQL UI):
 *
 * - `GET /v1/projects/{id}/annotation_summaries?start_time&end_time`: per annotation name and
 *   target (span, trace, session, document) the count, mean score and label fractions, and per
 *   document evaluation name the retrieval metrics averaged over the project's retrievals. The
 *   window is on the annotated target's start time. A window with more document annotations
 *   than HERON_MAX_SUMMARY_ANNOTATIONS is answered 422 (retrieval metrics hold them in memory).
 * - `GET /v1/spans/{span_identifier}/retrieval_metrics`: NDCG@k, precision@k and hit of one
 *   retrieval span, per document evaluation name.
 *
 * How relevance is read from a document annotation: store/evaluation-summary.ts.
 */
import type { FastifyInstance } from 'fastify';
import {
  annotationSummaries,
  DEFAULT_MAX_SUMMARY_ANNOTATIONS,
  projectRetrievalMetrics,
  spanRetrievalMetrics,
  type AnnotationSummary,
  type RetrievalMetrics,
} from '../store/evaluation-summary.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { fromGlobalId, toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { timeParam, type QueryParams } from './query-params.js';

function summaryJson(summary: AnnotationSummary) {
  return {
    target: summary.target,
    name: summary.name,
    count: summary.count,
    score_count: summary.scoreCount,
    mean_score: summary.meanScore,
    labels: summary.labels,
  };
}

function metricsJson(metrics: RetrievalMetrics) {
  return {
    name: metrics.name,
    document_count: metrics.documentCount,
    ndcg_at_k: metrics.ndcgAtK,
    precision_at_k: metrics.precisionAtK,
    hit_rate: metrics.hitRate,
  };
}

export interface EvaluationSummaryLimits {
  /** Document annotations one summary reads at most (HERON_MAX_SUMMARY_ANNOTATIONS). */
  maxSummaryAnnotations: number;
}

export function registerEvaluationSummaryRoutes(
  app: FastifyInstance,
  store: Store,
  limits: EvaluationSummaryLimits = { maxSummaryAnnotations: DEFAULT_MAX_SUMMARY_ANNOTATIONS },
): void {
  app.get('/v1/projects/:project_identifier/annotation_summaries', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    const startTime = timeParam(query, 'start_time');
    const endTime = timeParam(query, 'end_time');
    if (startTime !== undefined && endTime !== undefined && endTime < startTime) {
      throw new ApiError(422, 'end_time must not be before start_time');
    }
    const max = limits.maxSummaryAnnotations;
    const rows = await store.evaluationSummaryRows(project.rowid, startTime, endTime, max);
    if (rows.documentsOverLimit) {
      throw new ApiError(
        422,
        `The time range holds more than ${max} document annotations (HERON_MAX_SUMMARY_ANNOTATIONS); ` +
          'narrow it with start_time and end_time',
      );
    }
    return {
      data: {
        project_id: toGlobalId('Project', project.rowid),
        annotations: annotationSummaries(rows.labelGroups).map(summaryJson),
        retrieval_metrics: projectRetrievalMetrics(rows.documents).map((metrics) => ({
          ...metricsJson(metrics),
          span_count: metrics.spanCount,
        })),
      },
    };
  });

  app.get('/v1/spans/:span_identifier/retrieval_metrics', async (request) => {
    const { span_identifier } = request.params as { span_identifier: string };
    const rowid = fromGlobalId('Span', span_identifier);
    const span =
      rowid !== null
        ? await store.getSpanByRowid(rowid)
        : ((await store.findSpansBySpanId(span_identifier.toLowerCase()))[0] ?? null);
    if (!span) throw new ApiError(404, `Span not found: ${span_identifier}`);
    const rows = await store.spanDocumentEvaluations(span.rowid);
    return {
      data: {
        span_id: span.spanId,
        trace_id: span.traceId,
        span_kind: span.spanKind,
        retrieval_metrics: spanRetrievalMetrics(rows).map(metricsJson),
      },
    };
  });
}
