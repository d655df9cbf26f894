/**
 * The project header's evaluation summaries for the selected range: per annotation name the
 * count, mean score and label fractions, and the retrieval metrics averaged over the project's
 * retrievals (`GET /v1/projects/{id}/annotation_summaries`). Nothing is shown without evaluations.
 */
import { useQuery } from '@tanstack/react-query';
import { apiGet, seg } from '../api/heron-api';
import { timeRangeQuery, type TimeRange } from '../time/time-range';
import {
  RetrievalMetricsTable,
  formatMetric,
  type RetrievalMetricsJson,
} from '../trace/retrieval-metrics';

interface AnnotationSummaryJson {
  target: string;
  name: string;
  count: number;
  mean_score: number | null;
  labels: { label: string; count: number; fraction: number }[];
}

interface SummariesJson {
  annotations: AnnotationSummaryJson[];
  retrieval_metrics: (RetrievalMetricsJson & { span_count: number })[];
}

export function EvaluationSummaries(props: {
  projectId: string;
  range: TimeRange;
  rangeKey: string;
}) {
  const summaries = useQuery({
    queryKey: ['annotation-summaries', props.projectId, props.rangeKey],
    queryFn: () =>
      apiGet<{ data: SummariesJson }>(
        `/v1/projects/${seg(props.projectId)}/annotation_summaries`,
        timeRangeQuery(props.range),
      ).then((r) => r.data),
  });
  // An error (e.g. a range holding more document annotations than the server reads) is shown,
  // with the server's message saying what to do, rather than leaving the header silently empty.
  if (summaries.error) {
    return (
      <div className="evaluation-summaries heron-muted" role="alert">
        Evaluation summaries: {summaries.error.message}
      </div>
    );
  }
  const data = summaries.data;
  if (!data || (data.annotations.length === 0 && data.retrieval_metrics.length === 0)) return null;
  return (
    <div className="evaluation-summaries" data-testid="evaluation-summaries">
      {data.annotations.map((a) => (
        <div
          key={`${a.target}:${a.name}`}
          className="evaluation-summary"
          data-testid="evaluation-summary"
        >
          <div className="figure-label">
            {a.name} <span className="heron-muted">({a.target}s)</span>
          </div>
          <div className="figure-value">
            {a.mean_score === null ? `${a.count}` : formatMetric(a.mean_score)}
          </div>
          <div className="figure-detail">
            {a.mean_score !== null && `mean score · ${a.count} `}
            {a.labels
              .slice(0, 3)
              .map((l) => `${l.label} ${Math.round(l.fraction * 100)}%`)
              .join(' · ')}
          </div>
        </div>
      ))}
      {data.retrieval_metrics.length > 0 && (
        <div className="evaluation-summary" data-testid="project-retrieval-metrics">
          <div className="figure-label">
            Retrieval ({data.retrieval_metrics.map((m) => `${m.span_count} spans`).join(', ')})
          </div>
          <RetrievalMetricsTable metrics={data.retrieval_metrics} />
        </div>
      )}
    </div>
  );
}
