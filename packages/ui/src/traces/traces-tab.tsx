/**
 * The Traces tab: filter bar, saved views, column chooser, and the virtualized, infinitely
 * scrolling traces table (expand a row for its spans, click it for the trace page).
 */
import { getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { seg } from '../api/heron-api';
import type { SavedView } from '../api/api-types';
import { FilterBar } from '../filters/filter-bar';
import { useFilterSuggestions } from '../filters/filter-help';
import {
  formatCostOf,
  formatCount,
  formatLatency,
  formatTime,
  previewText,
} from '../format/display-format';
import { useProjectContext } from '../project/project-context';
import { useProjectUrlState } from '../project/project-url-state';
import { ColumnChooser } from '../tables/column-chooser';
import { DownloadMenu } from '../tables/download-menu';
import { timeRangeQuery } from '../time/time-range';
import { useHiddenColumns } from '../tables/column-visibility';
import { HoverPreview } from '../tables/hover-preview';
import { VirtualTable, type ColumnMeta } from '../tables/virtual-table';
import { SavedViewsMenu } from '../views/saved-views-menu';
import { AnnotationCell } from './annotation-cell';
import { StatusDot } from './span-kind-badge';
import { TraceSpanOutline } from './trace-span-outline';
import { useTraceRows, type TraceRow } from './trace-rows';
import { EmptyTable } from '../tables/empty-table';
import { TRACES_RENDERED_MARK } from '../performance/render-mark';

const DEFAULT_HIDDEN = ['trace_id', 'span_count'];

function attributeText(row: TraceRow, key: string): string {
  const value = row.root?.attributes[key];
  return value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value, null, 2);
}

export function TracesTab() {
  const { projectId, project, range, rangeKey } = useProjectContext();
  const { list, setList } = useProjectUrlState();
  const navigate = useNavigate();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [hidden, setHidden] = useHiddenColumns(projectId, 'traces', DEFAULT_HIDDEN);
  const suggestions = useFilterSuggestions(projectId);
  const query = useTraceRows({
    projectId,
    range,
    rangeKey,
    filter: list.filter,
    q: list.q,
    sort: list.sort,
    order: list.order,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.rows) ?? [], [query.data]);

  const annotationNames = useMemo(() => {
    const names = new Set(suggestions.data?.annotation_names ?? []);
    for (const row of rows) for (const name of Object.keys(row.annotations)) names.add(name);
    return [...names].sort();
  }, [rows, suggestions.data]);

  const traceLink = (row: TraceRow) => `/projects/${seg(projectId)}/traces/${row.trace_id}`;

  const columns = useMemo<ColumnDef<TraceRow>[]>(() => {
    const meta = (m: ColumnMeta) => m;
    return [
      {
        id: 'expand',
        size: 30,
        meta: meta({ className: 'expand-cell' }),
        header: '',
        cell: ({ row }) => (
          <button
            type="button"
            className="expander"
            aria-label={expanded.has(row.original.trace_id) ? 'Collapse' : 'Expand'}
            aria-expanded={expanded.has(row.original.trace_id)}
            onClick={(e) => {
              e.stopPropagation();
              const next = new Set(expanded);
              if (next.has(row.original.trace_id)) next.delete(row.original.trace_id);
              else next.add(row.original.trace_id);
              setExpanded(next);
            }}
          >
            {expanded.has(row.original.trace_id) ? '▾' : '▸'}
          </button>
        ),
      },
      {
        id: 'status',
        size: 90,
        header: 'Status',
        cell: ({ row }) => (
          <StatusDot
            status={row.original.error_count > 0 ? 'ERROR' : 'OK'}
            label={
              row.original.error_count > 0
                ? `${row.original.error_count} error${row.original.error_count > 1 ? 's' : ''}`
                : 'ok'
            }
          />
        ),
      },
      {
        id: 'name',
        size: 160,
        header: 'Name',
        cell: ({ row }) => (
          <Link
            to={traceLink(row.original)}
            onClick={(e) => e.stopPropagation()}
            className="trace-name"
          >
            {row.original.root?.name ?? row.original.trace_id.slice(0, 12)}
          </Link>
        ),
      },
      {
        id: 'input',
        size: 230,
        header: 'Input',
        cell: ({ row }) => {
          const text = attributeText(row.original, 'input.value');
          return <HoverPreview short={previewText(text)} full={text} />;
        },
      },
      {
        id: 'output',
        size: 230,
        header: 'Output',
        cell: ({ row }) => {
          const text = attributeText(row.original, 'output.value');
          return <HoverPreview short={previewText(text)} full={text} />;
        },
      },
      {
        id: 'start_time',
        size: 140,
        header: 'Start time',
        meta: meta({ sortKey: 'start_time' }),
        cell: ({ row }) => formatTime(row.original.start_time),
      },
      {
        id: 'latency_ms',
        size: 85,
        header: 'Latency',
        meta: meta({ sortKey: 'latency_ms', numeric: true }),
        cell: ({ row }) => formatLatency(row.original.latency_ms),
      },
      {
        id: 'token_count_total',
        size: 80,
        header: 'Tokens',
        meta: meta({ sortKey: 'token_count_total', numeric: true }),
        cell: ({ row }) => (
          <span
            title={`${row.original.token_count_prompt} prompt · ${row.original.token_count_completion} completion`}
          >
            {formatCount(row.original.token_count_total)}
          </span>
        ),
      },
      {
        id: 'cost',
        size: 85,
        header: 'Cost',
        meta: meta({ sortKey: 'cost', numeric: true }),
        cell: ({ row }) => formatCostOf(row.original.cost, row.original.token_count_total),
      },
      ...annotationNames.map<ColumnDef<TraceRow>>((name) => ({
        id: `annotation:${name}`,
        size: 110,
        header: name,
        meta: meta({ label: `Annotation: ${name}`, sortKey: `annotation:${name}` }),
        cell: ({ row }) => <AnnotationCell annotation={row.original.annotations[name]} />,
      })),
      {
        id: 'span_count',
        size: 70,
        header: 'Spans',
        meta: meta({ numeric: true }),
        cell: ({ row }) => formatCount(row.original.span_count),
      },
      {
        id: 'session',
        size: 120,
        header: 'Session',
        cell: ({ row }) =>
          row.original.session_id ? (
            <Link
              to={`/projects/${seg(projectId)}/sessions/${seg(row.original.session_id)}`}
              onClick={(e) => e.stopPropagation()}
            >
              {row.original.session_id}
            </Link>
          ) : (
            <span className="muted">—</span>
          ),
      },
      {
        id: 'user',
        size: 100,
        header: 'User',
        cell: ({ row }) =>
          attributeText(row.original, 'user.id') || <span className="muted">—</span>,
      },
      {
        id: 'trace_id',
        size: 260,
        header: 'Trace ID',
        cell: ({ row }) => <span className="mono">{row.original.trace_id}</span>,
      },
    ];
  }, [expanded, annotationNames, projectId]);

  const columnVisibility = Object.fromEntries(hidden.map((id) => [id, false]));
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    state: { columnVisibility },
  });

  const visibleColumns = columns.map((c) => c.id!).filter((id) => !hidden.includes(id));
  const applyView = (view: SavedView) => {
    setList({
      filter: view.filter ?? '',
      q: view.q ?? '',
      sort: view.sort ?? 'start_time',
      order: view.order ?? 'desc',
    });
    if (view.columns.length > 0) {
      setHidden(
        columns.map((c) => c.id!).filter((id) => id !== 'expand' && !view.columns.includes(id)),
      );
    }
  };

  const filtered = list.filter !== '' || list.q !== '';
  return (
    <>
      <div className="toolbar">
        <FilterBar
          projectId={projectId}
          scope="traces"
          filter={list.filter}
          q={list.q}
          onApply={setList}
        />
        <SavedViewsMenu
          projectId={projectId}
          table="traces"
          current={{ ...list, columns: visibleColumns }}
          onApply={applyView}
        />
        <ColumnChooser
          columns={columns
            .filter((c) => c.id !== 'expand')
            .map((c) => ({
              id: c.id!,
              label: (c.meta as ColumnMeta | undefined)?.label ?? String(c.header),
            }))}
          hidden={hidden}
          onChange={setHidden}
        />
        {/* A trace is its root span: the download holds the root spans of the listed traces. */}
        <DownloadMenu
          projectId={projectId}
          query={{
            ...timeRangeQuery(range),
            filter: list.filter,
            q: list.q,
            root_spans_only: 'true',
          }}
        />
      </div>
      {query.error && <div className="banner">{query.error.message}</div>}
      <VirtualTable
        testId="traces-table"
        renderedMark={TRACES_RENDERED_MARK}
        table={table}
        rowKey={(row) => row.trace_id}
        onRowClick={(row) => navigate(traceLink(row))}
        expanded={expanded}
        renderExpanded={(row) => (
          <TraceSpanOutline
            projectId={projectId}
            traceId={row.trace_id}
            spanCount={row.span_count}
          />
        )}
        sort={{
          key: list.sort,
          order: list.order,
          onChange: (sort, order) => setList({ sort, order }),
        }}
        hasMore={query.hasNextPage}
        loadingMore={query.isFetchingNextPage}
        onLoadMore={() => void query.fetchNextPage()}
        loading={query.isPending}
        empty={
          <EmptyTable
            projectId={projectId}
            projectName={project?.name}
            filtered={filtered}
            what="traces"
          />
        }
      />
    </>
  );
}
