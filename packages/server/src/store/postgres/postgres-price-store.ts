/**
 * Model prices and costs on PostgreSQL.
 *
 * Several Heron processes may share the database, and a price edited through one of them must
 * reach the others: each process reloads the user prices when its copy is older than
 * PRICE_REFRESH_MS (one small query, at most that often), and at once after its own edits.
 *
 * A recompute batch keeps the span writer's lock order (postgres-span-writer.ts): it locks the
 * traces of the batch's spans in trace_id order before touching their spans, then recomputes
 * their cost rollups, so it queues behind (or ahead of) an ingest batch writing the same traces
 * instead of deadlocking, and never prices a span version that is being replaced.
 */
import type pg from 'pg';
import type { ModelPrice } from '../../spans/prices/model-price.js';
import { PriceCatalog } from '../../spans/prices/price-catalog.js';
import { spanCostValues } from '../../spans/prices/span-cost-columns.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type {
  PriceStore,
  RecomputeExtent,
  RecomputeRange,
  UnknownModel,
  UnknownModelQuery,
  UserPriceInput,
  UserPriceWrite,
} from '../price-store.js';
import { assignSpanCosts } from '../span-cost-assignment.js';
import { fromUserPriceRow, userPriceValues, type UserPriceRow } from '../user-price-row.js';
import { DEFAULT_WRITE_ATTEMPTS, inWriteTransaction } from './postgres-transaction.js';

/** How old a process's copy of the user prices may get before it is read again. */
export const PRICE_REFRESH_MS = 5_000;

const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string }).code === '23505';

/** `spans` conditions of a range, numbered from `$first`. */
function rangeConditions(range: RecomputeRange, first: number): { sql: string; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    params.push(value);
    sql.push(`${condition} $${first + params.length - 1}`);
  };
  if (range.projectId !== undefined) add('spans.project_id =', range.projectId);
  if (range.startTime !== undefined) add('spans.start_time >=', range.startTime.toString());
  if (range.endTime !== undefined) add('spans.start_time <', range.endTime.toString());
  return { sql: sql.map((c) => ` AND ${c}`).join(''), params };
}

export class PostgresPriceStore implements PriceStore {
  private cached: { catalog: PriceCatalog; loadedAt: number } | null = null;
  private loading: Promise<PriceCatalog> | null = null;

  /** `reads` runs the scans (the long-reads pool: a replica when configured). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly reads: pg.Pool = pool,
  ) {}

  async catalog(): Promise<PriceCatalog> {
    if (this.cached && Date.now() - this.cached.loadedAt < PRICE_REFRESH_MS) {
      return this.cached.catalog;
    }
    this.loading ??= this.listUserPrices()
      .then((prices) => {
        const catalog = new PriceCatalog(prices);
        this.cached = { catalog, loadedAt: Date.now() };
        return catalog;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  async priceSpans(spans: SpanRecord[]): Promise<void> {
    assignSpanCosts(spans, await this.catalog());
  }

  async listUserPrices(): Promise<ModelPrice[]> {
    const { rows } = await this.pool.query<UserPriceRow>('SELECT * FROM model_prices ORDER BY id');
    return rows.map(fromUserPriceRow);
  }

  async getUserPrice(rowid: number): Promise<ModelPrice | null> {
    const { rows } = await this.pool.query<UserPriceRow>(
      'SELECT * FROM model_prices WHERE id = $1',
      [rowid],
    );
    return rows[0] ? fromUserPriceRow(rows[0]) : null;
  }

  async createUserPrice(input: UserPriceInput): Promise<UserPriceWrite> {
    const now = new Date().toISOString();
    try {
      const { rows } = await this.pool.query<UserPriceRow>(
        `INSERT INTO model_prices (name, provider, pattern, effective_from, usd_per_million_tokens,
           tiers, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
        [...userPriceValues(input), now],
      );
      return { status: 'ok', price: fromUserPriceRow(rows[0]!) };
    } catch (error) {
      if (isUniqueViolation(error)) return { status: 'duplicate' };
      throw error;
    } finally {
      this.cached = null;
    }
  }

  async updateUserPrice(rowid: number, input: UserPriceInput): Promise<UserPriceWrite> {
    try {
      const { rows } = await this.pool.query<UserPriceRow>(
        `UPDATE model_prices SET name = $1, provider = $2, pattern = $3, effective_from = $4,
           usd_per_million_tokens = $5, tiers = $6, updated_at = $7 WHERE id = $8 RETURNING *`,
        [...userPriceValues(input), new Date().toISOString(), rowid],
      );
      return rows[0] ? { status: 'ok', price: fromUserPriceRow(rows[0]) } : { status: 'not-found' };
    } catch (error) {
      if (isUniqueViolation(error)) return { status: 'duplicate' };
      throw error;
    } finally {
      this.cached = null;
    }
  }

  async deleteUserPrice(rowid: number): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM model_prices WHERE id = $1', [rowid]);
    this.cached = null;
    return result.rowCount === 1;
  }

  async unknownModels(query: UnknownModelQuery): Promise<UnknownModel[]> {
    const range = rangeConditions(query, 1);
    const { rows } = await this.reads.query<{
      model_name: string;
      provider: string | null;
      span_count: string;
      last_seen: string;
    }>(
      `SELECT model_name, provider, COUNT(*) AS span_count, MAX(start_time) AS last_seen
       FROM spans
       WHERE span_kind = 'LLM' AND cost_price_id IS NULL AND model_name IS NOT NULL
         AND (prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL)${range.sql}
       GROUP BY model_name, provider
       ORDER BY span_count DESC, model_name COLLATE "C", provider COLLATE "C"
       LIMIT $${range.params.length + 1}`,
      [...range.params, query.limit],
    );
    return rows.map((row) => ({
      modelName: row.model_name,
      provider: row.provider,
      spanCount: Number(row.span_count),
      lastSeenUnixNano: BigInt(row.last_seen),
    }));
  }

  async recomputeExtent(range: RecomputeRange): Promise<RecomputeExtent> {
    const conditions = rangeConditions(range, 1);
    const [count, max] = await Promise.all([
      this.reads.query<{ count: string }>(
        `SELECT COUNT(*) AS count FROM spans WHERE span_kind = 'LLM'${conditions.sql}`,
        conditions.params,
      ),
      // The primary: spans written after this are priced at ingest with the new prices.
      this.pool.query<{ max: string | null }>('SELECT MAX(id) AS max FROM spans'),
    ]);
    return { spanCount: Number(count.rows[0]!.count), maxRowid: Number(max.rows[0]!.max ?? 0) };
  }

  async recomputeBatch(range: RecomputeRange, fromRowid: number, toRowid: number): Promise<number> {
    const catalog = await this.catalog();
    return inWriteTransaction(
      this.pool,
      { maxAttempts: DEFAULT_WRITE_ATTEMPTS },
      async (client) => {
        const window = rangeConditions(range, 3);
        const windowSql = `spans.id >= $1 AND spans.id < $2 AND spans.span_kind = 'LLM'${window.sql}`;
        const windowParams = [fromRowid, toRowid, ...window.params];
        const traceIds = (
          await client.query<{ trace_rowid: string }>(
            `SELECT DISTINCT trace_rowid FROM spans WHERE ${windowSql}`,
            windowParams,
          )
        ).rows.map((row) => row.trace_rowid);
        if (traceIds.length === 0) return 0;
        // The span writer's lock: traces in trace_id order. After it, the spans read below are
        // the committed versions, and no ingest batch replaces them before this one commits.
        const locked = (
          await client.query<{ id: string }>(
            `SELECT id FROM traces WHERE id = ANY($1::bigint[]) ORDER BY trace_id
           FOR NO KEY UPDATE`,
            [traceIds],
          )
        ).rows.map((row) => row.id);
        const spans = (
          await client.query<{
            id: string;
            model_name: string | null;
            provider: string | null;
            start_time: string;
            prompt_tokens: string | null;
            completion_tokens: string | null;
            token_count: unknown;
          }>(
            `SELECT id, model_name, provider, start_time, prompt_tokens, completion_tokens,
             attributes->'llm'->'token_count' AS token_count
           FROM spans WHERE ${windowSql}
             AND trace_rowid = ANY($${windowParams.length + 1}::bigint[])`,
            [...windowParams, locked],
          )
        ).rows;
        const columns: unknown[][] = [[], [], [], [], [], []];
        for (const span of spans) {
          const cost = catalog.costOf({
            spanKind: 'LLM',
            modelName: span.model_name,
            provider: span.provider,
            startTimeUnixNano: BigInt(span.start_time),
            promptTokens: span.prompt_tokens === null ? null : Number(span.prompt_tokens),
            completionTokens:
              span.completion_tokens === null ? null : Number(span.completion_tokens),
            tokenCount: span.token_count ?? undefined,
          });
          const values = [span.id, ...spanCostValues(cost ?? undefined)];
          values.forEach((value, i) => columns[i]!.push(value));
        }
        await client.query(
          `UPDATE spans SET cost = u.cost, cost_prompt = u.cost_prompt,
           cost_completion = u.cost_completion, cost_details = u.cost_details,
           cost_price_id = u.cost_price_id
         FROM unnest($1::bigint[], $2::double precision[], $3::double precision[],
           $4::double precision[], $5::text[], $6::text[])
           AS u(id, cost, cost_prompt, cost_completion, cost_details, cost_price_id)
         WHERE spans.id = u.id`,
          columns,
        );
        // The same definition as the span writer's rollup: the sum of the LLM spans' own costs.
        await client.query(
          `UPDATE traces t SET cost = agg.cost, cost_prompt = agg.cost_prompt,
           cost_completion = agg.cost_completion
         FROM (SELECT trace_rowid,
                 SUM(cost) FILTER (WHERE span_kind = 'LLM') AS cost,
                 SUM(cost_prompt) FILTER (WHERE span_kind = 'LLM') AS cost_prompt,
                 SUM(cost_completion) FILTER (WHERE span_kind = 'LLM') AS cost_completion
               FROM spans WHERE trace_rowid = ANY($1::bigint[]) GROUP BY trace_rowid) AS agg
         WHERE t.id = agg.trace_rowid`,
          [locked],
        );
        return spans.length;
      },
    );
  }
}
