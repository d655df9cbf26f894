/**
 * `HeronClient`: Heron's REST API from TypeScript — projects, traces, spans and sessions as
 * async iterables that page by cursor, one trace with its span tree, the spans dataframe as an
 * Arrow table, evaluations and annotations, evaluation summaries and retrieval metrics.
 * Every non-2xx answer throws a HeronApiError with the server's status and message.
 */
import { tableFromIPC, type Table } from 'apache-arrow';
import type {
  AnnotationSummaries,
  HeronAnnotation,
  HeronProject,
  HeronSession,
  HeronSpan,
  HeronTrace,
  SpanRetrievalMetrics,
} from './api-types.js';
import {
  DEFAULT_ENDPOINT,
  apiKeyFromEnvironment,
  endpointFromEnvironment,
  withAuthorization,
} from './collector-endpoint.js';
import type { AnnotationPayload, AnyEvaluations, EvaluationTarget } from './evaluations.js';
import { HeronApiError } from './heron-api-error.js';
import { Paged, type Page } from './paged.js';
import { spanTree, type SpanNode } from './span-tree.js';

/** Server default of HERON_MAX_ANNOTATIONS_PER_REQUEST; a 413 halves the batch anyway. */
export const DEFAULT_ANNOTATIONS_PER_REQUEST = 10_000;

export interface HeronClientOptions {
  /** Default: HERON_COLLECTOR_ENDPOINT, PHOENIX_COLLECTOR_ENDPOINT, then http://localhost:6006. */
  baseUrl?: string;
  /** Default HERON_API_KEY, then PHOENIX_API_KEY; sent as `Authorization: Bearer`. */
  apiKey?: string;
  headers?: Record<string, string>;
  /** Annotations per request when logging evaluations (default 10,000). */
  maxAnnotationsPerRequest?: number;
}

type Time = Date | string;
type QueryValue = string | number | boolean | undefined | null | (string | number)[];

export interface TimeWindow {
  startTime?: Time;
  endTime?: Time;
}

export interface ListOptions extends TimeWindow {
  /** Project name or GlobalID (default `default`). */
  project?: string;
  /** Stop after this many items (default: all). */
  limit?: number;
  /** Items per request (1–1000, default 1000). */
  pageSize?: number;
}

export interface TraceQuery extends ListOptions {
  /** Trace filter expression (docs/filter-language.md). */
  filter?: string;
  /** Full-text search of inputs and outputs. */
  q?: string;
  sort?: 'start_time' | 'latency_ms' | 'token_count_total' | 'cost';
  order?: 'asc' | 'desc';
  /** Add a span outline to every trace. */
  includeSpans?: boolean;
}

export interface SpanQuery extends ListOptions {
  /** Span filter expression (docs/filter-language.md). */
  filter?: string;
  q?: string;
  spanKind?: string | string[];
  /** Root spans only (spans without a parent). */
  rootOnly?: boolean;
  traceId?: string | string[];
  name?: string | string[];
  statusCode?: 'OK' | 'ERROR' | 'UNSET' | ('OK' | 'ERROR' | 'UNSET')[];
}

export interface SessionQuery extends ListOptions {
  /** Session filter expression (`num_traces > 3`). */
  filter?: string;
  order?: 'asc' | 'desc';
}

export interface SpansTableQuery extends TimeWindow {
  project?: string;
  filter?: string;
  /** Spans (default 1000, at most the server's HERON_MAX_SPAN_QUERY_LIMIT). */
  limit?: number;
  rootOnly?: boolean;
}

export interface AnnotationInput {
  name: string;
  label?: string | null;
  score?: number | null;
  explanation?: string | null;
  /** Default HUMAN. */
  annotatorKind?: 'HUMAN' | 'CODE' | 'LLM';
  /** Several annotations of one name on one target, told apart (e.g. per user). */
  identifier?: string;
  metadata?: Record<string, unknown>;
}

export type HeronTraceWithSpans = HeronTrace & { spans: HeronSpan[]; tree: SpanNode[] };

function iso(time: Time | undefined): string | undefined {
  if (time === undefined) return undefined;
  return time instanceof Date ? time.toISOString() : time;
}

function pathPart(value: string): string {
  return encodeURIComponent(value);
}

export class HeronClient {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly maxAnnotationsPerRequest: number;

  constructor(options: HeronClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? endpointFromEnvironment() ?? DEFAULT_ENDPOINT).replace(
      /\/+$/,
      '',
    );
    this.headers = withAuthorization(
      options.headers ?? {},
      options.apiKey ?? apiKeyFromEnvironment(),
    );
    this.maxAnnotationsPerRequest =
      options.maxAnnotationsPerRequest ?? DEFAULT_ANNOTATIONS_PER_REQUEST;
  }

  private url(path: string, query: Record<string, QueryValue> = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  private async send(method: string, url: string, body?: unknown, accept = 'application/json') {
    const response = await fetch(url, {
      method,
      headers: {
        ...this.headers,
        accept,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        const parsed = JSON.parse(text) as { message?: unknown; detail?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
        else if (typeof parsed.detail === 'string') message = parsed.detail;
      } catch {
        // Not JSON: the text is the message.
      }
      throw new HeronApiError(response.status, message || response.statusText, method, url);
    }
    return response;
  }

  private async json<T>(
    method: string,
    path: string,
    query?: Record<string, QueryValue>,
    body?: unknown,
  ): Promise<T> {
    const response = await this.send(method, this.url(path, query), body);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private paged<T>(
    path: string,
    query: Record<string, QueryValue>,
    options: ListOptions,
  ): Paged<T> {
    return new Paged<T>(
      (cursor, pageSize) => this.json<Page<T>>('GET', path, { ...query, cursor, limit: pageSize }),
      options.limit ?? Infinity,
      Math.max(1, Math.min(options.pageSize ?? 1000, 1000)),
    );
  }

  private projectPath(project: string | undefined): string {
    return `/v1/projects/${pathPart(project ?? 'default')}`;
  }

  readonly projects = {
    list: (options: { nameContains?: string; limit?: number } = {}): Paged<HeronProject> =>
      this.paged<HeronProject>('/v1/projects', { name_contains: options.nameContains }, options),
    get: async (project: string): Promise<HeronProject> =>
      (await this.json<{ data: HeronProject }>('GET', this.projectPath(project))).data,
    create: async (project: { name: string; description?: string }): Promise<HeronProject> =>
      (await this.json<{ data: HeronProject }>('POST', '/v1/projects', {}, project)).data,
    delete: async (project: string): Promise<void> => {
      await this.json<void>('DELETE', this.projectPath(project));
    },
  };

  /** Traces of a project, newest first unless `sort`/`order` say otherwise. */
  getTraces(options: TraceQuery = {}): Paged<HeronTrace> {
    return this.paged<HeronTrace>(
      `${this.projectPath(options.project)}/traces`,
      {
        start_time: iso(options.startTime),
        end_time: iso(options.endTime),
        filter: options.filter,
        q: options.q,
        sort: options.sort,
        order: options.order,
        include_spans: options.includeSpans,
      },
      options,
    );
  }

  /** Spans of a project, newest first. */
  getSpans(options: SpanQuery = {}): Paged<HeronSpan> {
    return this.paged<HeronSpan>(
      `${this.projectPath(options.project)}/spans`,
      {
        start_time: iso(options.startTime),
        end_time: iso(options.endTime),
        filter: options.filter,
        q: options.q,
        span_kind: options.spanKind,
        parent_id: options.rootOnly ? 'null' : undefined,
        trace_id: options.traceId,
        name: options.name,
        status_code: options.statusCode,
      },
      options,
    );
  }

  getSessions(options: SessionQuery = {}): Paged<HeronSession> {
    return this.paged<HeronSession>(
      `${this.projectPath(options.project)}/sessions`,
      {
        start_time: iso(options.startTime),
        end_time: iso(options.endTime),
        filter: options.filter,
        order: options.order,
      },
      options,
    );
  }

  /** One trace (32-hex trace id or GlobalID) with its spans and their tree. */
  async getTrace(
    traceId: string,
    options: { spanLimit?: number } = {},
  ): Promise<HeronTraceWithSpans> {
    const { data } = await this.json<{ data: HeronTrace & { spans: HeronSpan[] } }>(
      'GET',
      `/v1/traces/${pathPart(traceId)}`,
      { span_limit: options.spanLimit },
    );
    return { ...data, tree: spanTree(data.spans) };
  }

  /**
   * The spans dataframe (Phoenix's `get_spans_dataframe` columns: name, span_kind, parent_id,
   * start_time, end_time, status_code, status_message, events, context.span_id,
   * context.trace_id, attributes.*) as an Arrow table, newest first.
   */
  async spansTable(options: SpansTableQuery = {}): Promise<Table> {
    const body = {
      queries: [options.filter ? { filter: { condition: options.filter } } : {}],
      start_time: iso(options.startTime) ?? null,
      end_time: iso(options.endTime) ?? null,
      limit: options.limit ?? 1000,
      root_spans_only: options.rootOnly ?? false,
    };
    const response = await this.send(
      'POST',
      this.url('/v1/spans', { project_name: options.project ?? 'default' }),
      body,
      'application/x-pandas-arrow',
    );
    return tableFromIPC(new Uint8Array(await response.arrayBuffer()));
  }

  /**
   * Stores evaluations as annotations (annotator kind LLM), in batches within the server's
   * per-request limit. Rows whose span, trace or session does not exist are skipped by the
   * server (and logged there). Resolves with the number of rows sent.
   */
  async logEvaluations(...evaluations: AnyEvaluations[]): Promise<{ sent: number }> {
    let sent = 0;
    for (const evaluation of evaluations) {
      const annotations = evaluation.toAnnotations();
      for (let i = 0; i < annotations.length; i += this.maxAnnotationsPerRequest) {
        await this.postAnnotations(
          evaluation.target,
          annotations.slice(i, i + this.maxAnnotationsPerRequest),
          false,
        );
      }
      sent += annotations.length;
    }
    return { sent };
  }

  /** One POST; a 413 (the server's limit is lower than ours) halves the batch and retries. */
  private async postAnnotations(
    target: EvaluationTarget,
    batch: AnnotationPayload[],
    sync: boolean,
  ): Promise<{ id: string }[]> {
    try {
      const answer = await this.json<{ data: { id: string }[] }>(
        'POST',
        `/v1/${target}_annotations`,
        { sync },
        { data: batch },
      );
      return answer.data;
    } catch (error) {
      if (error instanceof HeronApiError && error.status === 413 && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        return [
          ...(await this.postAnnotations(target, batch.slice(0, half), sync)),
          ...(await this.postAnnotations(target, batch.slice(half), sync)),
        ];
      }
      throw error;
    }
  }

  private async annotate(
    target: EvaluationTarget,
    ids: Partial<AnnotationPayload>,
    input: AnnotationInput,
  ): Promise<string> {
    const [created] = await this.postAnnotations(
      target,
      [
        {
          name: input.name,
          annotator_kind: input.annotatorKind ?? 'HUMAN',
          result: {
            label: input.label ?? null,
            score: input.score ?? null,
            explanation: input.explanation ?? null,
          },
          metadata: input.metadata ?? {},
          ...(input.identifier !== undefined ? { identifier: input.identifier } : {}),
          ...ids,
        },
      ],
      true,
    );
    return created!.id;
  }

  /** A human (default) or code annotation on a span; 404 (HeronApiError) when it does not exist. */
  annotateSpan(spanId: string, input: AnnotationInput): Promise<string> {
    return this.annotate('span', { span_id: spanId }, input);
  }
  annotateTrace(traceId: string, input: AnnotationInput): Promise<string> {
    return this.annotate('trace', { trace_id: traceId }, input);
  }
  annotateSession(sessionId: string, input: AnnotationInput): Promise<string> {
    return this.annotate('session', { session_id: sessionId }, input);
  }
  annotateDocument(
    spanId: string,
    documentPosition: number,
    input: Omit<AnnotationInput, 'identifier'>,
  ): Promise<string> {
    return this.annotate(
      'document',
      { span_id: spanId, document_position: documentPosition },
      input,
    );
  }

  /** Annotations on the given spans / traces / sessions of a project, newest first. */
  getAnnotations(
    target: 'span' | 'trace' | 'session',
    options: {
      project?: string;
      ids: string[];
      names?: string[];
      limit?: number;
      pageSize?: number;
    },
  ): Paged<HeronAnnotation> {
    return new Paged<HeronAnnotation>(
      (cursor, pageSize) =>
        this.json<Page<HeronAnnotation>>(
          'GET',
          `${this.projectPath(options.project)}/${target}_annotations`,
          {
            [`${target}_ids`]: options.ids,
            include_annotation_names: options.names,
            cursor,
            limit: pageSize,
          },
        ),
      options.limit ?? Infinity,
      Math.max(1, Math.min(options.pageSize ?? 1000, 10_000)),
    );
  }

  /** Count, mean score and label fractions per annotation name; retrieval metrics per document evaluation. */
  async getAnnotationSummaries(
    options: { project?: string } & TimeWindow = {},
  ): Promise<AnnotationSummaries> {
    const answer = await this.json<{ data: AnnotationSummaries }>(
      'GET',
      `${this.projectPath(options.project)}/annotation_summaries`,
      { start_time: iso(options.startTime), end_time: iso(options.endTime) },
    );
    return answer.data;
  }

  /** NDCG@k, precision@k and hit of one retrieval span, per document evaluation name. */
  async getSpanRetrievalMetrics(spanId: string): Promise<SpanRetrievalMetrics> {
    const answer = await this.json<{ data: SpanRetrievalMetrics }>(
      'GET',
      `/v1/spans/${pathPart(spanId)}/retrieval_metrics`,
    );
    return answer.data;
  }
}
