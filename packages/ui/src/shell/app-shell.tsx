/** The frame around every page: brand, breadcrumbs (projects › project › …), theme toggle. */
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useParams } from 'react-router-dom';
import { apiGet, seg } from '../api/heron-api';
import type { Project } from '../api/api-types';
import { useTheme } from '../theme/theme';
import { AccountMenu } from '../auth/account-menu';

export function useProject(projectId: string | undefined) {
  return useQuery({
    queryKey: ['project', projectId],
    queryFn: () => apiGet<{ data: Project }>(`/v1/projects/${seg(projectId!)}`).then((r) => r.data),
    enabled: projectId !== undefined,
    staleTime: 60_000,
  });
}

function ThemeToggle() {
  const { effective, toggle } = useTheme();
  const next = effective === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="button ghost icon-button"
      onClick={toggle}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      data-theme-toggle={effective}
    >
      {effective === 'dark' ? '☀' : '☾'}
    </button>
  );
}

function Breadcrumbs() {
  const { projectId, sessionId, traceId } = useParams();
  const project = useProject(projectId);
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <Link to="/projects">Projects</Link>
      {projectId && (
        <>
          <span>›</span>
          {sessionId || traceId ? (
            <Link to={`/projects/${seg(projectId)}`}>{project.data?.name ?? '…'}</Link>
          ) : (
            <span className="current">{project.data?.name ?? '…'}</span>
          )}
        </>
      )}
      {sessionId && (
        <>
          <span>›</span>
          <span className="current">Session {sessionId}</span>
        </>
      )}
      {traceId && (
        <>
          <span>›</span>
          <span className="current mono">Trace {traceId.slice(0, 12)}</span>
        </>
      )}
    </nav>
  );
}

export function AppShell() {
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/projects" className="brand">
          <span className="brand-mark" aria-hidden>
            ◆
          </span>
          Heron
        </Link>
        <Breadcrumbs />
        <span className="topbar-spacer" />
        <Link className="muted" to="/settings/models">
          Settings
        </Link>
        <a className="muted" href="/docs" target="_blank" rel="noreferrer">
          API docs
        </a>
        <AccountMenu />
        <ThemeToggle />
      </header>
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
