/** The project header's figures for the selected range: traces, cost split, latency, errors. */
import { useQuery } from '@tanstack/react-query';
import { apiGet, seg } from '../api/heron-api';
import type { ProjectSummary } from '../api/api-types';
import {
  formatCost,
  formatCostOf,
  formatCount,
  formatLatency,
  formatPercent,
} from '../format/display-format';
import { timeRangeQuery, type TimeRange } from '../time/time-range';

export function useProjectSummary(projectId: string, range: TimeRange, rangeKey: string) {
  return useQuery({
    queryKey: ['summary', projectId, rangeKey],
    queryFn: () =>
      apiGet<{ data: ProjectSummary }>(
        `/v1/projects/${seg(projectId)}/summary`,
        timeRangeQuery(range),
      ).then((r) => r.data),
  });
}

function Figure(props: {
  label: string;
  value: string;
  detail?: string;
  danger?: boolean;
  testId?: string;
}) {
  return (
    <div data-testid={props.testId}>
      <div className="figure-label">{props.label}</div>
      <div className={props.danger ? 'figure-value error-text' : 'figure-value'}>{props.value}</div>
      {props.detail && <div className="figure-detail">{props.detail}</div>}
    </div>
  );
}

export function ProjectFigures(props: { summary: ProjectSummary | undefined }) {
  const s = props.summary;
  const costDetail =
    s && (s.cost_prompt != null || s.cost_completion != null)
      ? `prompt ${formatCost(s.cost_prompt)} · completion ${formatCost(s.cost_completion)}`
      : s?.cost === null
        ? 'no prices known'
        : undefined;
  return (
    <div className="figures">
      <Figure label="Traces" value={formatCount(s?.trace_count)} testId="figure-traces" />
      <Figure
        label="Total cost"
        value={formatCostOf(s?.cost, s?.token_count_total)}
        detail={costDetail}
      />
      <Figure
        label="Tokens"
        value={formatCount(s?.token_count_total)}
        detail={
          s
            ? `${formatCount(s.token_count_prompt)} prompt · ${formatCount(s.token_count_completion)} completion`
            : undefined
        }
      />
      <Figure label="Latency p50" value={formatLatency(s?.latency_ms_p50)} />
      <Figure label="Latency p99" value={formatLatency(s?.latency_ms_p99)} />
      <Figure
        label="Error rate"
        value={s ? formatPercent(s.error_trace_count, s.trace_count) : '—'}
        detail={s ? `${formatCount(s.error_trace_count)} traces with errors` : undefined}
        danger={(s?.error_trace_count ?? 0) > 0}
      />
      {s?.session_count !== undefined && (
        <Figure label="Sessions" value={formatCount(s.session_count)} />
      )}
    </div>
  );
}
