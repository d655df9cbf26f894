/**
 * A virtualized data table: TanStack Table for the column model, TanStack Virtual so only the
 * rows on screen are in the DOM (a million-row list scrolls like a ten-row one), infinite
 * scroll by cursor, optional expandable rows, sortable headers.
 *
 * When rows are inserted above the viewport (live mode refetches the first page), the scroll
 * position is moved by their height so what the reader is looking at stays put.
 */
import { flexRender, type Row, type Table } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { useRenderMark } from '../performance/render-mark';

export const ROW_HEIGHT = 35;

export interface ColumnMeta {
  /** The API's `sort` value when the column can sort. */
  sortKey?: string;
  numeric?: boolean;
  label?: string;
  className?: string;
}

export interface VirtualTableProps<T> {
  table: Table<T>;
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  expanded?: Set<string>;
  renderExpanded?: (row: T) => ReactNode;
  sort?: {
    key: string;
    order: 'asc' | 'desc';
    onChange: (key: string, order: 'asc' | 'desc') => void;
  };
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  loading: boolean;
  empty: ReactNode;
  testId?: string;
  /** A performance mark set when the first rows are in the DOM (performance/render-mark.ts). */
  renderedMark?: string;
}

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = props.table.getRowModel().rows;
  const columns = props.table.getVisibleLeafColumns();
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => props.rowKey(rows[index]!.original),
  });
  const items = virtualizer.getVirtualItems();
  useRenderMark(props.renderedMark, items.length > 0);

  // Keep the reader's place when rows arrive above it.
  const firstKey = useRef<string | null>(null);
  useLayoutEffect(() => {
    const element = scroller.current;
    const newFirst = rows[0] ? props.rowKey(rows[0].original) : null;
    const previous = firstKey.current;
    firstKey.current = newFirst;
    if (!element || previous === null || previous === newFirst || element.scrollTop === 0) return;
    const index = rows.findIndex((row) => props.rowKey(row.original) === previous);
    if (index > 0) element.scrollTop += index * ROW_HEIGHT;
  }, [rows, props]);

  const last = items[items.length - 1];
  const { hasMore, loadingMore, onLoadMore } = props;
  useEffect(() => {
    if (last && last.index >= rows.length - 15 && hasMore && !loadingMore) onLoadMore();
  }, [last, rows.length, hasMore, loadingMore, onLoadMore]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = last ? virtualizer.getTotalSize() - last.end : 0;
  const width = columns.reduce((sum, column) => sum + column.getSize(), 0);

  const header = (
    <thead>
      <tr>
        {props.table.getHeaderGroups()[0]!.headers.map((headerCell) => {
          const column = headerCell.column;
          const meta = column.columnDef.meta as ColumnMeta | undefined;
          const sortKey = meta?.sortKey;
          const sorted = sortKey !== undefined && props.sort?.key === sortKey;
          const className = [
            meta?.numeric ? 'num' : '',
            sortKey && props.sort ? 'sortable' : '',
            sorted ? 'sorted' : '',
          ].join(' ');
          const onClick =
            sortKey && props.sort
              ? () =>
                  props.sort!.onChange(
                    sortKey,
                    sorted && props.sort!.order === 'desc' ? 'asc' : 'desc',
                  )
              : undefined;
          return (
            <th
              key={column.id}
              className={className}
              style={{ width: column.getSize() }}
              onClick={onClick}
              aria-sort={
                sorted ? (props.sort!.order === 'asc' ? 'ascending' : 'descending') : undefined
              }
              data-column={column.id}
            >
              {flexRender(column.columnDef.header, headerCell.getContext())}
              {sorted && (props.sort!.order === 'asc' ? ' ↑' : ' ↓')}
            </th>
          );
        })}
      </tr>
    </thead>
  );

  return (
    <div className="table-wrap" ref={scroller} data-testid={props.testId}>
      <table className="data" style={{ width: Math.max(width, 0) }}>
        <colgroup>
          {columns.map((column) => (
            <col key={column.id} style={{ width: column.getSize() }} />
          ))}
        </colgroup>
        {header}
        {/* One <tbody> per virtual item: the row and its expansion are measured together. */}
        {paddingTop > 0 && (
          <tbody className="spacer">
            <tr>
              <td colSpan={columns.length} style={{ height: paddingTop }} />
            </tr>
          </tbody>
        )}
        {items.map((item) => {
          const row = rows[item.index] as Row<T>;
          const key = props.rowKey(row.original);
          const expanded = props.expanded?.has(key) && props.renderExpanded;
          return (
            <tbody key={item.key} data-index={item.index} ref={virtualizer.measureElement}>
              <tr
                className="row"
                data-row-key={key}
                onClick={props.onRowClick ? () => props.onRowClick!(row.original) : undefined}
              >
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta as ColumnMeta | undefined;
                  return (
                    <td key={cell.id} className={meta?.numeric ? 'num' : meta?.className}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  );
                })}
              </tr>
              {expanded && (
                <tr>
                  <td className="expanded-cell" colSpan={columns.length}>
                    {props.renderExpanded!(row.original)}
                  </td>
                </tr>
              )}
            </tbody>
          );
        })}
        {paddingBottom > 0 && (
          <tbody className="spacer">
            <tr>
              <td colSpan={columns.length} style={{ height: paddingBottom }} />
            </tr>
          </tbody>
        )}
      </table>
      {props.loading && <div className="table-footer">Loading…</div>}
      {!props.loading && rows.length === 0 && props.empty}
      {props.loadingMore && <div className="table-footer">Loading more…</div>}
      {!props.loading && rows.length > 0 && !props.hasMore && (
        <div className="table-footer">
          {rows.length} {rows.length === 1 ? 'row' : 'rows'}, all loaded
        </div>
      )}
    </div>
  );
}
