/**
 * OpenAPI documentation of evaluation summaries and retrieval metrics
 * (api/evaluation-summary-routes.ts).
 */
import {
  dataOf,
  errorBody,
  int,
  list,
  nullable,
  num,
  obj,
  params,
  projectParam,
  str,
  timeWindow,
} from './schema-parts.js';
import type { RouteDoc } from './tracing-route-docs.js';

const relevance =
  "A document's relevance is its document annotation's `score`, else its `label` " +
  '(`relevant`, `true`, `yes`, `correct`, `1` → 1, anything else 0); a document without an ' +
  'annotation of that name is not relevant. precision@k = relevant documents among the first k ' +
  'positions / k; NDCG@k = DCG@k / ideal DCG@k (log2 discount; 0 when nothing is relevant); ' +
  'hit rate = 1 when any document is relevant. k = 1, 3, 5, 10.';

const byK = obj({ '1': num(), '3': num(), '5': num(), '10': num() });
const metrics = {
  name: str('Document evaluation (annotation) name'),
  document_count: int('Document annotations the figures come from'),
  ndcg_at_k: byK,
  precision_at_k: byK,
  hit_rate: num(),
};

export const EVALUATION_SUMMARY_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/projects/:project_identifier/annotation_summaries': {
    summary: 'Evaluation summaries and retrieval metrics of a project',
    description:
      'Per annotation name and target (span, trace, session, document): count, mean score ' +
      '(over the annotations that have one; null when none has) and label fractions (of the ' +
      'annotations that have a label). Notes are left out. The window is on the start time of ' +
      'the annotated span, trace or session. `retrieval_metrics`: per document evaluation ' +
      'name, the mean over the spans that have such annotations. ' +
      relevance +
      ' A window holding more document annotations than HERON_MAX_SUMMARY_ANNOTATIONS ' +
      '(default 100,000) is answered 422: narrow it. (Heron)',
    tags: ['annotations'],
    params: params(projectParam),
    querystring: obj(timeWindow),
    response: {
      200: dataOf(
        obj({
          project_id: str(),
          annotations: list(
            obj({
              target: str('span, trace, session or document'),
              name: str(),
              count: int(),
              score_count: int(),
              mean_score: nullable(num()),
              labels: list(obj({ label: str(), count: int(), fraction: num() })),
            }),
          ),
          retrieval_metrics: list(obj({ ...metrics, span_count: int('Spans averaged over') })),
        }),
      ),
      404: errorBody,
      422: errorBody,
    },
  },
  'GET /v1/spans/:span_identifier/retrieval_metrics': {
    summary: 'Retrieval metrics of one span',
    description:
      'NDCG@k, precision@k and hit of a retrieval span, per document evaluation name. ' +
      relevance +
      ' (Heron)',
    tags: ['annotations'],
    params: params(['span_identifier', 'Span GlobalID or OTel span id (the newest such span)']),
    response: {
      200: dataOf(
        obj({
          span_id: str(),
          trace_id: str(),
          span_kind: str(),
          retrieval_metrics: list(obj(metrics)),
        }),
      ),
      404: errorBody,
    },
  },
};
