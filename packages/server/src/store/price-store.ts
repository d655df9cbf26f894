/**
 * Model prices in the database (user-defined; the built-in table ships with Heron) and what the
 * cost features need from a backend: the catalog ingestion prices spans with, the models seen
 * without a price, and the bounded batches a cost recompute is made of
 * (cost-recompute-jobs.ts). SQLite and PostgreSQL implement it as `store.prices`.
 */
import type { ModelPrice, PriceTier, TokenPrices } from '../spans/prices/model-price.js';
import type { PriceCatalog } from '../spans/prices/price-catalog.js';
import type { SpanRecord } from '../spans/span-record.js';

/** A user-defined price as written through the API. */
export interface UserPriceInput {
  name: string;
  provider: string | null;
  pattern: string;
  effectiveFrom: string | null;
  usdPerMillionTokens: TokenPrices;
  tiers: PriceTier[];
}

export type UserPriceWrite =
  { status: 'ok'; price: ModelPrice } | { status: 'duplicate' } | { status: 'not-found' };

export interface UnknownModelQuery {
  projectId?: number;
  /** [start, end) on span start, ns. */
  startTime?: bigint;
  endTime?: bigint;
  limit: number;
}

/** A model name seen on LLM spans with tokens but no price. */
export interface UnknownModel {
  modelName: string;
  provider: string | null;
  spanCount: number;
  lastSeenUnixNano: bigint;
}

/** Which stored spans a recompute covers. */
export interface RecomputeRange {
  projectId?: number;
  /** [start, end) on span start, ns. */
  startTime?: bigint;
  endTime?: bigint;
}

export interface RecomputeExtent {
  /** LLM spans in the range. */
  spanCount: number;
  /** Highest span row id when the job starts; spans written later are priced at ingest. */
  maxRowid: number;
}

export interface PriceStore {
  /** The prices ingestion uses now (user-defined prices first). */
  catalog(): Promise<PriceCatalog>;
  /** Sets `cost` on each span a price applies to (called by `insertSpans`). */
  priceSpans(spans: SpanRecord[]): Promise<void>;
  listUserPrices(): Promise<ModelPrice[]>;
  getUserPrice(rowid: number): Promise<ModelPrice | null>;
  createUserPrice(input: UserPriceInput): Promise<UserPriceWrite>;
  updateUserPrice(rowid: number, input: UserPriceInput): Promise<UserPriceWrite>;
  deleteUserPrice(rowid: number): Promise<boolean>;
  unknownModels(query: UnknownModelQuery): Promise<UnknownModel[]>;
  recomputeExtent(range: RecomputeRange): Promise<RecomputeExtent>;
  /**
   * Recomputes the cost of the LLM spans in the range with row ids in [fromRowid, toRowid), and
   * the cost rollups of their traces, in one short transaction. Returns how many spans it saw.
   */
  recomputeBatch(range: RecomputeRange, fromRowid: number, toRowid: number): Promise<number>;
}

/** The GlobalID text of a user price (what spans record as the price they used). */
export const userPriceId = (rowid: number): string => `ModelPrice:${rowid}`;
