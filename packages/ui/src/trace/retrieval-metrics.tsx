/**
 * A retrieval span's metrics from its document evaluations (NDCG@k, precision@k, hit), per
 * evaluation name, read from `GET /v1/spans/{id}/retrieval_metrics`. Shows nothing until a
 * document evaluation exists for the span.
 */
import { useQuery } from '@tanstack/react-query';
import { apiGet, seg } from '../api/heron-api';

export interface RetrievalMetricsJson {
  name: string;
  document_count: number;
  ndcg_at_k: Record<string, number>;
  precision_at_k: Record<string, number>;
  hit_rate: number;
}

const KS = ['1', '3', '5', '10'];

export const formatMetric = (value: number | undefined) =>
  value === undefined ? '—' : Number(value.toFixed(3)).toString();

export function RetrievalMetricsTable({ metrics }: { metrics: RetrievalMetricsJson[] }) {
  return (
    <table className="heron-retrieval-metrics" data-testid="retrieval-metrics">
      <thead>
        <tr>
          <th>evaluation</th>
          {KS.map((k) => (
            <th key={`n${k}`}>NDCG@{k}</th>
          ))}
          {KS.map((k) => (
            <th key={`p${k}`}>P@{k}</th>
          ))}
          <th>hit</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr key={m.name}>
            <td>
              <code>{m.name}</code>
            </td>
            {KS.map((k) => (
              <td key={`n${k}`}>{formatMetric(m.ndcg_at_k[k])}</td>
            ))}
            {KS.map((k) => (
              <td key={`p${k}`}>{formatMetric(m.precision_at_k[k])}</td>
            ))}
            <td>{formatMetric(m.hit_rate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SpanRetrievalMetrics({ spanId }: { spanId: string }) {
  const metrics = useQuery({
    queryKey: ['retrieval-metrics', spanId],
    queryFn: () =>
      apiGet<{ data: { retrieval_metrics: RetrievalMetricsJson[] } }>(
        `/v1/spans/${seg(spanId)}/retrieval_metrics`,
      ).then((r) => r.data.retrieval_metrics),
  });
  if (!metrics.data || metrics.data.length === 0) return null;
  return (
    <section className="heron-section" data-section="retrieval-metrics">
      <h3>Retrieval metrics</h3>
      <RetrievalMetricsTable metrics={metrics.data} />
    </section>
  );
}
