/**
 * `cumulative_llm_token_count_{prompt,completion,total}` of a span: the LLM token counts of the
 * span and all of its descendants. Phoenix stores these as columns maintained at ingest; Heron
 * does not (spans arrive in any order, and keeping ancestors' sums exact under that is costly),
 * so a filter computes them with a recursive query per candidate span. That is correct rather
 * than fast: it walks the span's subtree through the trace's spans (index on trace_rowid).
 *
 * Counted like the trace rollups: only LLM spans' own counts, so wrapper spans that copy their
 * children's counts are not counted twice. `total` is prompt + completion, as in Phoenix.
 * UNION (not UNION ALL) makes the walk terminate even if parent links form a cycle.
 */
import type { FilterCompileContext } from './filter-compile-context.js';
import { identifier, sql, type SqlFragment } from './sql-fragment.js';

export type TokenCountKind = 'prompt' | 'completion' | 'total';

export function cumulativeTokenCount(
  spanAlias: string,
  kind: TokenCountKind,
  context: FilterCompileContext,
): SqlFragment {
  const outer = identifier(spanAlias);
  const tree = identifier(context.alias('tree'));
  const self = identifier(context.alias('s'));
  const child = identifier(context.alias('c'));
  const row = identifier(context.alias('s'));
  const count =
    kind === 'prompt'
      ? sql`COALESCE(${row}.prompt_tokens, 0)`
      : kind === 'completion'
        ? sql`COALESCE(${row}.completion_tokens, 0)`
        : sql`COALESCE(${row}.prompt_tokens, 0) + COALESCE(${row}.completion_tokens, 0)`;
  const llmOnly = sql`CASE WHEN ${row}.span_kind = 'LLM' THEN ${count} END`;
  return sql`(WITH RECURSIVE ${tree}(id, trace_rowid, span_id) AS (SELECT ${self}.id, ${self}.trace_rowid, ${self}.span_id FROM spans AS ${self} WHERE ${self}.id = ${outer}.id UNION SELECT ${child}.id, ${child}.trace_rowid, ${child}.span_id FROM spans AS ${child} JOIN ${tree} ON ${child}.trace_rowid = ${tree}.trace_rowid AND ${child}.parent_id = ${tree}.span_id) SELECT ${context.dialect.total(llmOnly)} FROM ${tree} JOIN spans AS ${row} ON ${row}.id = ${tree}.id)`;
}
