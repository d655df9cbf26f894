/**
 * The rows of the sessions table. The session list gives ids, times, trace ids and token
 * sums; the first input, last output and user come from the root spans of each session's
 * first and last traces, and cost and p50 latency from its traces — two more reads per page.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiGet, seg } from '../api/heron-api';
import type { Paged, Session, Span, Trace } from '../api/api-types';
import { timeRangeQuery, type TimeRange } from '../time/time-range';

const PAGE_SIZE = 50;
const MAX_TRACES_READ = 1000;

export interface SessionRow extends Session {
  firstInput: string;
  lastOutput: string;
  user: string;
  cost: number | null;
  latencyP50: number | null;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const attributeString = (span: Span | undefined, key: string) => {
  const value = span?.attributes[key];
  return value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
};

async function enrich(projectId: string, sessions: Session[]): Promise<SessionRow[]> {
  const ends = sessions.flatMap((s) => {
    const ordered = [...s.traces].sort((a, b) => a.start_time.localeCompare(b.start_time));
    return ordered.length ? [ordered[0]!.trace_id, ordered[ordered.length - 1]!.trace_id] : [];
  });
  const [roots, traces] = await Promise.all([
    ends.length === 0
      ? Promise.resolve({ data: [] as Span[] })
      : apiGet<Paged<Span>>(`/v1/projects/${seg(projectId)}/spans`, {
          trace_id: [...new Set(ends)],
          parent_id: 'null',
          limit: 1000,
        }),
    sessions.length === 0
      ? Promise.resolve({ data: [] as Trace[] })
      : apiGet<Paged<Trace>>(`/v1/projects/${seg(projectId)}/traces`, {
          session_identifier: sessions.map((s) => s.id),
          limit: MAX_TRACES_READ,
        }),
  ]);
  const rootByTrace = new Map(roots.data.map((span) => [span.context.trace_id, span]));
  return sessions.map((session) => {
    const ordered = [...session.traces].sort((a, b) => a.start_time.localeCompare(b.start_time));
    const first = rootByTrace.get(ordered[0]?.trace_id ?? '');
    const last = rootByTrace.get(ordered[ordered.length - 1]?.trace_id ?? '');
    const own = traces.data.filter((trace) => trace.session_id === session.session_id);
    const costs = own.map((trace) => trace.cost).filter((cost): cost is number => cost !== null);
    return {
      ...session,
      firstInput: attributeString(first, 'input.value'),
      lastOutput: attributeString(last, 'output.value'),
      user: attributeString(first, 'user.id') || attributeString(last, 'user.id'),
      cost: costs.length ? costs.reduce((a, b) => a + b, 0) : null,
      latencyP50: median(own.map((trace) => trace.latency_ms)),
    };
  });
}

export function useSessionRows(
  projectId: string,
  range: TimeRange,
  rangeKey: string,
  filter: string,
) {
  return useInfiniteQuery({
    queryKey: ['sessions', projectId, rangeKey, filter],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const page = await apiGet<Paged<Session>>(`/v1/projects/${seg(projectId)}/sessions`, {
        ...timeRangeQuery(range),
        filter,
        order: 'desc',
        cursor: pageParam,
        limit: PAGE_SIZE,
      });
      return { rows: await enrich(projectId, page.data), next: page.next_cursor };
    },
    getNextPageParam: (last) => last.next,
    retry: false,
  });
}
