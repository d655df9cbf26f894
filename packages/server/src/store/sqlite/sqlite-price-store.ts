/**
 * Model prices and costs on SQLite. User prices are a small table read on the calling thread;
 * the catalog built from them is cached and rebuilt after each price edit (all edits of this
 * database go through this process, so the cache is never stale). Scans run in reader threads,
 * writes on the writer thread (sqlite-price-writes.ts).
 */
import type { ModelPrice } from '../../spans/prices/model-price.js';
import { PriceCatalog } from '../../spans/prices/price-catalog.js';
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
import { fromUserPriceRow, type UserPriceRow } from '../user-price-row.js';
import type { SqliteStore } from './sqlite-store.js';

export class SqlitePriceStore implements PriceStore {
  private cached: PriceCatalog | null = null;

  constructor(private readonly store: SqliteStore) {}

  async catalog(): Promise<PriceCatalog> {
    return this.currentCatalog();
  }

  private currentCatalog(): PriceCatalog {
    this.cached ??= new PriceCatalog(this.readUserPrices());
    return this.cached;
  }

  async priceSpans(spans: SpanRecord[]): Promise<void> {
    assignSpanCosts(spans, this.currentCatalog());
  }

  private readUserPrices(): ModelPrice[] {
    const rows = this.store.readConnection
      .prepare('SELECT * FROM model_prices ORDER BY id')
      .all() as UserPriceRow[];
    return rows.map(fromUserPriceRow);
  }

  async listUserPrices(): Promise<ModelPrice[]> {
    return this.readUserPrices();
  }

  async getUserPrice(rowid: number): Promise<ModelPrice | null> {
    const row = this.store.readConnection
      .prepare('SELECT * FROM model_prices WHERE id = ?')
      .get(rowid) as UserPriceRow | undefined;
    return row ? fromUserPriceRow(row) : null;
  }

  async createUserPrice(input: UserPriceInput): Promise<UserPriceWrite> {
    const rowid = await this.store.write<number | null>('createUserPrice', { input });
    this.cached = null;
    if (rowid === null) return { status: 'duplicate' };
    return { status: 'ok', price: (await this.getUserPrice(rowid))! };
  }

  async updateUserPrice(rowid: number, input: UserPriceInput): Promise<UserPriceWrite> {
    const result = await this.store.write<'ok' | 'duplicate' | 'not-found'>('updateUserPrice', {
      rowid,
      input,
    });
    this.cached = null;
    if (result !== 'ok') return { status: result };
    return { status: 'ok', price: (await this.getUserPrice(rowid))! };
  }

  async deleteUserPrice(rowid: number): Promise<boolean> {
    const deleted = await this.store.write<boolean>('deleteUserPrice', { rowid });
    this.cached = null;
    return deleted;
  }

  async unknownModels(query: UnknownModelQuery): Promise<UnknownModel[]> {
    return this.store.read('unknownModels', query);
  }

  async recomputeExtent(range: RecomputeRange): Promise<RecomputeExtent> {
    return this.store.read('recomputeExtent', range);
  }

  async recomputeBatch(range: RecomputeRange, fromRowid: number, toRowid: number): Promise<number> {
    // The writer thread prices with the same prices as ingestion: user prices travel along.
    const userPrices = [...this.currentCatalog().userPrices];
    return this.store.write<number>('recomputeSpanCosts', {
      userPrices,
      range,
      fromRowid,
      toRowid,
    });
  }
}
