/**
 * The trace page (`/projects/:projectId/traces/:traceId`): header with the trace's totals and
 * time breakdown; left, the span tree with its waterfall (search, collapse, keyboard); right,
 * the selected span. The selection and the span tab live in the URL (`?span=<id>&tab=…`), so a
 * link opens the same view.
 */
import { useCallback, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { kindTimeBreakdown } from './kind-time-breakdown';
import { SpanDetailPanel, SPAN_TABS, type SpanTab } from './span-detail';
import { SpanTree } from './span-tree';
import { buildTraceModel, searchTrace, visibleRows } from './span-tree-model';
import { fetchTraceTree } from './trace-api';
import { TraceHeader } from './trace-header';
import { useTraceKeyboard } from './trace-keyboard';
import './trace.css';

export function TracePage() {
  const { projectId = '', traceId = '' } = useParams();
  const trace = useQuery({
    queryKey: ['trace-tree', traceId],
    queryFn: () => fetchTraceTree(traceId),
  });
  if (trace.isPending) {
    return <p className="heron-trace-message heron-muted">Loading trace {traceId}…</p>;
  }
  if (trace.isError) {
    return (
      <div className="heron-trace-message" role="alert">
        <p>
          Could not open trace {traceId}: {trace.error.message}
        </p>
        <Link to={`/projects/${encodeURIComponent(projectId)}`}>Back to the project</Link>
      </div>
    );
  }
  return <TraceView key={traceId} projectId={projectId} tree={trace.data} />;
}

function TraceView({
  projectId,
  tree,
}: {
  projectId: string;
  tree: Awaited<ReturnType<typeof fetchTraceTree>>;
}) {
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const [collapsed, setCollapsedSet] = useState<ReadonlySet<string>>(() => new Set());
  const [search, setSearch] = useState('');

  const model = useMemo(() => buildTraceModel(tree), [tree]);
  const breakdown = useMemo(() => kindTimeBreakdown(model), [model]);
  const shown = useMemo(() => searchTrace(model, search), [model, search]);
  const rows = useMemo(() => visibleRows(model, collapsed, shown), [model, collapsed, shown]);

  const requested = searchParams.get('span');
  const selectedId =
    requested && model.byId.has(requested)
      ? requested
      : (tree.root_span_id ?? model.roots[0]?.span.span_id ?? null);
  const selected = selectedId ? model.byId.get(selectedId) : undefined;
  const rawTab = searchParams.get('tab');
  const tab: SpanTab = (SPAN_TABS as readonly string[]).includes(rawTab ?? '')
    ? (rawTab as SpanTab)
    : 'info';

  const updateParams = useCallback(
    (changes: Record<string, string>) =>
      setSearchParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) next.set(key, value);
          return next;
        },
        // Moving through spans must not fill the back button's history.
        { replace: true },
      ),
    [setSearchParams],
  );
  const select = useCallback((spanId: string) => updateParams({ span: spanId }), [updateParams]);

  const setCollapsed = useCallback(
    (spanId: string, value: boolean) => {
      setCollapsedSet((previous) => {
        const next = new Set(previous);
        if (value) next.add(spanId);
        else next.delete(spanId);
        return next;
      });
      // Collapsing a span that hides the selection selects it instead.
      if (value && selected) {
        for (let at = selected.parent; at; at = at.parent) {
          if (at.span.span_id === spanId) return select(spanId);
        }
      }
    },
    [select, selected],
  );

  const back = useCallback(
    () => navigate(`/projects/${encodeURIComponent(projectId)}`),
    [navigate, projectId],
  );
  useTraceKeyboard({ rows, selectedId, collapsed, select, setCollapsed, back });

  return (
    <div className="heron-trace-page">
      <TraceHeader trace={tree} projectId={projectId} breakdown={breakdown} />
      <div className="heron-trace-body">
        <div className="heron-trace-left">
          <div className="heron-tree-toolbar">
            <input
              type="search"
              className="heron-tree-search"
              placeholder="Search spans: name, kind, id, error"
              aria-label="Search spans in this trace"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
            <span className="heron-muted heron-tree-count" data-testid="tree-count">
              {shown ? `${rows.length} of ${model.byId.size}` : `${model.byId.size} spans`}
            </span>
            <button
              type="button"
              className="heron-trace-button"
              onClick={() => setCollapsedSet(new Set())}
              title="Expand every span"
            >
              Expand all
            </button>
            <button
              type="button"
              className="heron-trace-button"
              title="Collapse every span"
              onClick={() => {
                const parents = [...model.byId.values()].filter((n) => n.children.length > 0);
                setCollapsedSet(new Set(parents.map((n) => n.span.span_id)));
                let root = selected;
                while (root?.parent) root = root.parent;
                if (root) select(root.span.span_id);
              }}
            >
              Collapse all
            </button>
          </div>
          <p className="heron-keyboard-hint heron-muted">
            j/k or ↑/↓ move · ←/→ collapse/expand · Esc back to the project
          </p>
          {rows.length === 0 ? (
            <p className="heron-muted heron-trace-message">No span matches “{search}”.</p>
          ) : (
            <SpanTree
              rows={rows}
              durationMs={model.durationMs}
              selectedId={selectedId}
              collapsed={collapsed}
              searching={shown !== null}
              onSelect={select}
              onToggle={(spanId) => setCollapsed(spanId, !collapsed.has(spanId))}
            />
          )}
        </div>
        <div className="heron-trace-right">
          {selected ? (
            <SpanDetailPanel
              traceId={tree.trace_id}
              projectId={tree.project_id}
              routeProjectId={projectId}
              outline={selected.span}
              tab={tab}
              onTab={(next) => updateParams({ tab: next })}
            />
          ) : (
            <p className="heron-muted heron-trace-message">This trace has no spans.</p>
          )}
        </div>
      </div>
    </div>
  );
}
