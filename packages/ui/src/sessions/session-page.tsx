/**
 * /projects/:projectId/sessions/:sessionId — the conversation: each trace's root input and
 * output as chat turns in time order, with per-turn latency, tokens and a link to the trace;
 * session totals in the header. `sessionId` is the app's session.id (or the session GlobalID).
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { apiGet, seg } from '../api/heron-api';
import type { Paged, Span, Trace } from '../api/api-types';
import { formatCost, formatCount, formatLatency, formatTime } from '../format/display-format';
import { attributeString, median } from './session-rows';

const MAX_TURNS = 1000;

async function loadTurns(projectId: string, sessionId: string) {
  const traces = await apiGet<Paged<Trace>>(`/v1/projects/${seg(projectId)}/traces`, {
    session_identifier: sessionId,
    sort: 'start_time',
    order: 'asc',
    limit: MAX_TURNS,
  });
  const roots: Span[] = [];
  // Root spans in chunks that keep the URL short.
  for (let i = 0; i < traces.data.length; i += 100) {
    const chunk = traces.data.slice(i, i + 100);
    const page = await apiGet<Paged<Span>>(`/v1/projects/${seg(projectId)}/spans`, {
      trace_id: chunk.map((t) => t.trace_id),
      span_id: chunk.flatMap((t) => (t.root_span_id ? [t.root_span_id] : [])),
      limit: 1000,
    });
    roots.push(...page.data);
  }
  const rootByTrace = new Map(roots.map((span) => [span.context.trace_id, span]));
  return {
    turns: traces.data.map((trace) => ({ trace, root: rootByTrace.get(trace.trace_id) })),
    truncated: traces.next_cursor !== null,
  };
}

export function SessionPage() {
  const { projectId, sessionId } = useParams() as { projectId: string; sessionId: string };
  const data = useQuery({
    queryKey: ['session-turns', projectId, sessionId],
    queryFn: () => loadTurns(projectId, sessionId),
  });
  const turns = data.data?.turns ?? [];
  const totals = {
    tokens: turns.reduce((sum, t) => sum + t.trace.token_count_total, 0),
    costs: turns.map((t) => t.trace.cost).filter((c): c is number => c !== null),
    errors: turns.filter((t) => t.trace.error_count > 0).length,
  };
  const first = turns[0]?.trace.start_time;
  const last = turns[turns.length - 1]?.trace.end_time;
  const user = turns.map((t) => attributeString(t.root, 'user.id')).find(Boolean);

  return (
    <>
      <div className="project-header" style={{ paddingBottom: 12 }}>
        <div className="project-title-row">
          <h1>Session {sessionId}</h1>
          {user && <span className="description">user {user}</span>}
        </div>
        <div className="figures" style={{ marginBottom: 0 }}>
          <div>
            <div className="figure-label">Turns</div>
            <div className="figure-value" data-testid="session-turn-count">
              {data.data ? turns.length : '—'}
            </div>
          </div>
          <div>
            <div className="figure-label">Tokens</div>
            <div className="figure-value">{formatCount(totals.tokens)}</div>
          </div>
          <div>
            <div className="figure-label">Cost</div>
            <div className="figure-value">
              {formatCost(totals.costs.length ? totals.costs.reduce((a, b) => a + b, 0) : null)}
            </div>
          </div>
          <div>
            <div className="figure-label">P50 latency</div>
            <div className="figure-value">
              {formatLatency(median(turns.map((t) => t.trace.latency_ms)))}
            </div>
          </div>
          <div>
            <div className="figure-label">Errors</div>
            <div className={totals.errors ? 'figure-value error-text' : 'figure-value'}>
              {totals.errors}
            </div>
          </div>
          <div>
            <div className="figure-label">Span of time</div>
            <div className="figure-value" style={{ fontSize: 13 }}>
              {first ? `${formatTime(first)} → ${formatTime(last)}` : '—'}
            </div>
          </div>
        </div>
      </div>
      <div className="page">
        {data.error && <div className="banner">{data.error.message}</div>}
        {data.data && turns.length === 0 && (
          <div className="empty">
            <h2>No traces in this session</h2>
            <p>No trace of this project carries session.id “{sessionId}”.</p>
          </div>
        )}
        <div className="chat" data-testid="session-chat">
          {turns.map(({ trace, root }, index) => {
            const input = attributeString(root, 'input.value');
            const output = attributeString(root, 'output.value');
            const failed = trace.error_count > 0;
            return (
              <div className="turn" key={trace.trace_id} data-testid="session-turn">
                {input && <div className="bubble user">{input}</div>}
                <div className={failed ? 'bubble assistant error' : 'bubble assistant'}>
                  {output || (
                    <span className="muted">
                      {failed ? 'No output (the trace has errors)' : 'No output'}
                    </span>
                  )}
                </div>
                <div className="turn-meta">
                  <span>Turn {index + 1}</span>
                  <span>{formatTime(trace.start_time)}</span>
                  <span>{formatLatency(trace.latency_ms)}</span>
                  <span>{formatCount(trace.token_count_total)} tokens</span>
                  {trace.cost !== null && <span>{formatCost(trace.cost)}</span>}
                  {failed && <span className="error-text">{trace.error_count} error(s)</span>}
                  <Link to={`/projects/${seg(projectId)}/traces/${trace.trace_id}`}>
                    Open trace →
                  </Link>
                </div>
              </div>
            );
          })}
          {data.data?.truncated && <p className="muted">Showing the first {MAX_TURNS} turns.</p>}
        </div>
      </div>
    </>
  );
}
