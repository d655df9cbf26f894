/**
 * The span tree with its waterfall: one row per visible span (indent, collapse toggle, kind
 * icon, name, error/token/latency badges) and a bar placed and sized in proportion to the
 * span's time within the trace. Rows are virtualized, so a 5,000-span trace keeps only the rows
 * on screen in the DOM.
 */
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { TRACE_TREE_RENDERED_MARK, useRenderMark } from '../performance/render-mark';
import { formatLatency, formatTokens } from './number-formats';
import { SpanKindIcon } from './span-kind-icon';
import type { SpanNode } from './span-tree-model';

const ROW_HEIGHT = 30;
const INDENT_PX = 14;
/** Deeper levels stop indenting, so a very deep trace still leaves room for names. */
const MAX_INDENT_LEVELS = 24;

interface SpanTreeProps {
  rows: SpanNode[];
  durationMs: number;
  selectedId: string | null;
  collapsed: ReadonlySet<string>;
  searching: boolean;
  onSelect: (spanId: string) => void;
  onToggle: (spanId: string) => void;
}

export function SpanTree(props: SpanTreeProps) {
  const { rows, durationMs, selectedId, collapsed, searching, onSelect, onToggle } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  useRenderMark(TRACE_TREE_RENDERED_MARK, virtualizer.getVirtualItems().length > 0);

  const selectedIndex = selectedId ? rows.findIndex((row) => row.span.span_id === selectedId) : -1;
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const scale = durationMs > 0 ? 100 / durationMs : 0;
  return (
    <div className="heron-span-tree" ref={scrollRef} role="tree" aria-label="Spans of the trace">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const node = rows[item.index]!;
          const { span } = node;
          const hasChildren = node.children.length > 0;
          const isCollapsed = !searching && collapsed.has(span.span_id);
          const selected = span.span_id === selectedId;
          const left = node.startMs * scale;
          const width = Math.max((node.endMs - node.startMs) * scale, 0.3);
          return (
            <div
              key={span.span_id}
              role="treeitem"
              aria-level={node.depth + 1}
              aria-selected={selected}
              aria-expanded={hasChildren ? !isCollapsed : undefined}
              data-span-id={span.span_id}
              className={`heron-tree-row${selected ? ' heron-selected' : ''}${
                span.status_code === 'ERROR' ? ' heron-error-row' : ''
              }`}
              style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              onClick={() => onSelect(span.span_id)}
            >
              <div
                className="heron-tree-label"
                style={{ paddingLeft: Math.min(node.depth, MAX_INDENT_LEVELS) * INDENT_PX + 4 }}
              >
                {hasChildren ? (
                  <button
                    type="button"
                    className="heron-tree-toggle"
                    aria-label={isCollapsed ? 'Expand' : 'Collapse'}
                    onClick={(event) => {
                      event.stopPropagation();
                      onToggle(span.span_id);
                    }}
                  >
                    {isCollapsed ? '▸' : '▾'}
                  </button>
                ) : (
                  <span className="heron-tree-toggle-spacer" />
                )}
                <SpanKindIcon kind={span.span_kind} />
                <span className="heron-tree-name" title={span.name}>
                  {span.name}
                </span>
                {isCollapsed && (
                  <span className="heron-badge" title="Hidden descendants">
                    +{node.children.length}
                  </span>
                )}
                {span.status_code === 'ERROR' && (
                  <span className="heron-badge heron-badge-error">error</span>
                )}
                {span.token_count_total !== null && span.token_count_total > 0 && (
                  <span className="heron-badge" title="Total tokens">
                    {formatTokens(span.token_count_total)} tok
                  </span>
                )}
                <span className="heron-tree-latency">{formatLatency(span.latency_ms)}</span>
              </div>
              <div className="heron-tree-timeline" aria-hidden="true">
                <div
                  className={`heron-timeline-bar heron-kind-bar-${span.span_kind.toLowerCase()}${
                    span.status_code === 'ERROR' ? ' heron-timeline-error' : ''
                  }`}
                  style={{ left: `${left}%`, width: `${width}%` }}
                />
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
