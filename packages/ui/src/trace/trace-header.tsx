/**
 * The trace page header: latency, tokens, cost, status, session, span count, links, and the
 * time breakdown by span kind (see kind-time-breakdown.ts for how time is counted).
 */
import { Link } from 'react-router-dom';
import { CopyButton, LinkActions } from './copy-button';
import { TIME_CATEGORIES, TIME_CATEGORY_LABELS, type TimeBreakdown } from './kind-time-breakdown';
import { formatCost, formatLatency, formatPercent, formatTokens } from './number-formats';
import type { TraceTree } from './trace-api';

const BREAKDOWN_HELP =
  'Exclusive wall-clock time: each moment of the trace counts for the innermost spans ' +
  'running then (a chain waiting on an LLM call is LLM time). Parallel spans share the ' +
  'moment equally, so the parts add up to the trace latency. Retrieval includes reranking ' +
  'and embedding; Other is chains, agents and everything else doing its own work; Idle is ' +
  'time when no span ran.';

interface TraceHeaderProps {
  trace: TraceTree;
  projectId: string;
  breakdown: TimeBreakdown;
}

export function TraceHeader({ trace, projectId, breakdown }: TraceHeaderProps) {
  const total = TIME_CATEGORIES.reduce((sum, category) => sum + breakdown[category], 0);
  const status = trace.error_count > 0 ? 'ERROR' : 'OK';
  const tracePath = `/projects/${encodeURIComponent(projectId)}/traces/${trace.trace_id}`;
  return (
    <header className="heron-trace-header">
      <div className="heron-trace-title-row">
        <Link className="heron-back-link" to={`/projects/${encodeURIComponent(projectId)}`}>
          ← Project
        </Link>
        <h1 className="heron-trace-title">
          Trace <code>{trace.trace_id}</code>
        </h1>
        <CopyButton text={trace.trace_id} label="Copy id" title="Copy the trace id" />
        <LinkActions path={tracePath} what="trace" />
      </div>
      <dl className="heron-trace-stats">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`heron-status heron-status-${status.toLowerCase()}`}>{status}</span>
            {trace.error_count > 0 && (
              <span className="heron-muted">
                {' '}
                {trace.error_count} span{trace.error_count === 1 ? '' : 's'} failed
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd data-testid="trace-latency">{formatLatency(trace.latency_ms)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd
            title={`prompt ${trace.token_count_prompt}, completion ${trace.token_count_completion}`}
          >
            {formatTokens(trace.token_count_total)}
            <span className="heron-muted">
              {' '}
              ({formatTokens(trace.token_count_prompt)} prompt /{' '}
              {formatTokens(trace.token_count_completion)} completion)
            </span>
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatCost(trace.cost)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>
            {formatTokens(trace.span_count)}
            {trace.truncated && (
              <span className="heron-muted"> (first {formatTokens(trace.spans.length)} shown)</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Session</dt>
          <dd>
            {trace.session_id ? (
              <Link
                to={`/projects/${encodeURIComponent(projectId)}/sessions/${encodeURIComponent(
                  trace.session_id,
                )}`}
              >
                {trace.session_id}
              </Link>
            ) : (
              <span className="heron-muted">none</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{new Date(trace.start_time).toLocaleString()}</dd>
        </div>
      </dl>
      <div className="heron-breakdown" aria-label="Time by span kind" title={BREAKDOWN_HELP}>
        <div className="heron-breakdown-bar">
          {TIME_CATEGORIES.map((category) =>
            breakdown[category] > 0 ? (
              <div
                key={category}
                className={`heron-breakdown-part heron-time-${category}`}
                style={{ flexGrow: breakdown[category] }}
                title={`${TIME_CATEGORY_LABELS[category]}: ${formatLatency(breakdown[category])}`}
              />
            ) : null,
          )}
        </div>
        <ul className="heron-breakdown-legend" data-testid="time-breakdown">
          {TIME_CATEGORIES.filter((c) => c !== 'idle' || breakdown.idle > 0).map((category) => (
            <li key={category} data-category={category}>
              <span className={`heron-legend-swatch heron-time-${category}`} />
              {TIME_CATEGORY_LABELS[category]} {formatPercent(breakdown[category], total)}
              <span className="heron-muted"> · {formatLatency(breakdown[category])}</span>
            </li>
          ))}
          <li className="heron-muted heron-breakdown-help">exclusive time (hover for how)</li>
        </ul>
      </div>
    </header>
  );
}
