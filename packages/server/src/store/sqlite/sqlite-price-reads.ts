/**
 * The SQLite reads of the cost features that scan spans (they run in reader threads): models
 * seen without a price, and the extent of a cost recompute.
 */
import type Database from 'better-sqlite3';
import type {
  RecomputeExtent,
  RecomputeRange,
  UnknownModel,
  UnknownModelQuery,
} from '../price-store.js';

/** `spans` conditions of a recompute range or an unknown-model query (table alias-free). */
export function spanRangeConditions(range: RecomputeRange): { sql: string; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (range.projectId !== undefined) {
    sql.push('project_id = ?');
    params.push(range.projectId);
  }
  if (range.startTime !== undefined) {
    sql.push('start_time >= ?');
    params.push(range.startTime);
  }
  if (range.endTime !== undefined) {
    sql.push('start_time < ?');
    params.push(range.endTime);
  }
  return { sql: sql.map((c) => ` AND ${c}`).join(''), params };
}

export function unknownModels(db: Database.Database, query: UnknownModelQuery): UnknownModel[] {
  const range = spanRangeConditions(query);
  // The partial index spans_unpriced_model holds exactly the unpriced LLM spans with a model.
  const rows = db
    .prepare(
      `SELECT model_name, provider, COUNT(*) AS span_count, MAX(start_time) AS last_seen
       FROM spans INDEXED BY spans_unpriced_model
       WHERE span_kind = 'LLM' AND cost_price_id IS NULL AND model_name IS NOT NULL
         AND (prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL)${range.sql}
       GROUP BY model_name, provider
       ORDER BY span_count DESC, model_name, provider
       LIMIT ?`,
    )
    .safeIntegers(true)
    .all(...range.params, query.limit) as {
    model_name: string;
    provider: string | null;
    span_count: bigint;
    last_seen: bigint;
  }[];
  return rows.map((row) => ({
    modelName: row.model_name,
    provider: row.provider,
    spanCount: Number(row.span_count),
    lastSeenUnixNano: row.last_seen,
  }));
}

export function recomputeExtent(db: Database.Database, range: RecomputeRange): RecomputeExtent {
  const conditions = spanRangeConditions(range);
  const spanCount = db
    .prepare(`SELECT COUNT(*) FROM spans WHERE span_kind = 'LLM'${conditions.sql}`)
    .pluck()
    .get(...conditions.params) as number;
  const maxRowid = (db.prepare('SELECT MAX(id) FROM spans').pluck().get() as number | null) ?? 0;
  return { spanCount, maxRowid };
}

export const PRICE_READ_OPERATIONS = { unknownModels, recomputeExtent };
