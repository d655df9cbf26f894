/**
 * The server reads and writes of the trace page, typed. Every call goes to Heron's own API
 * (trace-view-routes.ts and the annotation routes); an error answer becomes an Error carrying
 * the server's message, which the page shows as is.
 */

export type SpanKind =
  | 'LLM'
  | 'CHAIN'
  | 'TOOL'
  | 'RETRIEVER'
  | 'RERANKER'
  | 'EMBEDDING'
  | 'AGENT'
  | 'GUARDRAIL'
  | 'EVALUATOR'
  | 'PROMPT'
  | 'UNKNOWN';

export type StatusCode = 'OK' | 'ERROR' | 'UNSET';

/** One span in the outline of a trace (no attributes). */
export interface TreeSpan {
  span_id: string;
  parent_id: string | null;
  name: string;
  span_kind: SpanKind;
  status_code: StatusCode;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  latency_ms: number;
  token_count_prompt: number | null;
  token_count_completion: number | null;
  token_count_total: number | null;
  /** USD; null = no price. */
  cost: number | null;
  event_count: number;
}

export interface TraceTree {
  id: string;
  trace_id: string;
  project_id: string;
  start_time: string;
  end_time: string;
  latency_ms: number;
  span_count: number;
  error_count: number;
  token_count_prompt: number;
  token_count_completion: number;
  token_count_total: number;
  root_span_id: string | null;
  session_id: string | null;
  cost: number | null;
  truncated: boolean;
  spans: TreeSpan[];
}

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface SpanEvent {
  name: string;
  timestamp: string;
  attributes: JsonObject;
}

export interface SpanDetail {
  id: string;
  project_id: string;
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: SpanKind;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  latency_ms: number;
  status_code: StatusCode;
  status_message: string;
  /** Nested as stored: `attributes.llm.input_messages[0].message.role`. */
  attributes: JsonObject;
  events: SpanEvent[];
  links: { trace_id: string; span_id: string; attributes: JsonObject }[];
  resource: { attributes: JsonObject };
  scope: { name: string; version: string };
  session_id: string | null;
  user_id: string | null;
  model_name: string | null;
  token_count_prompt: number | null;
  token_count_completion: number | null;
  token_count_total: number | null;
  /** USD under the price that applied; null = no price (never 0). */
  cost: number | null;
  cost_prompt: number | null;
  cost_completion: number | null;
  price_id: string | null;
}

export type AnnotatorKind = 'HUMAN' | 'LLM' | 'CODE';

export interface SpanAnnotation {
  id: string;
  created_at: string;
  updated_at: string;
  source: string;
  user_id: string | null;
  name: string;
  annotator_kind: AnnotatorKind;
  result: { label: string | null; score: number | null; explanation: string | null };
  identifier: string;
  span_id: string;
}

async function requestJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: {
      accept: 'application/json',
      ...(init?.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  const text = await response.text();
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = JSON.parse(text) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      // Not JSON (a proxy's page): the status line says enough.
    }
    throw new Error(message);
  }
  return JSON.parse(text) as T;
}

const path = encodeURIComponent;

export async function fetchTraceTree(traceId: string, spanLimit?: number): Promise<TraceTree> {
  const query = spanLimit ? `?span_limit=${spanLimit}` : '';
  const body = await requestJson<{ data: TraceTree }>(`/v1/traces/${path(traceId)}/tree${query}`);
  return body.data;
}

export async function fetchTraceSpan(traceId: string, spanId: string): Promise<SpanDetail> {
  const body = await requestJson<{ data: SpanDetail }>(
    `/v1/traces/${path(traceId)}/spans/${path(spanId)}`,
  );
  return body.data;
}

/** A span by OTel span id alone (the newest span with that id), for /redirects/spans. */
export async function fetchSpan(spanId: string): Promise<SpanDetail> {
  const body = await requestJson<{ data: SpanDetail }>(`/v1/spans/${path(spanId)}`);
  return body.data;
}

/** Most annotations the tab lists for one span. */
const ANNOTATION_PAGE = 1000;

export async function fetchSpanAnnotations(
  projectId: string,
  spanId: string,
): Promise<SpanAnnotation[]> {
  const body = await requestJson<{ data: SpanAnnotation[] }>(
    `/v1/projects/${path(projectId)}/span_annotations?span_ids=${path(spanId)}&limit=${ANNOTATION_PAGE}`,
  );
  return body.data;
}

export interface NewAnnotation {
  spanId: string;
  name: string;
  label?: string;
  score?: number;
  explanation?: string;
}

export async function addSpanAnnotation(annotation: NewAnnotation): Promise<void> {
  await requestJson('/v1/span_annotations?sync=true', {
    method: 'POST',
    body: JSON.stringify({
      data: [
        {
          span_id: annotation.spanId,
          name: annotation.name,
          annotator_kind: 'HUMAN',
          result: {
            label: annotation.label ?? null,
            score: annotation.score ?? null,
            explanation: annotation.explanation ?? null,
          },
        },
      ],
    }),
  });
}

export async function addSpanNote(spanId: string, note: string): Promise<void> {
  await requestJson('/v1/span_notes', {
    method: 'POST',
    body: JSON.stringify({ data: { span_id: spanId, note } }),
  });
}
