/**
 * The Spans tab: every span (or only root spans) newest first, with the same filter bar,
 * search, saved views and column chooser as the traces table. Start time, latency and tokens
 * sort on the server (keyset pages); the default, newest first, is the API's unsorted list (the
 * newest stored first), which an index answers without reading the whole window.
 */
import { getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { apiGet, seg } from '../api/heron-api';
import type { Annotation, Paged, SavedView, Span } from '../api/api-types';
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
import { useHiddenColumns } from '../tables/column-visibility';
import { EmptyTable } from '../tables/empty-table';
import { HoverPreview } from '../tables/hover-preview';
import { VirtualTable, type ColumnMeta } from '../tables/virtual-table';
import { timeRangeQuery } from '../time/time-range';
import { AnnotationCell } from '../traces/annotation-cell';
import { SpanKindBadge, StatusDot } from '../traces/span-kind-badge';
import { latestByName } from '../traces/trace-rows';
import { SavedViewsMenu } from '../views/saved-views-menu';

const PAGE_SIZE = 100;
/** The span list's sorts (GET /v1/projects/{id}/spans `sort`). */
const SPAN_SORT_KEYS = ['start_time', 'latency_ms', 'token_count_total'];
const DEFAULT_HIDDEN = ['span_id', 'trace_id'];

interface SpanRow extends Span {
  annotations: Record<string, Annotation>;
}

function text(span: Span, key: string): string {
  const value = span.attributes[key];
  return value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value, null, 2);
}

function numberAttribute(span: Span, key: string): number | null {
  const value = span.attributes[key];
  return typeof value === 'number' ? value : null;
}

export function SpansTab() {
  const { projectId, project, range, rangeKey } = useProjectContext();
  const { list, setList } = useProjectUrlState();
  const navigate = useNavigate();
  const [hidden, setHidden] = useHiddenColumns(projectId, 'spans', DEFAULT_HIDDEN);
  const suggestions = useFilterSuggestions(projectId);

  // Newest first needs no `sort`; any other choice is a server-side keyset sort.
  const sorted = list.sort !== 'start_time' || list.order !== 'desc';
  const sortKey = SPAN_SORT_KEYS.includes(list.sort) ? list.sort : 'start_time';
  const query = useInfiniteQuery({
    queryKey: [
      'spans',
      projectId,
      rangeKey,
      list.filter,
      list.q,
      list.rootsOnly,
      sortKey,
      list.order,
    ],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const page = await apiGet<Paged<Span>>(`/v1/projects/${seg(projectId)}/spans`, {
        ...timeRangeQuery(range),
        filter: list.filter,
        q: list.q,
        parent_id: list.rootsOnly ? 'null' : undefined,
        sort: sorted ? sortKey : undefined,
        order: sorted ? list.order : undefined,
        cursor: pageParam,
        limit: PAGE_SIZE,
      });
      let annotations: Annotation[] = [];
      if (page.data.length > 0) {
        try {
          annotations = (
            await apiGet<Paged<Annotation>>(`/v1/projects/${seg(projectId)}/span_annotations`, {
              span_ids: page.data.map((s) => s.context.span_id),
              limit: 10_000,
            })
          ).data;
        } catch {
          // Annotations are extra; the spans still show.
        }
      }
      const bySpan = latestByName(annotations, (a) => a.span_id);
      const rows: SpanRow[] = page.data.map((span) => ({
        ...span,
        annotations: bySpan.get(span.context.span_id) ?? {},
      }));
      return { rows, next: page.next_cursor };
    },
    getNextPageParam: (last) => last.next,
    retry: false,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.rows) ?? [], [query.data]);
  const annotationNames = useMemo(() => {
    const names = new Set(suggestions.data?.annotation_names ?? []);
    for (const row of rows) for (const name of Object.keys(row.annotations)) names.add(name);
    return [...names].sort();
  }, [rows, suggestions.data]);

  const spanLink = (span: Span) =>
    `/projects/${seg(projectId)}/traces/${span.context.trace_id}?span=${span.context.span_id}`;

  const columns = useMemo<ColumnDef<SpanRow>[]>(
    () => [
      {
        id: 'kind',
        size: 100,
        header: 'Kind',
        cell: ({ row }) => <SpanKindBadge kind={row.original.span_kind} />,
      },
      {
        id: 'status',
        size: 70,
        header: 'Status',
        cell: ({ row }) => (
          <span title={row.original.status_message}>
            <StatusDot
              status={row.original.status_code}
              label={row.original.status_code.toLowerCase()}
            />
          </span>
        ),
      },
      {
        id: 'name',
        size: 160,
        header: 'Name',
        cell: ({ row }) => (
          <Link to={spanLink(row.original)} onClick={(e) => e.stopPropagation()}>
            {row.original.name}
          </Link>
        ),
      },
      {
        id: 'input',
        size: 250,
        header: 'Input',
        cell: ({ row }) => {
          const value = text(row.original, 'input.value');
          return <HoverPreview short={previewText(value)} full={value} />;
        },
      },
      {
        id: 'output',
        size: 250,
        header: 'Output',
        cell: ({ row }) => {
          const value = text(row.original, 'output.value');
          return <HoverPreview short={previewText(value)} full={value} />;
        },
      },
      {
        id: 'start_time',
        size: 140,
        header: 'Start time',
        meta: { sortKey: 'start_time' } satisfies ColumnMeta,
        cell: ({ row }) => formatTime(row.original.start_time),
      },
      {
        id: 'latency_ms',
        size: 90,
        header: 'Latency',
        meta: { sortKey: 'latency_ms', numeric: true } satisfies ColumnMeta,
        cell: ({ row }) => formatLatency(row.original.latency_ms),
      },
      {
        id: 'tokens',
        size: 80,
        header: 'Tokens',
        meta: { sortKey: 'token_count_total', numeric: true } satisfies ColumnMeta,
        cell: ({ row }) => formatCount(numberAttribute(row.original, 'llm.token_count.total')),
      },
      {
        id: 'cost',
        size: 80,
        header: 'Cost',
        meta: { numeric: true } satisfies ColumnMeta,
        cell: ({ row }) =>
          formatCostOf(row.original.cost, numberAttribute(row.original, 'llm.token_count.total')),
      },
      {
        id: 'model',
        size: 140,
        header: 'Model',
        cell: ({ row }) => text(row.original, 'llm.model_name') || <span className="muted">—</span>,
      },
      {
        id: 'session',
        size: 140,
        header: 'Session',
        cell: ({ row }) => text(row.original, 'session.id') || <span className="muted">—</span>,
      },
      {
        id: 'user',
        size: 110,
        header: 'User',
        cell: ({ row }) => text(row.original, 'user.id') || <span className="muted">—</span>,
      },
      {
        id: 'span_id',
        size: 160,
        header: 'Span ID',
        cell: ({ row }) => <span className="mono">{row.original.context.span_id}</span>,
      },
      {
        id: 'trace_id',
        size: 260,
        header: 'Trace ID',
        cell: ({ row }) => <span className="mono">{row.original.context.trace_id}</span>,
      },
      ...annotationNames.map<ColumnDef<SpanRow>>((name) => ({
        id: `annotation:${name}`,
        size: 110,
        header: name,
        meta: { label: `Annotation: ${name}` } satisfies ColumnMeta,
        cell: ({ row }) => <AnnotationCell annotation={row.original.annotations[name]} />,
      })),
    ],
    [annotationNames, projectId],
  );

  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    state: { columnVisibility: Object.fromEntries(hidden.map((id) => [id, false])) },
  });
  const visibleColumns = columns.map((c) => c.id!).filter((id) => !hidden.includes(id));
  const applyView = (view: SavedView) => {
    setList({
      filter: view.filter ?? '',
      q: view.q ?? '',
      rootsOnly: view.root_spans_only ?? false,
      sort: view.sort && SPAN_SORT_KEYS.includes(view.sort) ? view.sort : 'start_time',
      order: view.order ?? 'desc',
    });
    if (view.columns.length > 0)
      setHidden(columns.map((c) => c.id!).filter((id) => !view.columns.includes(id)));
  };

  return (
    <>
      <div className="toolbar">
        <FilterBar
          projectId={projectId}
          scope="spans"
          filter={list.filter}
          q={list.q}
          onApply={setList}
        />
        <label className="toggle" style={{ height: 28 }}>
          <input
            type="checkbox"
            checked={list.rootsOnly}
            onChange={(e) => setList({ rootsOnly: e.target.checked })}
          />
          Root spans only
        </label>
        <SavedViewsMenu
          projectId={projectId}
          table="spans"
          current={{ ...list, sort: sortKey, columns: visibleColumns }}
          onApply={applyView}
        />
        <ColumnChooser
          columns={columns.map((c) => ({
            id: c.id!,
            label: (c.meta as ColumnMeta | undefined)?.label ?? String(c.header),
          }))}
          hidden={hidden}
          onChange={setHidden}
        />
        <DownloadMenu
          projectId={projectId}
          query={{
            ...timeRangeQuery(range),
            filter: list.filter,
            q: list.q,
            root_spans_only: list.rootsOnly ? 'true' : undefined,
          }}
        />
      </div>
      {query.error && <div className="banner">{query.error.message}</div>}
      <VirtualTable
        testId="spans-table"
        table={table}
        rowKey={(row) => row.id}
        onRowClick={(row) => navigate(spanLink(row))}
        sort={{
          key: sortKey,
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
            filtered={list.filter !== '' || list.q !== '' || list.rootsOnly}
            what="spans"
          />
        }
      />
    </>
  );
}
