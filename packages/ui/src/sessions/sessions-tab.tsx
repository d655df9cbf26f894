/** The Sessions tab: one row per session (conversation) active in the time range. */
import { getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { seg } from '../api/heron-api';
import {
  formatCostOf,
  formatCount,
  formatLatency,
  formatTime,
  previewText,
} from '../format/display-format';
import { useProjectContext } from '../project/project-context';
import { useProjectUrlState } from '../project/project-url-state';
import { EmptyTable } from '../tables/empty-table';
import { HoverPreview } from '../tables/hover-preview';
import { VirtualTable, type ColumnMeta } from '../tables/virtual-table';
import type { Session } from '../api/api-types';
import { useSessionRows } from './session-rows';

export function SessionsTab() {
  const { projectId, project, range, rangeKey } = useProjectContext();
  const { list, setList } = useProjectUrlState();
  const [draft, setDraft] = useState(list.filter);
  const navigate = useNavigate();
  const query = useSessionRows(projectId, range, rangeKey, list.filter);
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.rows) ?? [], [query.data]);
  const sessionLink = (row: Session) =>
    `/projects/${seg(projectId)}/sessions/${seg(row.session_id)}`;

  const columns = useMemo<ColumnDef<Session>[]>(
    () => [
      {
        id: 'session_id',
        size: 200,
        header: 'Session',
        cell: ({ row }) => (
          <Link to={sessionLink(row.original)} onClick={(e) => e.stopPropagation()}>
            {row.original.session_id}
          </Link>
        ),
      },
      {
        id: 'first_input',
        size: 280,
        header: 'First input',
        cell: ({ row }) => (
          <HoverPreview
            short={previewText(row.original.first_input_preview ?? '')}
            full={row.original.first_input_preview ?? ''}
          />
        ),
      },
      {
        id: 'last_output',
        size: 280,
        header: 'Last output',
        cell: ({ row }) => (
          <HoverPreview
            short={previewText(row.original.last_output_preview ?? '')}
            full={row.original.last_output_preview ?? ''}
          />
        ),
      },
      {
        id: 'user',
        size: 110,
        header: 'User',
        cell: ({ row }) => row.original.user_id || <span className="muted">—</span>,
      },
      {
        id: 'start',
        size: 150,
        header: 'Started',
        cell: ({ row }) => formatTime(row.original.start_time),
      },
      {
        id: 'end',
        size: 150,
        header: 'Last activity',
        cell: ({ row }) => formatTime(row.original.end_time),
      },
      {
        id: 'traces',
        size: 70,
        header: 'Traces',
        meta: { numeric: true } satisfies ColumnMeta,
        cell: ({ row }) => formatCount(row.original.trace_count),
      },
      {
        id: 'tokens',
        size: 80,
        header: 'Tokens',
        meta: { numeric: true } satisfies ColumnMeta,
        cell: ({ row }) => formatCount(row.original.token_count_total),
      },
      {
        id: 'cost',
        size: 80,
        header: 'Cost',
        meta: { numeric: true } satisfies ColumnMeta,
        cell: ({ row }) => formatCostOf(row.original.cost, row.original.token_count_total),
      },
      {
        id: 'p50',
        size: 90,
        header: 'P50 latency',
        meta: { numeric: true } satisfies ColumnMeta,
        cell: ({ row }) => formatLatency(row.original.latency_ms_p50),
      },
    ],
    [projectId],
  );
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel() });

  return (
    <>
      <div className="toolbar">
        <div className="filter-bar">
          <div className="filter-input-row">
            <input
              type="text"
              aria-label="Session filter"
              placeholder="Filter sessions, e.g. num_traces > 3"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && setList({ filter: draft.trim() })}
            />
            <button
              type="button"
              className="button"
              onClick={() => setList({ filter: draft.trim() })}
            >
              Apply
            </button>
          </div>
        </div>
      </div>
      {query.error && <div className="banner">{query.error.message}</div>}
      <VirtualTable
        testId="sessions-table"
        table={table}
        rowKey={(row) => row.id}
        onRowClick={(row) => navigate(sessionLink(row))}
        hasMore={query.hasNextPage}
        loadingMore={query.isFetchingNextPage}
        onLoadMore={() => void query.fetchNextPage()}
        loading={query.isPending}
        empty={
          <EmptyTable
            projectId={projectId}
            projectName={project?.name}
            filtered={list.filter !== ''}
            what="sessions"
          />
        }
      />
    </>
  );
}
