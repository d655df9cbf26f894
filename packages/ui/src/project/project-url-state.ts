/**
 * What the project pages keep in the URL, so a link reproduces the view: time range, filter
 * expression, search text, sort and order, "root spans only". Changes replace the history
 * entry (typing a filter should not fill the back button).
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { timeRangeFromParams, writeTimeRange, type TimeRange } from '../time/time-range';

export interface ListState {
  filter: string;
  q: string;
  sort: string;
  order: 'asc' | 'desc';
  rootsOnly: boolean;
}

export const DEFAULT_SORT = 'start_time';

export function useProjectUrlState() {
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => timeRangeFromParams(params), [params]);
  const list: ListState = useMemo(
    () => ({
      filter: params.get('filter') ?? '',
      q: params.get('q') ?? '',
      sort: params.get('sort') ?? DEFAULT_SORT,
      order: params.get('order') === 'asc' ? 'asc' : 'desc',
      rootsOnly: params.get('roots') === '1',
    }),
    [params],
  );

  const setRange = useCallback(
    (next: TimeRange) =>
      setParams((current) => writeTimeRange(new URLSearchParams(current), next), { replace: true }),
    [setParams],
  );

  const setList = useCallback(
    (patch: Partial<ListState>) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          const merged = { ...list, ...patch };
          const set = (name: string, value: string, fallback: string) => {
            if (value === fallback) next.delete(name);
            else next.set(name, value);
          };
          set('filter', merged.filter, '');
          set('q', merged.q, '');
          set('sort', merged.sort, DEFAULT_SORT);
          set('order', merged.order, 'desc');
          set('roots', merged.rootsOnly ? '1' : '0', '0');
          return next;
        },
        { replace: true },
      ),
    [list, setParams],
  );

  return { range, list, setRange, setList, params };
}
