/**
 * /projects/:projectId/sessions/:sessionId — the conversation: each trace's root input and
 * output as chat turns in time order, with per-turn latency, tokens and a link to the trace;
 * session totals in the header. `sessionId` is the app's session.id (or the session GlobalID).
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { apiGet, seg } from '../api/heron-api';
import type { Paged, Session, Span, Trace } from '../api/api-types';
import { formatCost, formatCount, formatLatency, formatTime } from '../format/display-format';
import { attributeString } from './session-rows';

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

/** The session's totals over all its traces, computed by the server; null if none matches. */
async function loadSession(projectId: string, sessionId: string): Promise<Session | null> {
  const page = await apiGet<Paged<Session>>(`/v1/projects/${seg(projectId)}/sessions`, {
    // A JSON string is a valid string literal of the filter language (Python escapes).
    filter: `session_id == ${JSON.stringify(sessionId)}`,
    limit: 1,
  });
  return page.data[0] ?? null;
}

export function SessionPage() {
  const { projectId, sessionId } = useParams() as { projectId: string; sessionId: string };
  const data = useQuery({
    queryKey: ['session-turns', projectId, sessionId],
    queryFn: () => loadTurns(projectId, sessionId),
  });
  const summary = useQuery({
    queryKey: ['session-summary', projectId, sessionId],
    queryFn: () => loadSession(projectId, sessionId),
  });
  const session = summary.data ?? null;
  const turns = data.data?.turns ?? [];
  const errors = turns.filter((t) => t.trace.error_count > 0).length;
  const user = session?.user_id;

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
              {session ? formatCount(session.trace_count) : data.data ? turns.length : '—'}
            </div>
          </div>
          <div>
            <div className="figure-label">Tokens</div>
            <div className="figure-value">
              {session ? formatCount(session.token_count_total) : '—'}
            </div>
          </div>
          <div>
            <div className="figure-label">Cost</div>
            <div className="figure-value">{formatCost(session?.cost ?? null)}</div>
          </div>
          <div>
            <div className="figure-label">P50 latency</div>
            <div className="figure-value">{formatLatency(session?.latency_ms_p50 ?? null)}</div>
          </div>
          <div>
            <div className="figure-label">Errors</div>
            <div className={errors ? 'figure-value error-text' : 'figure-value'}>{errors}</div>
          </div>
          <div>
            <div className="figure-label">Span of time</div>
            <div className="figure-value" style={{ fontSize: 13 }}>
              {session
                ? `${formatTime(session.start_time)} → ${formatTime(session.end_time)}`
                : '—'}
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
