/**
 * Fills PostgreSQL's full-text index in the background: moves queued search text
 * (span_search_queue, written by the span writer in each span's own transaction) into
 * span_search, whose pg_trgm GIN indexes cost ~200 µs of database CPU per span to maintain —
 * more than the rest of an ingest transaction. Searches stay exact meanwhile: they scan the
 * queue too (query/full-text-condition.ts; migrations/0008-search-index-queue.sql).
 *
 * Ingestion comes first, as with SQLite's indexer (sqlite/search-indexer.ts): a node indexes
 * only while it has not written spans for `quietMs`, so under a steady stream of spans the
 * queue grows, searches scan more of it, and the index catches up when the stream pauses.
 * Several nodes may index at once: each takes its chunk with SKIP LOCKED, so they never take
 * the same spans, and the move (delete from the queue, insert into span_search) is one
 * transaction, so a search sees each span's text in exactly one of the two tables.
 */
import type pg from 'pg';
import { isRetryableWriteError } from './postgres-transaction.js';

/** Spans moved per transaction: big enough to amortise a commit, small enough to stop soon. */
export const DEFAULT_SEARCH_INDEX_CHUNK_SPANS = 1000;
/**
 * How long after this node's last span write the indexer may start a chunk: longer than the gap
 * between two batches of a node that is saturated (so it does not slow the ingestion down), short
 * enough to use the gaps of a steady moderate stream (with 200 ms, a node taking 3,000 spans/s
 * in 500-span requests never paused long enough, and the backlog only grew).
 */
export const DEFAULT_SEARCH_INDEX_QUIET_MS = 25;
/** How often an idle indexer looks for text queued by other nodes. */
export const DEFAULT_SEARCH_INDEX_POLL_MS = 2000;

export interface PostgresSearchIndexerOptions {
  /** false: the owner calls indexChunk/catchUp itself (tests that need to know the state). */
  background?: boolean;
  chunkSpans?: number;
  quietMs?: number;
  pollMs?: number;
  /** Told about a failed chunk (the chunk is left queued and tried again later). */
  onError?: (error: unknown) => void;
}

// Takes the oldest queued spans no other indexer holds, removes them from the queue and inserts
// their text into span_search in one statement. Text of spans deleted meanwhile is dropped (the
// join), and so is empty text (a span sent again without any). ON CONFLICT: a span indexed,
// sent again and queued again replaces its indexed text.
const MOVE_CHUNK_SQL = `
  WITH taken AS (
    DELETE FROM span_search_queue WHERE span_rowid IN (
      SELECT span_rowid FROM span_search_queue ORDER BY span_rowid LIMIT $1
      FOR UPDATE SKIP LOCKED)
    RETURNING span_rowid, input, output
  ), indexed AS (
    INSERT INTO span_search (span_rowid, input, output)
    SELECT t.span_rowid, t.input, t.output FROM taken AS t JOIN spans AS s ON s.id = t.span_rowid
    WHERE t.input <> '' OR t.output <> ''
    ON CONFLICT (span_rowid) DO UPDATE SET input = EXCLUDED.input, output = EXCLUDED.output
  )
  SELECT COUNT(*)::int AS moved FROM taken`;

export class PostgresSearchIndexer {
  private readonly chunkSpans: number;
  private readonly quietMs: number;
  private readonly pollMs: number;
  private readonly onError: (error: unknown) => void;
  private writesInFlight = 0;
  private lastWriteAt = 0;
  private running: Promise<void> | null = null;
  private stopped = true;
  private wake: (() => void) | null = null;
  /** Spans moved since the queue was last vacuumed. */
  private movedSinceVacuum = 0;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresSearchIndexerOptions = {},
  ) {
    this.chunkSpans = Math.max(1, options.chunkSpans ?? DEFAULT_SEARCH_INDEX_CHUNK_SPANS);
    this.quietMs = Math.max(0, options.quietMs ?? DEFAULT_SEARCH_INDEX_QUIET_MS);
    this.pollMs = Math.max(1, options.pollMs ?? DEFAULT_SEARCH_INDEX_POLL_MS);
    this.onError = options.onError ?? (() => {});
  }

  /** Starts indexing in the background (until `stop`). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops after the chunk in progress, if any; resolves when nothing runs any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  /** Around each span write of this node: the indexer keeps out of the way while they run. */
  writeStarted(): void {
    this.writesInFlight++;
  }

  writeFinished(): void {
    this.writesInFlight--;
    this.lastWriteAt = performance.now();
    // Text was just queued: look again once the writes have paused, not at the next poll.
    this.wake?.();
  }

  /**
   * Moves one chunk of queued text into the index now (whatever ingestion does); resolves with
   * the number of spans taken from the queue (0: nothing was queued, or other indexers hold it).
   */
  async indexChunk(): Promise<number> {
    const { rows } = await this.pool.query<{ moved: number }>(MOVE_CHUNK_SQL, [this.chunkSpans]);
    const moved = rows[0]?.moved ?? 0;
    this.movedSinceVacuum += moved;
    return moved;
  }

  /** Indexes until the queue is empty (tools and benchmarks that must not wait for quiet). */
  async catchUp(): Promise<void> {
    while ((await this.indexChunk()) > 0);
    await this.vacuumQueue();
  }

  /** Spans whose search text waits in the queue (all nodes'). */
  async backlog(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM span_search_queue',
    );
    return Number(rows[0]!.n);
  }

  private async loop(): Promise<void> {
    // A pool ended under a running indexer (a test's schema dropped without closing its store)
    // ends the indexer too.
    while (!this.stopped && !this.pool.ending) {
      const quietFor = performance.now() - this.lastWriteAt;
      if (this.writesInFlight > 0 || quietFor < this.quietMs) {
        await this.sleep(this.writesInFlight > 0 ? this.pollMs : this.quietMs - quietFor);
        continue;
      }
      let moved = 0;
      try {
        moved = await this.indexChunk();
        if (moved === 0) await this.vacuumQueue();
      } catch (error) {
        if (!isRetryableWriteError(error)) this.onError(error);
      }
      if (moved === 0) await this.sleep(this.pollMs);
    }
  }

  /**
   * Every moved span leaves a dead row in the queue, and searches scan the queue's whole file:
   * so the indexer vacuums the queue when it has emptied it (not relying on autovacuum, which may
   * be off or slow to notice a small table). INDEX_CLEANUP ON: PostgreSQL otherwise skips the
   * index pass when few rows died since the last vacuum, which leaves dead item pointers in the
   * last pages and stops VACUUM from truncating the emptied file — after a burst of a million
   * queued spans, each search would still read 800 MB of empty pages. SKIP_LOCKED: another node
   * doing the same is enough.
   */
  private async vacuumQueue(): Promise<void> {
    if (this.movedSinceVacuum === 0) return;
    this.movedSinceVacuum = 0;
    await this.pool.query('VACUUM (INDEX_CLEANUP ON, SKIP_LOCKED) span_search_queue');
  }

  /** Waits `ms`, or less when stopped or woken by a write. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, ms));
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
