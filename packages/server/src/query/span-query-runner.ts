/**
 * Runs a span query against the store: fetches the spans it matches, newest first, up to the
 * limit, and shapes them into the answer's dataframe.
 *
 * The store applies the window, the root condition and the compiled filter in SQL; the one
 * condition it cannot apply is Phoenix's "the value at the explode/concat key is an array",
 * so spans failing it are skipped here and do not count towards the limit (as in Phoenix,
 * where that condition is part of the SQL before its LIMIT).
 */
import type { Store, StoredSpan } from '../store/store.js';
import { andFilters, type CompiledFilter } from './compiled-filter.js';
import type { DataTable } from './data-table.js';
import type { Projection } from './projection-key.js';
import { evaluateSpanQuery, requiredArray, spanHasArray, type SpanQuery } from './span-query.js';

export interface SpanQueryScope {
  /** The project's rowid; null for a project with nothing in it yet (an empty answer). */
  projectId: number | null;
  /** [start, end) on the span start time, in ns. */
  startTime?: bigint;
  endTime?: bigint;
  /** Spans per query (before `explode` multiplies rows). */
  limit: number;
  /** Only spans with no parent id. */
  rootsOnly: boolean;
  /** Conditions every query of the request shares (e.g. roots including orphans). */
  filters: CompiledFilter[];
}

/** Rows fetched per store call; small enough to keep each read short. */
const PAGE_SIZE = 1000;

export async function runSpanQuery(
  store: Store,
  scope: SpanQueryScope,
  query: SpanQuery,
  queryFilter: CompiledFilter | null,
): Promise<DataTable> {
  const filters = queryFilter ? [...scope.filters, queryFilter] : scope.filters;
  const spans = await collectSpans(store, scope, filters, requiredArray(query));
  return evaluateSpanQuery(query, spans);
}

async function collectSpans(
  store: Store,
  scope: SpanQueryScope,
  filters: CompiledFilter[],
  required: Projection | null,
): Promise<StoredSpan[]> {
  const spans: StoredSpan[] = [];
  if (scope.projectId === null || scope.limit === 0) return spans;
  const filter = filters.length > 0 ? andFilters(filters) : undefined;
  let cursor: number | undefined;
  for (;;) {
    const page = await store.listSpans(scope.projectId, {
      cursor,
      limit: required ? PAGE_SIZE : Math.min(PAGE_SIZE, scope.limit - spans.length),
      startTime: scope.startTime,
      endTime: scope.endTime,
      rootsOnly: scope.rootsOnly,
      filter,
    });
    for (const span of page.items) {
      if (required && !spanHasArray(span, required)) continue;
      spans.push(span);
      if (spans.length === scope.limit) return spans;
    }
    if (page.nextCursor === null) return spans;
    cursor = page.nextCursor;
  }
}
