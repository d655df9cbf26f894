/**
 * Re-price stored spans after a price change: pick a time range (and optionally a project),
 * start a recompute job, follow its progress until it is done. New prices apply to new spans
 * only until this is run.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiGet, apiSend, seg } from '../api/heron-api';
import type { Paged, Project } from '../api/api-types';
import { formatCount } from '../format/display-format';
import type { RecomputeJob } from './model-price-types';

const RANGES = [
  { value: '1d', label: 'Last day', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'all', label: 'All time', ms: null },
] as const;

export function RecomputePanel() {
  const client = useQueryClient();
  const [range, setRange] = useState<string>('7d');
  const [project, setProject] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const projects = useQuery({
    queryKey: ['projects', 'all-names'],
    queryFn: () => apiGet<Paged<Project>>('/v1/projects', { limit: 1000 }).then((r) => r.data),
  });
  const start = useMutation({
    mutationFn: () => {
      const ms = RANGES.find((r) => r.value === range)?.ms ?? null;
      return apiSend<{ data: RecomputeJob }>('POST', '/v1/model_prices/recompute', {
        start_time: ms === null ? undefined : new Date(Date.now() - ms).toISOString(),
        project: project || undefined,
      });
    },
    onSuccess: (response) => setJobId(response.data.id),
  });
  const job = useQuery({
    queryKey: ['recompute-job', jobId],
    queryFn: () =>
      apiGet<{ data: RecomputeJob }>(`/v1/model_prices/recompute/${seg(jobId!)}`).then(
        (r) => r.data,
      ),
    enabled: jobId !== null,
    // Poll while it runs; once done, costs shown anywhere are stale.
    refetchInterval: (query) => (query.state.data?.state === 'running' ? 500 : false),
  });
  const state = job.data?.state;
  if (state === 'succeeded' && !client.isFetching({ queryKey: ['traces'] })) {
    void client.invalidateQueries({ queryKey: ['unknown-models'] });
  }
  const running = start.isPending || state === 'running';
  const percent =
    job.data && job.data.spans_total > 0
      ? Math.round((100 * job.data.spans_done) / job.data.spans_total)
      : state === 'succeeded'
        ? 100
        : 0;
  return (
    <section className="card settings-section" data-testid="recompute">
      <h2>Recompute costs</h2>
      <p className="muted">
        A new or changed price applies to spans stored from then on. Recompute re-prices the LLM
        spans already stored in a time range (and their traces’ cost).
      </p>
      <div className="form-row">
        <label>
          Spans started
          <select value={range} onChange={(e) => setRange(e.target.value)} aria-label="Range">
            {RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Project
          <select value={project} onChange={(e) => setProject(e.target.value)} aria-label="Project">
            <option value="">All projects</option>
            {(projects.data ?? []).map((p) => (
              <option key={p.id} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button primary"
          disabled={running}
          onClick={() => start.mutate()}
        >
          {running ? 'Recomputing…' : 'Recompute'}
        </button>
      </div>
      {start.error && <p className="error-text">{start.error.message}</p>}
      {job.error && <p className="error-text">{job.error.message}</p>}
      {job.data && (
        <div className="recompute-progress" data-state={job.data.state}>
          <progress max={100} value={percent} aria-label="Recompute progress" />
          <span data-testid="recompute-status">
            {job.data.state === 'running' && `${percent}% · `}
            {formatCount(job.data.spans_done)} of {formatCount(job.data.spans_total)} spans ·{' '}
            {job.data.state === 'succeeded'
              ? 'done'
              : job.data.state === 'failed'
                ? `failed: ${job.data.error ?? 'unknown error'}`
                : 'running'}
          </span>
        </div>
      )}
    </section>
  );
}
