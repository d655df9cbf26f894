/**
 * The expansion of a trace row: its spans as an indented outline with kind, latency and a
 * bar placed on the trace's timeline; each links to the span on the trace page.
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { apiGet, seg } from '../api/heron-api';
import type { Paged, Span } from '../api/api-types';
import { formatLatency } from '../format/display-format';
import { SpanKindBadge } from './span-kind-badge';

const MAX_SPANS = 500;

/** Depth-first order with depths, children by start time. */
function outline(spans: Span[]): { span: Span; depth: number }[] {
  const ids = new Set(spans.map((s) => s.context.span_id));
  const children = new Map<string | null, Span[]>();
  for (const span of spans) {
    const parent = span.parent_id && ids.has(span.parent_id) ? span.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const list of children.values())
    list.sort((a, b) => a.start_time.localeCompare(b.start_time));
  const result: { span: Span; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      result.push({ span, depth });
      visit(span.context.span_id, depth + 1);
    }
  };
  visit(null, 0);
  return result;
}

export function TraceSpanOutline(props: { projectId: string; traceId: string; spanCount: number }) {
  const spans = useQuery({
    queryKey: ['trace-outline', props.projectId, props.traceId],
    queryFn: () =>
      apiGet<Paged<Span>>(`/v1/projects/${seg(props.projectId)}/spans`, {
        trace_id: props.traceId,
        limit: MAX_SPANS,
      }).then((r) => r.data),
  });
  if (spans.error) return <p className="error-text">{spans.error.message}</p>;
  if (!spans.data) return <p className="muted">Loading spans…</p>;
  const rows = outline(spans.data);
  const start = Math.min(...spans.data.map((s) => Date.parse(s.start_time)));
  const end = Math.max(...spans.data.map((s) => Date.parse(s.end_time)));
  const total = Math.max(end - start, 1);
  const traceLink = `/projects/${seg(props.projectId)}/traces/${props.traceId}`;
  return (
    <div
      className="span-outline"
      data-testid="trace-span-outline"
      onClick={(e) => e.stopPropagation()}
    >
      {rows.map(({ span, depth }) => (
        <div key={span.context.span_id} style={{ display: 'contents' }}>
          <span
            style={{
              paddingLeft: depth * 14,
              overflow: 'hidden',
              textOverflow: 'ellipsis',
              whiteSpace: 'nowrap',
            }}
          >
            <Link to={`${traceLink}?span=${span.context.span_id}`}>{span.name}</Link>
          </span>
          <span>
            <SpanKindBadge kind={span.span_kind} />
          </span>
          <span className={span.status_code === 'ERROR' ? 'error-text' : 'muted'}>
            {formatLatency(span.latency_ms)}
          </span>
          <span style={{ position: 'relative', height: 6 }}>
            <span
              className={span.status_code === 'ERROR' ? 'bar error' : 'bar'}
              style={{
                position: 'absolute',
                left: `${((Date.parse(span.start_time) - start) / total) * 100}%`,
                width: `${Math.max((span.latency_ms / total) * 100, 0.5)}%`,
              }}
            />
          </span>
        </div>
      ))}
      {props.spanCount > MAX_SPANS && (
        <span className="muted" style={{ gridColumn: '1 / -1' }}>
          Showing {MAX_SPANS} of {props.spanCount} spans —{' '}
          <Link to={traceLink}>open the trace</Link> for all.
        </span>
      )}
    </div>
  );
}
