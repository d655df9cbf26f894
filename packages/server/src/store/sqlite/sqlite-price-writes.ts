/**
 * SQLite writes of the cost features, run on the writer thread (write-operations.ts): user
 * price edits, and one bounded batch of a cost recompute. A recompute batch is one small
 * transaction like any other write, so ingest batches queued meanwhile run between two of them:
 * a recompute never holds the writer for long.
 */
import type Database from 'better-sqlite3';
import type { ModelPrice } from '../../spans/prices/model-price.js';
import { PriceCatalog } from '../../spans/prices/price-catalog.js';
import { spanCostValues } from '../../spans/prices/span-cost-columns.js';
import type { RecomputeRange, UserPriceInput } from '../price-store.js';
import { userPriceValues } from '../user-price-row.js';
import { spanRangeConditions } from './sqlite-price-reads.js';

const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/** The new row id, or null when (pattern, provider, effective_from) is taken. */
function createUserPrice(db: Database.Database, args: { input: UserPriceInput }): number | null {
  const now = new Date().toISOString();
  try {
    const result = db
      .prepare(
        `INSERT INTO model_prices (name, provider, pattern, effective_from, usd_per_million_tokens,
           tiers, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...userPriceValues(args.input), now, now);
    return Number(result.lastInsertRowid);
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

function updateUserPrice(
  db: Database.Database,
  args: { rowid: number; input: UserPriceInput },
): 'ok' | 'duplicate' | 'not-found' {
  try {
    const result = db
      .prepare(
        `UPDATE model_prices SET name = ?, provider = ?, pattern = ?, effective_from = ?,
           usd_per_million_tokens = ?, tiers = ?, updated_at = ? WHERE id = ?`,
      )
      .run(...userPriceValues(args.input), new Date().toISOString(), args.rowid);
    return result.changes === 1 ? 'ok' : 'not-found';
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
}

function deleteUserPrice(db: Database.Database, args: { rowid: number }): boolean {
  return db.prepare('DELETE FROM model_prices WHERE id = ?').run(args.rowid).changes === 1;
}

interface RecomputeArgs {
  userPrices: ModelPrice[];
  range: RecomputeRange;
  fromRowid: number;
  toRowid: number;
}

/** One recompute batch: the LLM spans in the range with row ids in [from, to). */
function recomputeSpanCosts(db: Database.Database, args: RecomputeArgs): number {
  const catalog = new PriceCatalog(args.userPrices);
  const range = spanRangeConditions(args.range);
  const spans = db
    .prepare(
      `SELECT id, trace_rowid, model_name, provider, start_time, prompt_tokens, completion_tokens,
         json_extract(attributes, '$.llm.token_count') AS token_count
       FROM spans WHERE id >= ? AND id < ? AND span_kind = 'LLM'${range.sql}`,
    )
    .safeIntegers(true)
    .all(args.fromRowid, args.toRowid, ...range.params) as {
    id: bigint;
    trace_rowid: bigint;
    model_name: string | null;
    provider: string | null;
    start_time: bigint;
    prompt_tokens: bigint | null;
    completion_tokens: bigint | null;
    token_count: string | null;
  }[];
  const setCost = db.prepare(
    `UPDATE spans SET cost = ?, cost_prompt = ?, cost_completion = ?, cost_details = ?,
       cost_price_id = ? WHERE id = ?`,
  );
  const traces = new Set<bigint>();
  for (const span of spans) {
    const cost = catalog.costOf({
      spanKind: 'LLM',
      modelName: span.model_name,
      provider: span.provider,
      startTimeUnixNano: span.start_time,
      promptTokens: span.prompt_tokens === null ? null : Number(span.prompt_tokens),
      completionTokens: span.completion_tokens === null ? null : Number(span.completion_tokens),
      tokenCount: span.token_count === null ? undefined : JSON.parse(span.token_count),
    });
    setCost.run(...spanCostValues(cost ?? undefined), span.id);
    traces.add(span.trace_rowid);
  }
  // The same definition as the span writer's rollup: the sum of the LLM spans' own costs.
  const rollup = db.prepare(
    `UPDATE traces SET cost = agg.cost, cost_prompt = agg.cost_prompt,
       cost_completion = agg.cost_completion
     FROM (SELECT SUM(CASE WHEN span_kind = 'LLM' THEN cost END) AS cost,
             SUM(CASE WHEN span_kind = 'LLM' THEN cost_prompt END) AS cost_prompt,
             SUM(CASE WHEN span_kind = 'LLM' THEN cost_completion END) AS cost_completion
           FROM spans WHERE trace_rowid = ?) AS agg
     WHERE traces.id = ?`,
  );
  for (const trace of traces) rollup.run(trace, trace);
  return spans.length;
}

export const PRICE_WRITE_OPERATIONS = {
  createUserPrice,
  updateUserPrice,
  deleteUserPrice,
  recomputeSpanCosts,
};
