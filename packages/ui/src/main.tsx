import { lazy, StrictMode, Suspense, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { ProjectPage } from './project/project-page';
import { ProjectsPage } from './projects/projects-page';
import { SessionPage } from './sessions/session-page';
import { SessionsTab } from './sessions/sessions-tab';
import { AppShell } from './shell/app-shell';
import { ApiKeysPage } from './auth/api-keys-page';
import { AuthGate } from './auth/auth-gate';
import { UsersPage } from './auth/users-page';
import { NotFoundPage } from './shell/not-found-page';
import { SpansTab } from './spans/spans-tab';
import { applyStoredTheme } from './theme/theme';
import { SpanRedirect, TraceRedirect } from './trace/trace-redirects';
import { TracesTab } from './traces/traces-tab';
import './styles/app.css';

// The charts and the trace page are the heavy parts: loaded when first opened, so the
// projects and traces pages become interactive sooner.
const MetricsTab = lazy(() =>
  import('./metrics/metrics-tab').then((m) => ({ default: m.MetricsTab })),
);
const ModelsPage = lazy(() =>
  import('./settings/models-page').then((m) => ({ default: m.ModelsPage })),
);
const TracePage = lazy(() => import('./trace/trace-page').then((m) => ({ default: m.TracePage })));
const loading = (element: ReactNode) => (
  <Suspense fallback={<div className="table-footer">Loading…</div>}>{element}</Suspense>
);

applyStoredTheme();

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: false } },
});

const router = createBrowserRouter([
  {
    element: <AppShell />,
    children: [
      { path: '/', element: <Navigate to="/projects" replace /> },
      { path: '/projects', element: <ProjectsPage /> },
      {
        path: '/projects/:projectId',
        element: <ProjectPage />,
        children: [
          { index: true, element: <TracesTab /> },
          { path: 'spans', element: <SpansTab /> },
          { path: 'sessions', element: <SessionsTab /> },
          { path: 'metrics', element: loading(<MetricsTab />) },
        ],
      },
      { path: '/projects/:projectId/sessions/:sessionId', element: <SessionPage /> },
      { path: '/projects/:projectId/traces/:traceId', element: loading(<TracePage />) },
      { path: '/settings', element: <Navigate to="/settings/models" replace /> },
      { path: '/settings/models', element: loading(<ModelsPage />) },
      { path: '/settings/users', element: <UsersPage /> },
      { path: '/settings/api-keys', element: <ApiKeysPage /> },
      { path: '/redirects/traces/:otelTraceId', element: <TraceRedirect /> },
      { path: '/redirects/spans/:otelSpanId', element: <SpanRedirect /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthGate>
        <RouterProvider router={router} />
      </AuthGate>
    </QueryClientProvider>
  </StrictMode>,
);
