/**
 * /projects/:projectId — header (name, figures for the time range, time range, live toggle)
 * and the tabs Traces / Spans / Sessions / Metrics, each a child route that keeps the URL's
 * query (range, filter…) when switching.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { NavLink, Outlet, useLocation, useParams, useSearchParams } from 'react-router-dom';
import { useLiveUpdates } from '../live/live-updates';
import { useProject } from '../shell/app-shell';
import { TimeRangeControl } from '../time/time-range-control';
import { timeRangeKey } from '../time/time-range';
import type { ProjectContext } from './project-context';
import { ProjectFigures, useProjectSummary } from './project-figures';
import { EvaluationSummaries } from './evaluation-summaries';
import { useProjectUrlState } from './project-url-state';

const TABS = [
  { path: '', label: 'Traces' },
  { path: 'spans', label: 'Spans' },
  { path: 'sessions', label: 'Sessions' },
  { path: 'metrics', label: 'Metrics' },
];

export function ProjectPage() {
  const projectId = useParams().projectId!;
  const project = useProject(projectId);
  const { range, setRange } = useProjectUrlState();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const rangeKey = timeRangeKey(range);
  const summary = useProjectSummary(projectId, range, rangeKey);
  // Local state answers the click at once; the URL (router navigation) follows.
  const [live, setLiveState] = useState(() => params.get('live') === '1');
  const client = useQueryClient();

  const refresh = useCallback(() => {
    for (const key of ['traces', 'spans', 'sessions', 'summary', 'metrics', 'session-turns']) {
      void client.invalidateQueries({ queryKey: [key, projectId] });
    }
  }, [client, projectId]);
  const liveStatus = useLiveUpdates(projectId, live, refresh);

  const setLive = (on: boolean) => {
    setLiveState(on);
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (on) next.set('live', '1');
        else next.delete('live');
        return next;
      },
      { replace: true },
    );
  };

  // Only the range and live flag carry across tabs; filters belong to the table they filter.
  const carried = new URLSearchParams();
  for (const name of ['range', 'start', 'end', 'live']) {
    const value = params.get(name);
    if (value !== null) carried.set(name, value);
  }
  const tabSearch = carried.toString() ? `?${carried}` : '';
  const base = `/projects/${encodeURIComponent(projectId)}`;
  const context: ProjectContext = { projectId, project: project.data, range, rangeKey, live };

  if (project.error) {
    return <div className="banner">{project.error.message}</div>;
  }

  return (
    <>
      <div className="project-header">
        <div className="project-title-row">
          <h1 data-testid="project-name">{project.data?.name ?? ' '}</h1>
          {project.data?.description && (
            <span className="description">{project.data.description}</span>
          )}
          <span className="topbar-spacer" />
          <label className="toggle" title="New traces appear without reload">
            <input
              type="checkbox"
              checked={live}
              onChange={(e) => setLive(e.target.checked)}
              aria-label="Live"
            />
            <span
              className={
                liveStatus === 'on'
                  ? 'live-dot on'
                  : liveStatus === 'unavailable'
                    ? 'live-dot failed'
                    : 'live-dot'
              }
              data-testid="live-status"
              data-status={liveStatus}
            />
            Live{liveStatus === 'unavailable' ? ' (unavailable)' : ''}
          </label>
          <TimeRangeControl value={range} onChange={setRange} />
        </div>
        <ProjectFigures summary={summary.data} />
        <EvaluationSummaries projectId={projectId} range={range} rangeKey={rangeKey} />
        <nav className="tabs" aria-label="Project tabs">
          {TABS.map((tab) => {
            const to = tab.path ? `${base}/${tab.path}` : base;
            const active = tab.path
              ? location.pathname.startsWith(`${base}/${tab.path}`)
              : location.pathname === base || location.pathname === `${base}/`;
            return (
              <NavLink
                key={tab.label}
                to={to + tabSearch}
                className={active ? 'tab active' : 'tab'}
                end
              >
                {tab.label}
              </NavLink>
            );
          })}
        </nav>
      </div>
      <Outlet context={context} />
    </>
  );
}
