/**
 * The spans an export covers, page by page, in the export order: start time, then row id.
 * Each page is a keyset query (store span-sort.ts), so memory stays bounded by the page size
 * however many spans the project holds, and spans arriving meanwhile never shift a page.
 *
 * Why start time then row id: it is the order a reader expects, and it survives a round trip.
 * Import stores a file's spans in file order, so spans with equal start times get row ids in
 * the same relative order and a second export lists them exactly as the first did.
 */
import type { CompiledFilter } from '../query/compiled-filter.js';
import type { KeysetCursor, Store, StoredSpan } from '../store/store.js';

export interface SpanExportQuery {
  projectId: number;
  /** [start, end) on the span start time, in ns. */
  startTime?: bigint;
  endTime?: bigint;
  filter?: CompiledFilter;
  /** Full-text search in span input/output. */
  search?: string;
  rootsOnly?: boolean;
}

/** Spans per page read from the store; also the parquet row-group size. */
export const DEFAULT_EXPORT_PAGE_SPANS = 5_000;

export async function* exportSpanPages(
  store: Store,
  query: SpanExportQuery,
  pageSpans = DEFAULT_EXPORT_PAGE_SPANS,
): AsyncGenerator<StoredSpan[]> {
  let cursor: KeysetCursor | undefined;
  for (;;) {
    const page = await store.listSpans(query.projectId, {
      limit: pageSpans,
      startTime: query.startTime,
      endTime: query.endTime,
      filter: query.filter,
      search: query.search,
      rootsOnly: query.rootsOnly,
      sort: { key: 'start_time', order: 'asc', cursor },
    });
    if (page.items.length > 0) yield page.items;
    if (page.nextCursor === null) return;
    cursor = { rowid: page.nextCursor, value: page.nextSortValue };
  }
}
