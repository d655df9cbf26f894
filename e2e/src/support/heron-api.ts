/**
 * Typed reads of Heron's REST API (Phoenix shapes plus Heron's additions), paging through
 * `next_cursor` so a test sees every stored row.
 */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | object;

export interface SpanJson {
  id: string;
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  start_time: string;
  end_time: string;
  status_code: string;
  status_message: string;
  attributes: Record<string, AttributeValue>;
  events: { name: string; timestamp: string; attributes: Record<string, AttributeValue> }[];
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  latency_ms: number;
  otel_kind: number;
  trace_state: string;
  links: {
    trace_id: string;
    span_id: string;
    trace_state: string;
    attributes: Record<string, AttributeValue>;
  }[];
  resource: { attributes: Record<string, AttributeValue> };
  scope: { name: string; version: string };
}

export interface TraceJson {
  id: string;
  trace_id: string;
  project_id: string;
  start_time: string;
  end_time: string;
  token_count_prompt: number;
  token_count_completion: number;
  token_count_total: number;
  latency_ms: number;
  span_count: number;
  error_count: number;
  root_span_id: string | null;
  session_id: string | null;
  cost: number | null;
}

export interface ProjectJson {
  id: string;
  name: string;
  description: string | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type Query = Record<string, string | number | (string | number)[] | undefined>;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export async function getJson<T>(url: string): Promise<JsonResponse<T>> {
  const response = await fetch(url);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // left as text
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

async function okJson<T>(url: string): Promise<T> {
  const response = await getJson<T>(url);
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

async function allPages<T>(baseUrl: string, path: string, query: Query): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await okJson<Page<T>>(
      `${baseUrl}${path}${queryString({ limit: 1000, ...query, cursor })}`,
    );
    items.push(...page.data);
    if (page.next_cursor === null) return items;
    cursor = page.next_cursor;
  }
}

export function listSpans(baseUrl: string, project: string, query: Query = {}) {
  return allPages<SpanJson>(baseUrl, `/v1/projects/${encodeURIComponent(project)}/spans`, query);
}

export function listTraces(baseUrl: string, project: string, query: Query = {}) {
  return allPages<TraceJson>(baseUrl, `/v1/projects/${encodeURIComponent(project)}/traces`, query);
}

export function listProjects(baseUrl: string, query: Query = {}) {
  return allPages<ProjectJson>(baseUrl, '/v1/projects', query);
}

/** Spans of a project, or [] when the project does not exist (404). */
export async function listSpansOrNone(
  baseUrl: string,
  project: string,
  query: Query = {},
): Promise<SpanJson[]> {
  const probe = await fetch(`${baseUrl}/v1/projects/${encodeURIComponent(project)}`);
  await probe.arrayBuffer();
  if (probe.status === 404) return [];
  return listSpans(baseUrl, project, query);
}

/** Every span of every project. */
export async function listAllSpans(baseUrl: string): Promise<SpanJson[]> {
  const spans: SpanJson[] = [];
  for (const project of await listProjects(baseUrl)) {
    spans.push(...(await listSpans(baseUrl, project.id)));
  }
  return spans;
}

export function bySpanName(spans: SpanJson[]): Map<string, SpanJson> {
  const map = new Map<string, SpanJson>();
  for (const span of spans) {
    if (map.has(span.name)) throw new Error(`two spans named ${span.name}`);
    map.set(span.name, span);
  }
  return map;
}
