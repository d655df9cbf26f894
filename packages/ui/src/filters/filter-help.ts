/**
 * The filter bar's server help: names to suggest (attribute keys, annotation names, span
 * kinds) and validation of the expression as it is typed. Both are optional server features
 * here: if a server does not answer them the bar still filters (the list route reports errors).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { apiGet, seg } from '../api/heron-api';
import type { FilterSuggestions, FilterValidation } from '../api/api-types';

export type FilterScope = 'traces' | 'spans' | 'sessions';

export function useFilterSuggestions(projectId: string) {
  return useQuery({
    queryKey: ['filter-suggestions', projectId],
    queryFn: () =>
      apiGet<{ data: FilterSuggestions }>(`/v1/projects/${seg(projectId)}/filter-suggestions`).then(
        (r) => r.data,
      ),
    staleTime: 60_000,
    retry: false,
  });
}

const VALIDATE_DELAY_MS = 250;

/** Validation of `expression`, asked a moment after typing stops; null while unknown. */
export function useFilterValidation(projectId: string, scope: FilterScope, expression: string) {
  const [debounced, setDebounced] = useState(expression);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(expression), VALIDATE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [expression]);
  const result = useQuery({
    queryKey: ['filter-validate', projectId, scope, debounced],
    enabled: debounced.trim() !== '',
    queryFn: () =>
      apiGet<{ data: FilterValidation }>(`/v1/projects/${seg(projectId)}/filter/validate`, {
        filter: debounced,
        scope,
      }).then((r) => r.data),
    staleTime: Infinity,
    retry: false,
  });
  if (expression.trim() === '' || debounced !== expression) return null;
  return result.data ?? null;
}

/** Names the language always knows, so suggestions work before any span has arrived. */
export const BUILTIN_NAMES: Record<FilterScope, string[]> = {
  spans: [
    'span_kind',
    'name',
    'status_code',
    'latency_ms',
    'parent_id',
    'trace_id',
    'span_id',
    'input.value',
    'output.value',
    'llm.model_name',
    'llm.token_count.total',
    'llm.token_count.prompt',
    'llm.token_count.completion',
    'metadata',
  ],
  traces: [
    'latency_ms',
    'token_count_total',
    'token_count_prompt',
    'token_count_completion',
    'total_cost',
    'num_spans',
    'error_count',
    'llm_span_count',
    'tool_span_count',
    'input',
    'output',
    'session_id',
    'any(spans, ',
  ],
  sessions: [
    'num_traces',
    'num_traces_with_error',
    'num_spans',
    'token_count_total',
    'total_cost',
    'first_input',
    'last_output',
  ],
};
