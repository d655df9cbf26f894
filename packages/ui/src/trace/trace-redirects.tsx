/**
 * `/redirects/traces/:otelTraceId` and `/redirects/spans/:otelSpanId`: links that know only an
 * OpenTelemetry id (from a log line, an alert, another tool) look it up through the API and
 * replace themselves with the trace page (with the span selected).
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { fetchSpan, fetchTraceTree } from './trace-api';
import './trace.css';

function useRedirect(what: string, id: string, resolve: (id: string) => Promise<string>) {
  const navigate = useNavigate();
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    resolve(id).then(
      (path) => {
        if (current) navigate(path, { replace: true });
      },
      (error: Error) => {
        if (current) setProblem(error.message);
      },
    );
    return () => {
      current = false;
    };
  }, [id, navigate, resolve]);
  if (problem) {
    return (
      <div className="heron-trace-message" role="alert">
        <p>
          No {what} to open for <code>{id}</code>: {problem}
        </p>
        <Link to="/projects">All projects</Link>
      </div>
    );
  }
  return (
    <p className="heron-trace-message heron-muted">
      Finding {what} <code>{id}</code>…
    </p>
  );
}

async function tracePath(traceId: string): Promise<string> {
  // One span is enough to learn the project.
  const tree = await fetchTraceTree(traceId, 1);
  return `/projects/${encodeURIComponent(tree.project_id)}/traces/${tree.trace_id}`;
}

async function spanPath(spanId: string): Promise<string> {
  const span = await fetchSpan(spanId);
  return (
    `/projects/${encodeURIComponent(span.project_id)}/traces/${span.context.trace_id}` +
    `?span=${span.context.span_id}`
  );
}

export function TraceRedirect() {
  const { otelTraceId = '' } = useParams();
  return useRedirect('trace', otelTraceId, tracePath);
}

export function SpanRedirect() {
  const { otelSpanId = '' } = useParams();
  return useRedirect('span', otelSpanId, spanPath);
}
