/**
 * /projects: one card per project with its figures for the selected time range (traces,
 * sessions, p50 latency, tokens, cost, last activity); create, describe, delete.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { apiGet, seg } from '../api/heron-api';
import type { Paged, Project, ProjectSummary } from '../api/api-types';
import { formatCostOf, formatCount, formatLatency, formatRelative } from '../format/display-format';
import { FirstTraceGuide } from '../onboarding/first-trace-guide';
import { TimeRangeControl } from '../time/time-range-control';
import {
  timeRangeFromParams,
  timeRangeKey,
  timeRangeQuery,
  writeTimeRange,
} from '../time/time-range';
import { CreateProjectDialog, DeleteProjectDialog, EditDescriptionDialog } from './project-dialogs';
import { ClearProjectDialog } from './clear-project-dialog';

/** Every project (the list is small; 1,000 a page, following cursors). */
async function listAllProjects(): Promise<Project[]> {
  const projects: Project[] = [];
  let cursor: string | null = null;
  do {
    const page: Paged<Project> = await apiGet('/v1/projects', { limit: 1000, cursor });
    projects.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return projects;
}

function ProjectCard(props: {
  project: Project;
  rangeKey: string;
  query: Record<string, string | undefined>;
}) {
  const { project } = props;
  const [dialog, setDialog] = useState<'edit' | 'clear' | 'delete' | null>(null);
  const summary = useQuery({
    queryKey: ['summary', project.id, props.rangeKey],
    queryFn: () =>
      apiGet<{ data: ProjectSummary }>(`/v1/projects/${seg(project.id)}/summary`, props.query).then(
        (r) => r.data,
      ),
  });
  const s = summary.data;
  return (
    <article className="card project-card" data-testid="project-card" data-project={project.name}>
      <div className="project-card-head">
        <div style={{ flex: 1, minWidth: 0 }}>
          <Link to={`/projects/${seg(project.id)}`}>{project.name}</Link>
          <div className="description">{project.description || ' '}</div>
        </div>
        <button
          type="button"
          className="button ghost"
          onClick={() => setDialog('edit')}
          title="Edit description"
        >
          Edit
        </button>
        <button
          type="button"
          className="button ghost danger"
          onClick={() => setDialog('clear')}
          title="Delete all traces, spans, sessions and annotations; keep the project"
        >
          Clear data
        </button>
        {project.name !== 'default' && (
          <button type="button" className="button ghost danger" onClick={() => setDialog('delete')}>
            Delete
          </button>
        )}
      </div>
      <div className="card-stats">
        <Stat label="Traces" value={formatCount(s?.trace_count)} />
        <Stat label="Sessions" value={formatCount(s?.session_count)} />
        <Stat label="P50 latency" value={formatLatency(s?.latency_ms_p50)} />
        <Stat label="Tokens" value={formatCount(s?.token_count_total)} />
        <Stat label="Cost" value={formatCostOf(s?.cost, s?.token_count_total)} />
        <Stat
          label="Errors"
          value={s ? formatCount(s.error_trace_count) : '—'}
          danger={(s?.error_trace_count ?? 0) > 0}
        />
      </div>
      <div className="card-foot">
        <span>
          Last activity {s?.last_activity !== undefined ? formatRelative(s.last_activity) : '—'}
        </span>
        <span>Created {formatRelative(project.created_at)}</span>
      </div>
      {dialog === 'edit' && (
        <EditDescriptionDialog project={project} onClose={() => setDialog(null)} />
      )}
      {dialog === 'clear' && (
        <ClearProjectDialog project={project} onClose={() => setDialog(null)} />
      )}
      {dialog === 'delete' && (
        <DeleteProjectDialog project={project} onClose={() => setDialog(null)} />
      )}
    </article>
  );
}

function Stat(props: { label: string; value: string; danger?: boolean }) {
  return (
    <div>
      <div className="figure-label">{props.label}</div>
      <div className={props.danger ? 'figure-value error-text' : 'figure-value'}>{props.value}</div>
    </div>
  );
}

export function ProjectsPage() {
  const [params, setParams] = useSearchParams();
  const range = timeRangeFromParams(params);
  const [creating, setCreating] = useState(false);
  const projects = useQuery({ queryKey: ['projects'], queryFn: listAllProjects });
  // Summaries of all time tell "no traces ever" (teach how to send) from "none in this range".
  const anyTraces = useQuery({
    queryKey: ['projects-any-traces', projects.data?.map((p) => p.id).join(',')],
    enabled: projects.data !== undefined,
    queryFn: async () => {
      for (const project of projects.data!) {
        const summary = await apiGet<{ data: ProjectSummary }>(
          `/v1/projects/${seg(project.id)}/summary`,
        );
        if (summary.data.trace_count > 0) return true;
      }
      return false;
    },
  });
  const query = timeRangeQuery(range);
  return (
    <div className="page">
      <div className="page-narrow">
        <div className="page-title-row">
          <h1>Projects</h1>
          <span className="topbar-spacer" />
          <TimeRangeControl
            value={range}
            onChange={(next) =>
              setParams(writeTimeRange(new URLSearchParams(params), next), { replace: true })
            }
          />
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            New project
          </button>
        </div>
        {projects.error && <div className="banner">{projects.error.message}</div>}
        <div className="project-grid">
          {projects.data?.map((project) => (
            <ProjectCard
              key={project.id}
              project={project}
              rangeKey={timeRangeKey(range)}
              query={query}
            />
          ))}
        </div>
        {anyTraces.data === false && (
          <FirstTraceGuide title="No traces yet — send your first one" />
        )}
      </div>
      {creating && <CreateProjectDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
