/**
 * Sorts of a project's span list other than Phoenix's (newest row first). Each is a keyset on
 * (key, row id), so pages never shift when spans arrive; the key expressions are the same SQL on
 * SQLite and PostgreSQL (integer nanoseconds, token counts), so cursors are exact.
 *
 * No index backs them (every index on `spans` costs ingestion): a sorted page reads the spans of
 * the list's window and keeps the top `limit` (a bounded top-N sort), so the cost grows with the
 * window, not with the page.
 */
import type { StoredSpan } from './store.js';

export const SPAN_SORTS = ['start_time', 'latency_ms', 'token_count_total'] as const;
export type SpanSort = (typeof SPAN_SORTS)[number];

/** SQL of each span sort key over table `spans`. Spans without tokens sort below 0. */
export const SPAN_SORT_SQL: Record<SpanSort, string> = {
  start_time: 'spans.start_time',
  latency_ms: '(spans.end_time - spans.start_time)',
  token_count_total: 'COALESCE(spans.total_tokens, -1)',
};

/** The sort key of a span, as the decimal string a cursor carries. */
export function spanSortValue(span: StoredSpan, sort: SpanSort): string {
  switch (sort) {
    case 'start_time':
      return String(span.startTimeUnixNano);
    case 'latency_ms':
      return String(span.endTimeUnixNano - span.startTimeUnixNano);
    case 'token_count_total':
      return String(span.totalTokens ?? -1);
  }
}
