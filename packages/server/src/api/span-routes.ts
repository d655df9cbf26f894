/**
 * Spans: Phoenix's list with every filter (newest first) plus Heron's `filter` expression and
 * `q` full-text search, the same list in OTLP JSON shape, creating spans from Phoenix span JSON
 * (all-or-nothing), and deleting one span with its rollups corrected.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { QueueClosedError, QueueFullError, type IngestQueue } from '../ingest/ingest-queue.js';
import type { OtlpSpan } from '../otlp/otlp-types.js';
import {
  AttributeMatchError,
  attributeMatchCondition,
  parseAttributeMatch,
} from '../query/attribute-match.js';
import { andFilters, type CompiledFilter } from '../query/compiled-filter.js';
import { normalizeExportRequest } from '../spans/span-normalizer.js';
import type { SpanLimits } from '../spans/span-limits.js';
import { SPAN_KINDS } from '../spans/span-record.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../query/keyset-cursor.js';
import { SPAN_SORTS, spanSortValue, type SpanSort } from '../store/span-sort.js';
import type { SpanListQuery, SpanPage, Store, StoredSpan } from '../store/store.js';
import { ApiError } from './api-error.js';
import { filterParam, searchParam, type FilterContext } from './filter-params.js';
import { fromGlobalId, toGlobalId } from './global-id.js';
import { toOtlpSpanJson } from './otlp-span-json.js';
import { phoenixSpanToOtlp } from './phoenix-span-input.js';
import { resolveProject } from './project-lookup.js';
import {
  cursorParam,
  enumListParam,
  intParam,
  listParam,
  stringParam,
  timeParam,
  type QueryParams,
} from './query-params.js';
import { bodyObject } from './request-body.js';
import { toSpanJson } from './span-json.js';
import { orderParam } from './trace-routes.js';

const STATUS_CODES = ['OK', 'ERROR', 'UNSET'] as const;

/** Most spans one `POST /v1/projects/{id}/spans` may carry. */
export const MAX_CREATE_SPANS = 10_000;

export interface SpanRouteDependencies {
  store: Store;
  queue: IngestQueue;
  spanLimits: SpanLimits;
  filters: FilterContext;
}

function attributeFilters(query: QueryParams, dialect: Store['dialect']): CompiledFilter[] {
  return listParam(query, 'attribute').map((raw) => {
    try {
      const { key, value } = parseAttributeMatch(raw);
      return attributeMatchCondition(dialect, 'spans', key, value);
    } catch (error) {
      if (error instanceof AttributeMatchError) throw new ApiError(422, error.message);
      throw error;
    }
  });
}

/**
 * `sort` (span-sort.ts) with `order` and a keyset `cursor`; undefined without `sort` (Phoenix's
 * newest-row-first list). A plain Span GlobalID as cursor starts at that span's key.
 */
async function spanSortParam(store: Store, query: QueryParams): Promise<SpanListQuery['sort']> {
  const key = stringParam(query, 'sort');
  if (key === undefined) return undefined;
  if (!(SPAN_SORTS as readonly string[]).includes(key)) {
    throw new ApiError(422, `sort must be one of ${SPAN_SORTS.join(', ')}, got "${key}"`);
  }
  const sort = key as SpanSort;
  const order = orderParam(query, 'desc');
  const raw = stringParam(query, 'cursor');
  if (!raw) return { key: sort, order };
  const cursor = decodeKeysetCursor('Span', raw, sort);
  if (cursor === null || (cursor.value !== undefined && !/^-?\d+$/.test(cursor.value))) {
    throw new ApiError(422, `Invalid cursor for sort ${sort}: ${raw}`);
  }
  if (cursor.value !== undefined) return { key: sort, order, cursor };
  const span = await store.getSpanByRowid(cursor.rowid);
  if (!span) throw new ApiError(422, `Invalid cursor for sort ${sort}: ${raw} (no such span)`);
  return { key: sort, order, cursor: { rowid: cursor.rowid, value: spanSortValue(span, sort) } };
}

/** The next page's cursor: a GlobalID, or with a sort a keyset cursor carrying the key. */
function nextSpanCursor(page: SpanPage, query: QueryParams): string | null {
  if (page.nextCursor === null) return null;
  const sort = stringParam(query, 'sort');
  if (sort === undefined || page.nextSortValue === undefined) {
    return toGlobalId('Span', page.nextCursor);
  }
  return encodeKeysetCursor('Span', { rowid: page.nextCursor, value: page.nextSortValue }, sort);
}

/** The list query both span list routes share; `withKinds` is false for otlpv1 (as Phoenix). */
async function listSpansFor(
  { store, filters: filterContext }: SpanRouteDependencies,
  projectIdentifier: string,
  query: QueryParams,
  withKinds: boolean,
): Promise<SpanPage> {
  const project = await resolveProject(store, projectIdentifier);
  const parentIds = listParam(query, 'parent_id');
  const rootsOnly = parentIds.some((p) => p === 'null' || p === '');
  const filters = attributeFilters(query, store.dialect);
  const expression = filterParam(query, 'span', filterContext);
  if (expression) filters.push(expression);
  const sort = await spanSortParam(store, query);
  const spanQuery: SpanListQuery = {
    cursor: sort ? undefined : cursorParam(query, 'Span'),
    sort,
    limit: intParam(query, 'limit', 100, 1, 1000),
    startTime: timeParam(query, 'start_time'),
    endTime: timeParam(query, 'end_time'),
    traceIds: listParam(query, 'trace_id').map((id) => id.toLowerCase()),
    spanIds: listParam(query, 'span_id').map((id) => id.toLowerCase()),
    rootsOnly,
    parentIds: rootsOnly ? [] : parentIds.map((id) => id.toLowerCase()),
    names: listParam(query, 'name'),
    spanKinds: withKinds ? enumListParam(query, 'span_kind', SPAN_KINDS) : [],
    statusCodes: enumListParam(query, 'status_code', STATUS_CODES),
    filter: filters.length > 0 ? andFilters(filters) : undefined,
    search: searchParam(query),
  };
  return store.listSpans(project.rowid, spanQuery);
}

/** A `{span_identifier}`: a Span GlobalID or the OTel span id (the newest such span). */
async function resolveSpan(store: Store, identifier: string): Promise<StoredSpan> {
  const rowid = fromGlobalId('Span', identifier);
  const span =
    rowid !== null
      ? await store.getSpanByRowid(rowid)
      : ((await store.findSpansBySpanId(identifier.toLowerCase()))[0] ?? null);
  if (!span) throw new ApiError(404, `Span not found: ${identifier}`);
  return span;
}

type SpanKey = { span_id: string; trace_id: string };

/**
 * Validates every span, refuses the whole request if any is invalid or already stored (as
 * Phoenix does, with the same 400 body phoenix-client's `logSpans` reads), else commits them.
 */
async function createSpans(
  deps: SpanRouteDependencies,
  projectName: string,
  items: unknown[],
  reply: FastifyReply,
) {
  const invalid: (SpanKey & { error: string })[] = [];
  const otlpSpans: OtlpSpan[] = [];
  for (const item of items) {
    const converted = phoenixSpanToOtlp(item);
    if (converted.ok) otlpSpans.push(converted.span);
    else
      invalid.push({
        span_id: converted.spanId,
        trace_id: converted.traceId,
        error: converted.error,
      });
  }
  const { spans, rejected } = normalizeExportRequest(
    {
      resourceSpans: [
        {
          resourceAttributes: [],
          schemaUrl: '',
          scopeSpans: [
            { scope: { name: '', version: '', attributes: [] }, spans: otlpSpans, schemaUrl: '' },
          ],
        },
      ],
    },
    { headerProjectName: projectName, limits: deps.spanLimits },
  );
  for (const r of rejected)
    invalid.push({ span_id: r.spanId, trace_id: r.traceId, error: r.reason });
  for (const span of spans) span.projectName = projectName;

  const seen = new Set<string>();
  const duplicates: SpanKey[] = [];
  const stored = await deps.store.existingSpanKeys(spans);
  for (const span of spans) {
    const key = `${span.traceId}:${span.spanId}`;
    if (seen.has(key) || stored.has(key)) {
      duplicates.push({ span_id: span.spanId, trace_id: span.traceId });
    }
    seen.add(key);
  }
  if (invalid.length > 0 || duplicates.length > 0) {
    const detail = {
      invalid_spans: invalid,
      duplicate_spans: duplicates,
      total_received: items.length,
      total_queued: 0,
    };
    const message = `${invalid.length} invalid and ${duplicates.length} duplicate span(s); none were stored`;
    // phoenix-client parses `detail` as a JSON string; `message` is Heron's usual error field.
    return reply
      .code(400)
      .send({ statusCode: 400, error: 'Bad Request', message, detail: JSON.stringify(detail) });
  }
  try {
    await deps.queue.submit(spans);
  } catch (error) {
    if (error instanceof QueueFullError || error instanceof QueueClosedError) {
      void reply.header('retry-after', '1');
      throw new ApiError(503, `${error.message}; retry later`);
    }
    throw error;
  }
  return reply.code(202).send({ total_received: items.length, total_queued: spans.length });
}

type ProjectParams = { project_identifier: string };

export function registerSpanRoutes(app: FastifyInstance, deps: SpanRouteDependencies): void {
  const { store } = deps;

  app.get('/v1/projects/:project_identifier/spans', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    const page = await listSpansFor(deps, project_identifier, request.query as QueryParams, true);
    return {
      data: page.items.map(toSpanJson),
      next_cursor: nextSpanCursor(page, request.query as QueryParams),
    };
  });

  app.get('/v1/projects/:project_identifier/spans/otlpv1', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    const page = await listSpansFor(deps, project_identifier, request.query as QueryParams, false);
    return {
      data: page.items.map(toOtlpSpanJson),
      next_cursor: nextSpanCursor(page, request.query as QueryParams),
    };
  });

  app.post('/v1/projects/:project_identifier/spans', async (request, reply) => {
    const { project_identifier } = request.params as ProjectParams;
    // Like OTLP ingestion, a project named here is created on first use; a GlobalID must exist.
    const projectName =
      fromGlobalId('Project', project_identifier) === null
        ? project_identifier
        : (await resolveProject(store, project_identifier)).name;
    const data = bodyObject(request.body)['data'];
    if (!Array.isArray(data)) throw new ApiError(422, 'Request body must be {"data": [spans]}');
    if (data.length > MAX_CREATE_SPANS) {
      throw new ApiError(413, `At most ${MAX_CREATE_SPANS} spans per request; got ${data.length}`);
    }
    return createSpans(deps, projectName, data, reply);
  });

  app.delete('/v1/spans/:span_identifier', async (request, reply) => {
    const { span_identifier } = request.params as { span_identifier: string };
    const span = await resolveSpan(store, span_identifier);
    await store.deleteSpan(span.rowid);
    return reply.code(204).send();
  });
}
