/**
 * Fills the full-text index (`span_search`) in the writer thread, in small chunks between span
 * batches, so indexing never slows an acknowledgement: ingest commits spans first, the index
 * catches up when the writer is otherwise idle. Queries stay exact meanwhile because spans past
 * the watermark are scanned (query/full-text-condition.ts).
 */
import type Database from 'better-sqlite3';
import { spanSearchText } from '../../spans/span-search-text.js';

/** Spans indexed per transaction: small enough that a waiting span batch is not held up long. */
export const SEARCH_INDEX_CHUNK = 200;

export class SearchIndexer {
  private readonly statements;
  private readonly indexChunk: Database.Transaction<() => number>;

  constructor(
    db: Database.Database,
    private readonly maxChars: number,
  ) {
    this.statements = {
      watermark: db.prepare('SELECT indexed_through FROM search_index_state').pluck(),
      nextSpans: db.prepare('SELECT id, attributes FROM spans WHERE id > ? ORDER BY id LIMIT ?'),
      queued: db.prepare(
        `SELECT q.span_rowid AS id, s.attributes FROM search_reindex_queue q
         JOIN spans s ON s.id = q.span_rowid LIMIT ?`,
      ),
      dequeue: db.prepare('DELETE FROM search_reindex_queue WHERE span_rowid = ?'),
      remove: db.prepare('DELETE FROM span_search WHERE rowid = ?'),
      insert: db.prepare('INSERT INTO span_search (rowid, input, output) VALUES (?, ?, ?)'),
      setWatermark: db.prepare('UPDATE search_index_state SET indexed_through = ?'),
    };
    this.indexChunk = db.transaction(() => this.indexSome());
  }

  /** Indexes up to one chunk; returns how many spans it indexed (0 = caught up). */
  runChunk(): number {
    return this.indexChunk.immediate();
  }

  private indexSome(): number {
    const s = this.statements;
    const requeued = s.queued.all(SEARCH_INDEX_CHUNK) as { id: number; attributes: string }[];
    for (const row of requeued) {
      s.remove.run(row.id);
      this.insert(row.id, row.attributes);
      s.dequeue.run(row.id);
    }
    const watermark = s.watermark.get() as number;
    const rows = s.nextSpans.all(watermark, SEARCH_INDEX_CHUNK - requeued.length) as {
      id: number;
      attributes: string;
    }[];
    for (const row of rows) this.insert(row.id, row.attributes);
    if (rows.length > 0) s.setWatermark.run(rows[rows.length - 1]!.id);
    return requeued.length + rows.length;
  }

  private insert(id: number, attributesJson: string): void {
    const text = spanSearchText(JSON.parse(attributesJson), this.maxChars);
    if (text.input.length === 0 && text.output.length === 0) return;
    this.statements.insert.run(id, text.input, text.output);
  }
}
