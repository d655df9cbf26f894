/**
 * The rows of the traces table. The trace list gives rollups (latency, tokens, cost, session);
 * what a reader scans for — the root span's name, input, output, user — and the annotations
 * come from two more reads per page, made together: the page's root spans, and the trace and
 * root-span annotations.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiGet, seg } from '../api/heron-api';
import type { Annotation, Paged, Span, Trace } from '../api/api-types';
import { timeRangeQuery, type TimeRange } from '../time/time-range';

export const TRACE_PAGE_SIZE = 50;

export interface TraceRow extends Trace {
  root: Span | undefined;
  /** Latest annotation per name (the trace's own, else its root span's). */
  annotations: Record<string, Annotation>;
}

/** Annotations of these targets; an unknown target is not an error for the table. */
async function annotationsOf(
  projectId: string,
  kind: 'trace' | 'span',
  ids: string[],
): Promise<Annotation[]> {
  if (ids.length === 0) return [];
  try {
    const page = await apiGet<Paged<Annotation>>(
      `/v1/projects/${seg(projectId)}/${kind}_annotations`,
      {
        [`${kind}_ids`]: ids,
        limit: 10_000,
      },
    );
    return page.data;
  } catch {
    return [];
  }
}

/** Keeps the newest annotation of each name per target. */
export function latestByName(
  annotations: Annotation[],
  target: (a: Annotation) => string | undefined,
) {
  const result = new Map<string, Record<string, Annotation>>();
  for (const annotation of annotations) {
    const id = target(annotation);
    if (!id) continue;
    const byName = result.get(id) ?? {};
    const existing = byName[annotation.name];
    if (!existing || existing.created_at < annotation.created_at)
      byName[annotation.name] = annotation;
    result.set(id, byName);
  }
  return result;
}

export async function enrichTraces(projectId: string, traces: Trace[]): Promise<TraceRow[]> {
  const rootIds = traces.flatMap((trace) => (trace.root_span_id ? [trace.root_span_id] : []));
  const traceIds = traces.map((trace) => trace.trace_id);
  const [roots, traceAnnotations, spanAnnotations] = await Promise.all([
    rootIds.length === 0
      ? Promise.resolve({ data: [] as Span[] })
      : apiGet<Paged<Span>>(`/v1/projects/${seg(projectId)}/spans`, {
          trace_id: traceIds,
          span_id: rootIds,
          limit: 1000,
        }),
    annotationsOf(projectId, 'trace', traceIds),
    annotationsOf(projectId, 'span', rootIds),
  ]);
  const rootByTrace = new Map(roots.data.map((span) => [span.context.trace_id, span]));
  const byTrace = latestByName(traceAnnotations, (a) => a.trace_id);
  const bySpan = latestByName(spanAnnotations, (a) => a.span_id);
  return traces.map((trace) => {
    const root = rootByTrace.get(trace.trace_id);
    const annotations = {
      ...(root ? bySpan.get(root.context.span_id) : undefined),
      ...byTrace.get(trace.trace_id),
    };
    return { ...trace, root, annotations };
  });
}

export interface TraceQuery {
  projectId: string;
  range: TimeRange;
  rangeKey: string;
  filter: string;
  q: string;
  sort: string;
  order: 'asc' | 'desc';
}

export function useTraceRows(query: TraceQuery) {
  return useInfiniteQuery({
    queryKey: [
      'traces',
      query.projectId,
      query.rangeKey,
      query.filter,
      query.q,
      query.sort,
      query.order,
    ],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const page = await apiGet<Paged<Trace>>(`/v1/projects/${seg(query.projectId)}/traces`, {
        ...timeRangeQuery(query.range),
        filter: query.filter,
        q: query.q,
        sort: query.sort,
        order: query.order,
        cursor: pageParam,
        limit: TRACE_PAGE_SIZE,
      });
      return { rows: await enrichTraces(query.projectId, page.data), next: page.next_cursor };
    },
    getNextPageParam: (last) => last.next,
    retry: false,
  });
}
