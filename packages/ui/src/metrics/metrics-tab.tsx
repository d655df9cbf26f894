/**
 * The Metrics tab: charts over the time range from `/v1/projects/{id}/metrics` — traces over
 * time (ok / error), latency p50/p90/p99, tokens (prompt / completion), cost, top models by
 * cost and by tokens, spans by kind.
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { apiGet, seg } from '../api/heron-api';
import type { ProjectMetrics } from '../api/api-types';
import { formatCost, formatCount, formatLatency } from '../format/display-format';
import { useProjectContext } from '../project/project-context';
import { timeRangeBounds } from '../time/time-range';

const color = (name: string) => `var(--heron-${name})`;
const axis = { stroke: 'var(--heron-muted)', fontSize: 11, tickLine: false };
const tooltipStyle = {
  contentStyle: {
    background: 'var(--heron-bg)',
    border: '1px solid var(--heron-border)',
    borderRadius: 6,
    fontSize: 12,
  },
  labelStyle: { color: 'var(--heron-fg)' },
};

function tickFormatter(bucketSeconds: number) {
  return (iso: string) => {
    const date = new Date(iso);
    return bucketSeconds >= 86_400
      ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
      : bucketSeconds >= 3600
        ? date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' })
        : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  };
}

function ChartCard(props: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card chart-card" data-testid={props.testId}>
      <h3>{props.title}</h3>
      <div className="chart">
        <ResponsiveContainer width="100%" height="100%">
          {props.children as React.ReactElement}
        </ResponsiveContainer>
      </div>
    </section>
  );
}

export function MetricsTab() {
  const { projectId, range, rangeKey } = useProjectContext();
  const metrics = useQuery({
    queryKey: ['metrics', projectId, rangeKey],
    queryFn: () =>
      apiGet<{ data: ProjectMetrics }>(
        `/v1/projects/${seg(projectId)}/metrics`,
        timeRangeBounds(range),
      ).then((r) => r.data),
    retry: false,
  });
  if (metrics.error) return <div className="banner">{metrics.error.message}</div>;
  if (!metrics.data) return <div className="table-footer">Loading…</div>;
  const m = metrics.data;
  const ticks = tickFormatter(m.bucket_seconds);
  const buckets = m.buckets.map((b) => ({
    ...b,
    ok_trace_count: b.trace_count - b.error_trace_count,
  }));
  const byCost = [...m.models]
    .filter((model) => model.cost !== null)
    .sort((a, b) => (b.cost ?? 0) - (a.cost ?? 0))
    .slice(0, 10);
  const byTokens = [...m.models].sort((a, b) => b.total_tokens - a.total_tokens).slice(0, 10);
  const grid = (
    <CartesianGrid stroke="var(--heron-border)" strokeDasharray="3 3" vertical={false} />
  );
  const xAxis = <XAxis dataKey="start_time" tickFormatter={ticks} {...axis} minTickGap={24} />;

  return (
    <div className="page" style={{ padding: 0 }}>
      <div className="charts" data-testid="metrics-charts">
        <ChartCard title="Traces" testId="chart-traces">
          <BarChart data={buckets}>
            {grid}
            {xAxis}
            <YAxis {...axis} width={40} allowDecimals={false} />
            <Tooltip
              {...tooltipStyle}
              labelFormatter={(v) => new Date(String(v)).toLocaleString()}
            />
            <Legend />
            <Bar dataKey="ok_trace_count" name="ok" stackId="1" fill={color('chart-1')} />
            <Bar dataKey="error_trace_count" name="error" stackId="1" fill={color('chart-error')} />
          </BarChart>
        </ChartCard>
        <ChartCard title="Latency" testId="chart-latency">
          <LineChart data={m.buckets}>
            {grid}
            {xAxis}
            <YAxis {...axis} width={56} tickFormatter={(v: number) => formatLatency(v)} />
            <Tooltip
              {...tooltipStyle}
              formatter={(v) => formatLatency(Number(v))}
              labelFormatter={(v) => new Date(String(v)).toLocaleString()}
            />
            <Legend />
            <Line
              type="linear"
              dataKey="latency_ms_p50"
              name="p50"
              stroke={color('chart-1')}
              dot={{ r: 2 }}
              connectNulls
            />
            <Line
              type="linear"
              dataKey="latency_ms_p90"
              name="p90"
              stroke={color('chart-3')}
              dot={{ r: 2 }}
              connectNulls
            />
            <Line
              type="linear"
              dataKey="latency_ms_p99"
              name="p99"
              stroke={color('chart-error')}
              dot={{ r: 2 }}
              connectNulls
            />
          </LineChart>
        </ChartCard>
        <ChartCard title="Tokens" testId="chart-tokens">
          <BarChart data={m.buckets}>
            {grid}
            {xAxis}
            <YAxis {...axis} width={48} tickFormatter={(v: number) => formatCount(v)} />
            <Tooltip
              {...tooltipStyle}
              formatter={(v) => formatCount(Number(v))}
              labelFormatter={(v) => new Date(String(v)).toLocaleString()}
            />
            <Legend />
            <Bar dataKey="prompt_tokens" name="prompt" stackId="t" fill={color('chart-1')} />
            <Bar
              dataKey="completion_tokens"
              name="completion"
              stackId="t"
              fill={color('chart-2')}
            />
          </BarChart>
        </ChartCard>
        <ChartCard title="Cost (USD)" testId="chart-cost">
          <BarChart data={m.buckets}>
            {grid}
            {xAxis}
            <YAxis {...axis} width={52} tickFormatter={(v: number) => formatCost(v)} />
            <Tooltip
              {...tooltipStyle}
              formatter={(v) => formatCost(v === null ? null : Number(v))}
              labelFormatter={(v) => new Date(String(v)).toLocaleString()}
            />
            <Bar dataKey="cost" name="cost" fill={color('chart-3')} />
          </BarChart>
        </ChartCard>
        <ChartCard title="Top models by cost" testId="chart-models-cost">
          <BarChart data={byCost} layout="vertical" margin={{ left: 20 }}>
            {grid}
            <XAxis type="number" {...axis} tickFormatter={(v: number) => formatCost(v)} />
            <YAxis type="category" dataKey="model_name" {...axis} width={130} />
            <Tooltip {...tooltipStyle} formatter={(v) => formatCost(Number(v))} />
            <Bar dataKey="cost" name="cost" fill={color('chart-3')} />
          </BarChart>
        </ChartCard>
        <ChartCard title="Top models by tokens" testId="chart-models-tokens">
          <BarChart data={byTokens} layout="vertical" margin={{ left: 20 }}>
            {grid}
            <XAxis type="number" {...axis} tickFormatter={(v: number) => formatCount(v)} />
            <YAxis type="category" dataKey="model_name" {...axis} width={130} />
            <Tooltip {...tooltipStyle} formatter={(v) => formatCount(Number(v))} />
            <Legend />
            <Bar dataKey="prompt_tokens" name="prompt" stackId="m" fill={color('chart-1')} />
            <Bar
              dataKey="completion_tokens"
              name="completion"
              stackId="m"
              fill={color('chart-2')}
            />
          </BarChart>
        </ChartCard>
        <ChartCard title="Spans by kind" testId="chart-span-kinds">
          <BarChart data={m.span_kinds}>
            {grid}
            <XAxis dataKey="span_kind" {...axis} />
            <YAxis {...axis} width={48} tickFormatter={(v: number) => formatCount(v)} />
            <Tooltip {...tooltipStyle} formatter={(v) => formatCount(Number(v))} />
            <Bar dataKey="span_count" name="spans" fill={color('chart-4')} />
          </BarChart>
        </ChartCard>
      </div>
    </div>
  );
}
