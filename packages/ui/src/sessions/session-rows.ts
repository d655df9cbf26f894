/**
 * The rows of the sessions table: one read per page. The server computes each session's
 * cost, p50 latency, first input, last output and user over all its traces.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiGet, seg } from '../api/heron-api';
import type { Paged, Session, Span } from '../api/api-types';
import { timeRangeQuery, type TimeRange } from '../time/time-range';

const PAGE_SIZE = 50;

export const attributeString = (span: Span | undefined, key: string) => {
  const value = span?.attributes[key];
  return value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
};

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
      return { rows: page.data, next: page.next_cursor };
    },
    getNextPageParam: (last) => last.next,
    retry: false,
  });
}
