/**
 * POST /v1/spans: Phoenix's span-query endpoint, which `px.Client().query_spans(...)`,
 * `get_spans_dataframe(...)` and the new Python client's `client.spans.get_spans_dataframe(...)`
 * call. The body holds SpanQuery DSL queries (query/span-query.ts); the answer has one
 * dataframe per query:
 * - `Accept: application/json` → `multipart/mixed`, one pandas table-JSON part per query;
 * - otherwise → `application/x-pandas-arrow`, one Arrow IPC stream per query, back to back.
 *
 * GET /v1/spans with the same JSON body is Phoenix's deprecated alias. Fastify does not read
 * bodies of GET requests, so that handler reads the body itself.
 *
 * Statuses: a bad body, query or filter is 422 with a message; an unknown project is 404 (the
 * `default` project answers empty frames even before it has spans, as it always exists in
 * Phoenix); an empty `queries` list is 404, as in Phoenix. A query that matches no span answers
 * an empty dataframe with its columns (Phoenix does the same, and its clients expect it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CompiledFilter } from '../query/compiled-filter.js';
import { FilterSyntaxError } from '../query/filter-syntax-error.js';
import { compileSpanFilter } from '../query/span-filter-compiler.js';
import { parseSpanQuery, SpanQueryError, type SpanQuery } from '../query/span-query.js';
import { runSpanQuery, type SpanQueryScope } from '../query/span-query-runner.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { FilterContext } from './filter-params.js';
import { encodeMultipartMixed, multipartMixedContentType, newBoundary } from './multipart-mixed.js';
import { encodePandasArrow } from './pandas-arrow.js';
import { encodePandasTableJson } from './pandas-table-json.js';
import { resolveProject } from './project-lookup.js';
import { stringParam, type QueryParams } from './query-params.js';
import { unixNanoFromIso } from './timestamps.js';

export const PANDAS_ARROW_TYPE = 'application/x-pandas-arrow';
export const DEFAULT_SPAN_QUERY_LIMIT = 1000;
/** The largest body the GET alias reads (the POST route has the server's body limit). */
const MAX_GET_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_PROJECT_NAME = 'default';
/** The condition `root_spans_only` with `orphan_span_as_root_span` means in the filter language. */
const ROOT_OR_ORPHAN = 'parent_span is None';

export interface SpanQueryLimits {
  /** Most spans one query may ask for. */
  maxSpans: number;
}

export function registerSpanQueryRoutes(
  app: FastifyInstance,
  store: Store,
  filters: FilterContext,
  limits: SpanQueryLimits,
): void {
  app.post('/v1/spans', async (request, reply) =>
    answer(store, filters, limits, request, reply, request.body),
  );
  app.get('/v1/spans', async (request, reply) =>
    answer(store, filters, limits, request, reply, await readJsonBody(request)),
  );
}

async function answer(
  store: Store,
  filterContext: FilterContext,
  limits: SpanQueryLimits,
  request: FastifyRequest,
  reply: FastifyReply,
  rawBody: unknown,
): Promise<FastifyReply> {
  if (typeof rawBody !== 'object' || rawBody === null || Array.isArray(rawBody)) {
    throw new ApiError(422, 'Request body must be a JSON object with a list of queries');
  }
  const body = rawBody as Record<string, unknown>;
  if (!Array.isArray(body.queries)) throw new ApiError(422, 'queries must be a list of queries');
  const queries = body.queries.map((query, i) => parseQuery(query, i));
  const filters = queries.map((query, i) =>
    query.filter === null
      ? null
      : compile(query.filter, filterContext, `queries[${i}].filter.condition`),
  );
  const scope = await scopeOf(store, filterContext, limits, request, body);
  if (queries.length === 0) throw new ApiError(404, 'No queries given');

  const tables = [];
  for (const [i, query] of queries.entries()) {
    tables.push(await runSpanQuery(store, scope, query, filters[i] ?? null));
  }
  if (wantsJson(request.headers.accept)) {
    const boundary = newBoundary();
    const parts = tables.map((table) => ({
      contentType: 'application/json',
      body: encodePandasTableJson(table),
    }));
    return reply
      .type(multipartMixedContentType(boundary))
      .send(encodeMultipartMixed(parts, boundary));
  }
  return reply
    .type(PANDAS_ARROW_TYPE)
    .send(Buffer.concat(tables.map((table) => encodePandasArrow(table))));
}

function parseQuery(query: unknown, i: number): SpanQuery {
  try {
    return parseSpanQuery(query, `queries[${i}]`);
  } catch (error) {
    if (error instanceof SpanQueryError) throw new ApiError(422, `Invalid query: ${error.message}`);
    throw error;
  }
}

function compile(expression: string, context: FilterContext, where: string): CompiledFilter {
  try {
    return compileSpanFilter(expression, context.dialect, { limits: context.limits });
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      throw new ApiError(422, `Invalid query: ${where}: ${error.message}`);
    }
    throw error;
  }
}

/** The project, window, limit and root condition shared by every query of the request. */
async function scopeOf(
  store: Store,
  filterContext: FilterContext,
  limits: SpanQueryLimits,
  request: FastifyRequest,
  body: Record<string, unknown>,
): Promise<SpanQueryScope> {
  const endTime = bodyTime(body, 'end_time') ?? bodyTime(body, 'stop_time');
  const limit = body.limit ?? DEFAULT_SPAN_QUERY_LIMIT;
  if (
    typeof limit !== 'number' ||
    !Number.isSafeInteger(limit) ||
    limit < 0 ||
    limit > limits.maxSpans
  ) {
    throw new ApiError(
      422,
      `limit must be an integer between 0 and ${limits.maxSpans} (HERON_MAX_SPAN_QUERY_LIMIT), got ${JSON.stringify(limit)}`,
    );
  }
  const rootSpansOnly = bodyBoolean(body, 'root_spans_only') ?? false;
  const orphansAreRoots = bodyBoolean(body, 'orphan_span_as_root_span') ?? true;
  return {
    projectId: await projectIdOf(store, request, body),
    startTime: bodyTime(body, 'start_time'),
    endTime,
    limit,
    rootsOnly: rootSpansOnly && !orphansAreRoots,
    filters:
      rootSpansOnly && orphansAreRoots
        ? [compile(ROOT_OR_ORPHAN, filterContext, 'root_spans_only')]
        : [],
  };
}

/**
 * Phoenix reads the project from `project_name` (query), then the legacy `project-name` query
 * parameter or header, then the body's `project_name`; Heron also takes `project_identifier`
 * (a GlobalID or a name), as its other routes do.
 */
async function projectIdOf(
  store: Store,
  request: FastifyRequest,
  body: Record<string, unknown>,
): Promise<number | null> {
  const query = request.query as QueryParams;
  const identifier = stringParam(query, 'project_identifier');
  if (identifier) return (await resolveProject(store, identifier)).rowid;
  const header = request.headers['project-name'];
  const bodyName = typeof body.project_name === 'string' ? body.project_name : undefined;
  const name =
    stringParam(query, 'project_name') ||
    stringParam(query, 'project-name') ||
    (typeof header === 'string' ? header : undefined) ||
    bodyName ||
    DEFAULT_PROJECT_NAME;
  const project = await store.getProjectByName(name);
  if (project) return project.rowid;
  if (name === DEFAULT_PROJECT_NAME) return null;
  throw new ApiError(404, `Project not found: ${name}`);
}

function bodyTime(body: Record<string, unknown>, field: string): bigint | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const ns = typeof value === 'string' ? unixNanoFromIso(value) : null;
  if (ns === null) {
    throw new ApiError(
      422,
      `${field} must be an ISO 8601 timestamp (e.g. 2024-05-01T12:00:00Z), got ${JSON.stringify(value)}`,
    );
  }
  return ns;
}

function bodyBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ApiError(422, `${field} must be true or false`);
  return value;
}

/**
 * Phoenix answers multipart JSON only for exactly `Accept: application/json`; Heron also takes
 * it when JSON or multipart/mixed is the first type the client lists that Heron can produce.
 */
function wantsJson(accept: string | undefined): boolean {
  for (const item of (accept ?? '').split(',')) {
    const type = item.split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || type === 'multipart/mixed') return true;
    if (type === PANDAS_ARROW_TYPE) return false;
  }
  return false;
}

/** The JSON body of a GET request, which Fastify leaves unread. */
async function readJsonBody(request: FastifyRequest): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > MAX_GET_BODY_BYTES) {
      throw new ApiError(413, `Request body is larger than ${MAX_GET_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) throw new ApiError(422, 'GET /v1/spans needs a JSON body (or use POST)');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ApiError(422, 'Request body is not valid JSON');
  }
}
