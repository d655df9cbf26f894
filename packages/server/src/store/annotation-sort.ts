/**
 * Sorting traces by an annotation's score (`sort=annotation:<name>` on the trace list).
 *
 * A trace's key is the mean score of its own annotations of that name (one per identifier);
 * when it has none with a score, the mean score of its root span's annotations of that name —
 * the same precedence the traces table uses to fill an annotation column. Traces with neither
 * sort below every score (key UNSCORED_SORT_KEY), so "desc" lists the best scored first and
 * the unscored last. Ties break on the trace row id, so pages are a keyset on (key, id).
 *
 * The key is two correlated lookups per trace of the window, answered by the annotations'
 * (name, target) unique indexes and the spans' (trace, span_id) key: no index is added for it.
 */

/** Sort value of a trace without a scored annotation of the name: below any real score. */
export const UNSCORED_SORT_KEY = -1e308;

/** The `sort` parameter's prefix; the rest is the annotation name. */
export const ANNOTATION_SORT_PREFIX = 'annotation:';

/**
 * SQL of the key over table `traces`, with two `?` for the annotation name. The root span is
 * found through each backend's span key: (trace_rowid, span_id) on SQLite, (trace_id, span_id)
 * on PostgreSQL.
 */
export function annotationSortKeySql(dialect: 'sqlite' | 'postgres'): string {
  const rootSpan =
    dialect === 'sqlite'
      ? 'sort_spans.trace_rowid = traces.id'
      : 'sort_spans.trace_id = traces.trace_id';
  return `COALESCE(
    (SELECT AVG(sort_ta.score) FROM trace_annotations AS sort_ta
      WHERE sort_ta.trace_rowid = traces.id AND sort_ta.name = ?),
    (SELECT AVG(sort_sa.score) FROM span_annotations AS sort_sa
      JOIN spans AS sort_spans ON sort_spans.id = sort_sa.span_rowid
      WHERE ${rootSpan} AND sort_spans.span_id = traces.root_span_id AND sort_sa.name = ?),
    CAST(${UNSCORED_SORT_KEY} AS DOUBLE PRECISION))`;
}
