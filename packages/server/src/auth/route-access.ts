/**
 * Who may call which route, in one place (README "Authentication" shows the same matrix).
 *
 * - public: anyone, no credentials (health, the UI's static files, the API docs, login).
 * - signed-in: any valid credential, even a user who must still change the initial password
 *   (who am I, change password, logout, own API keys).
 * - viewer: reads. member: writes project data (ingestion, annotations, notes, views, edits and
 *   deletes of spans, traces and sessions). admin: users, system keys, prices, retention,
 *   deleting projects.
 *
 * Every route must be listed: one that is not is treated as admin-only at run time, logged,
 * reported by GET /v1/auth/routes, and fails the route × credential test. HEAD follows GET.
 */
export type Role = 'viewer' | 'member' | 'admin';
export type Access = 'public' | 'signed-in' | Role;

export const ROLES: readonly Role[] = ['viewer', 'member', 'admin'];

const ROLE_RANK: Record<Role, number> = { viewer: 1, member: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return value === 'viewer' || value === 'member' || value === 'admin';
}

/** Whether `role` is allowed what `access` asks for (public and signed-in: any role). */
export function roleSatisfies(role: Role, access: Access): boolean {
  if (access === 'public' || access === 'signed-in') return true;
  return ROLE_RANK[role] >= ROLE_RANK[access];
}

const P = '/v1/projects/:project_identifier';

/** "METHOD /url" as fastify registered it → access. */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  // Open: liveness/readiness, the version Phoenix clients probe, the API docs (they describe
  // the API, never data), the web UI's files (the app itself shows the login page).
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /arize_phoenix_version': 'public',
  'GET /docs': 'public',
  'GET /docs/': 'public',
  'GET /docs/*': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/static/*': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /openapi.json': 'public',
  'GET /': 'public',
  'GET /*': 'public',
  'POST /v1/auth/login': 'public',
  // CORS preflight (@fastify/cors, only registered when HERON_ALLOWED_ORIGINS is set).
  'OPTIONS *': 'public',

  // Heron's own Prometheus metrics (counts and latencies, no trace data): a scraper sends a
  // viewer key. (HERON_METRICS_PORT serves them on a port of their own, outside this check.)
  'GET /metrics': 'viewer',

  // The caller's own account and keys.
  'GET /v1/auth/me': 'signed-in',
  'POST /v1/auth/logout': 'signed-in',
  'PUT /v1/auth/password': 'signed-in',
  'GET /v1/api_keys': 'signed-in',
  'POST /v1/api_keys': 'signed-in',
  'DELETE /v1/api_keys/:key_id': 'signed-in',

  // Administration.
  'GET /v1/auth/routes': 'admin',
  'GET /v1/users': 'admin',
  'POST /v1/users': 'admin',
  'PATCH /v1/users/:user_id': 'admin',
  'DELETE /v1/users/:user_id': 'admin',

  // Ingestion (OTLP/HTTP; gRPC checks the same member role in otlp/grpc-receiver.ts).
  'POST /v1/traces': 'member',
  'POST /v1/logs': 'member',
  'POST /v1/metrics': 'member',

  // Projects.
  'GET /v1/projects': 'viewer',
  'POST /v1/projects': 'member',
  [`GET ${P}`]: 'viewer',
  [`PUT ${P}`]: 'member',
  [`DELETE ${P}`]: 'admin',
  [`GET ${P}/summary`]: 'viewer',
  [`GET ${P}/metrics`]: 'viewer',
  [`GET ${P}/live`]: 'viewer',
  [`GET ${P}/filter-suggestions`]: 'viewer',
  [`GET ${P}/filter/validate`]: 'viewer',
  [`GET ${P}/retention`]: 'viewer',
  [`PUT ${P}/retention`]: 'admin',
  [`DELETE ${P}/retention`]: 'admin',
  [`GET ${P}/views`]: 'viewer',
  [`POST ${P}/views`]: 'member',
  [`GET ${P}/views/:view_id`]: 'viewer',
  [`PATCH ${P}/views/:view_id`]: 'member',
  [`DELETE ${P}/views/:view_id`]: 'member',

  // Spans, traces, sessions.
  [`GET ${P}/spans`]: 'viewer',
  [`POST ${P}/spans`]: 'member',
  [`GET ${P}/spans/otlpv1`]: 'viewer',
  [`GET ${P}/traces`]: 'viewer',
  [`GET ${P}/sessions`]: 'viewer',
  // Export downloads read everything in the project.
  [`GET ${P}/export`]: 'viewer',
  // Emptying a project deletes all its data, like deleting the project.
  [`POST ${P}/clear`]: 'admin',
  // The span query DSL reads with a POST body (Phoenix's API shape).
  'POST /v1/spans': 'viewer',
  'GET /v1/spans': 'viewer',
  'GET /v1/spans/:span_identifier': 'viewer',
  'DELETE /v1/spans/:span_identifier': 'member',
  'POST /v1/traces/transfer': 'member',
  'GET /v1/traces/:trace_identifier': 'viewer',
  'DELETE /v1/traces/:trace_identifier': 'member',
  'GET /v1/traces/:trace_identifier/tree': 'viewer',
  'GET /v1/traces/:trace_identifier/spans/:span_id': 'viewer',
  'GET /v1/sessions/:session_identifier': 'viewer',
  'DELETE /v1/sessions/:session_identifier': 'member',
  'POST /v1/sessions/delete': 'member',
  'GET /v1/live': 'viewer',

  // Annotations and notes.
  'POST /v1/span_annotations': 'member',
  'POST /v1/span_notes': 'member',
  'POST /v1/trace_annotations': 'member',
  'POST /v1/trace_notes': 'member',
  'POST /v1/session_annotations': 'member',
  'POST /v1/session_notes': 'member',
  'POST /v1/document_annotations': 'member',
  'POST /v1/evaluations': 'member',
  'GET /v1/evaluations': 'viewer',
  [`GET ${P}/annotation_summaries`]: 'viewer',
  'GET /v1/spans/:span_identifier/retrieval_metrics': 'viewer',
  [`GET ${P}/span_annotations`]: 'viewer',
  [`DELETE ${P}/span_annotations`]: 'member',
  [`GET ${P}/trace_annotations`]: 'viewer',
  [`DELETE ${P}/trace_annotations`]: 'member',
  [`GET ${P}/session_annotations`]: 'viewer',
  [`DELETE ${P}/session_annotations`]: 'member',
  'GET /v1/annotation_configs': 'viewer',
  'POST /v1/annotation_configs': 'member',
  'GET /v1/annotation_configs/:config_identifier': 'viewer',
  'PUT /v1/annotation_configs/:config_identifier': 'member',
  'DELETE /v1/annotation_configs/:config_identifier': 'member',
  [`GET ${P}/annotation_configs`]: 'viewer',
  [`PUT ${P}/annotation_configs`]: 'member',
  [`PUT ${P}/annotation_configs/:config_identifier`]: 'member',
  [`DELETE ${P}/annotation_configs/:config_identifier`]: 'member',

  // Prices and retention are server-wide settings.
  'GET /v1/model_prices': 'viewer',
  'POST /v1/model_prices': 'admin',
  'GET /v1/model_prices/unknown_models': 'viewer',
  'GET /v1/model_prices/match': 'viewer',
  'POST /v1/model_prices/recompute': 'admin',
  'GET /v1/model_prices/recompute/:job_id': 'viewer',
  'GET /v1/model_prices/:price_id': 'viewer',
  'PATCH /v1/model_prices/:price_id': 'admin',
  'DELETE /v1/model_prices/:price_id': 'admin',
  'POST /v1/retention/sweep': 'admin',
};

/** The access a route needs; undefined when the route is not classified. HEAD follows GET. */
export function routeAccess(method: string, url: string): Access | undefined {
  const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  return Object.prototype.hasOwnProperty.call(ROUTE_ACCESS, key) ? ROUTE_ACCESS[key] : undefined;
}

/** Methods that change nothing; any other needs CSRF proof when authenticated by cookie. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}
