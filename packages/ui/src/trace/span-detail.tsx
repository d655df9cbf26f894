/**
 * The right side of the trace page: the selected span's header (kind, name, status, latency,
 * ids, links) and its tabs — Info, Attributes, Events, Annotations.
 */
import { useQuery } from '@tanstack/react-query';
import { CopyButton, LinkActions } from './copy-button';
import { formatLatency } from './number-formats';
import { SpanAnnotationsTab } from './span-annotations-tab';
import { SpanAttributesTab } from './span-attributes-tab';
import { SpanEventsTab } from './span-events-tab';
import { SpanInfoTab } from './span-info-tab';
import { SpanKindIcon } from './span-kind-icon';
import { fetchTraceSpan, type TreeSpan } from './trace-api';

export const SPAN_TABS = ['info', 'attributes', 'events', 'annotations'] as const;
export type SpanTab = (typeof SPAN_TABS)[number];

const TAB_LABELS: Record<SpanTab, string> = {
  info: 'Info',
  attributes: 'Attributes',
  events: 'Events',
  annotations: 'Annotations',
};

interface SpanDetailProps {
  traceId: string;
  /** The project's GlobalID, for the annotation routes. */
  projectId: string;
  /** The project as it is written in the page URL, for links. */
  routeProjectId: string;
  outline: TreeSpan;
  tab: SpanTab;
  onTab: (tab: SpanTab) => void;
}

export function SpanDetailPanel(props: SpanDetailProps) {
  const { traceId, projectId, routeProjectId, outline, tab, onTab } = props;
  const spanId = outline.span_id;
  const detail = useQuery({
    queryKey: ['trace-span', traceId, spanId],
    queryFn: () => fetchTraceSpan(traceId, spanId),
  });
  const path = `/projects/${encodeURIComponent(routeProjectId)}/traces/${traceId}?span=${spanId}`;
  return (
    <section className="heron-span-detail" aria-label="Selected span">
      <header className="heron-span-header">
        <div className="heron-span-title">
          <SpanKindIcon kind={outline.span_kind} />
          <h2 data-testid="span-title">{outline.name}</h2>
          <span className={`heron-status heron-status-${outline.status_code.toLowerCase()}`}>
            {outline.status_code}
          </span>
          <span className="heron-muted">{formatLatency(outline.latency_ms)}</span>
        </div>
        <div className="heron-span-ids">
          <span className="heron-muted">
            {outline.span_kind} · span <code>{spanId}</code>
          </span>
          <CopyButton text={spanId} label="Copy id" title="Copy the span id" />
          <LinkActions path={path} what="span" />
        </div>
      </header>
      <div className="heron-tabs" role="tablist">
        {SPAN_TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'heron-tab heron-tab-on' : 'heron-tab'}
            onClick={() => onTab(name)}
          >
            {TAB_LABELS[name]}
            {name === 'events' && outline.event_count > 0 && (
              <span className="heron-badge">{outline.event_count}</span>
            )}
          </button>
        ))}
      </div>
      <div className="heron-tab-panel" role="tabpanel">
        {tab === 'annotations' ? (
          <SpanAnnotationsTab projectId={projectId} spanId={spanId} />
        ) : detail.isPending ? (
          <p className="heron-muted">Loading span…</p>
        ) : detail.isError ? (
          <p className="heron-form-error">Could not load the span: {detail.error.message}</p>
        ) : tab === 'info' ? (
          <SpanInfoTab span={detail.data} />
        ) : tab === 'attributes' ? (
          <SpanAttributesTab span={detail.data} />
        ) : (
          <SpanEventsTab span={detail.data} />
        )}
      </div>
    </section>
  );
}
