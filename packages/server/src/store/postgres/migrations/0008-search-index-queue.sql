-- Full-text search indexed after the commit instead of inside it.
--
-- Maintaining the pg_trgm GIN indexes on spans cost about 200 µs of PostgreSQL CPU per span of
-- every ingest transaction (trigram extraction and one GIN entry per distinct trigram, ~400 per
-- span), more than everything else the write did. Now the writer puts each span's folded search
-- text into span_search_queue (a plain table, no trigram index) in the span's transaction, and
-- the search indexer (postgres-search-indexer.ts) moves queued rows into span_search, which
-- carries the trigram indexes, in the background when ingestion is quiet. A search looks in
-- both (query/full-text-condition.ts): span_search through its indexes, the queue by a scan,
-- so results are exact at every moment, as with SQLite's background indexer.
--
-- A span has its text in at most one of the two tables: the writer queues it and removes its
-- span_search row when a span is sent again; the indexer deletes from the queue and inserts
-- into span_search in one transaction. Spans without any search text have no row.

CREATE TABLE span_search (
  span_rowid BIGINT PRIMARY KEY REFERENCES spans(id) ON DELETE CASCADE,
  input TEXT NOT NULL,
  output TEXT NOT NULL
);

-- No foreign key: checking one on every ingested span would cost what the queue saves. A queued
-- row whose span was deleted matches no span (searches join spans) and the indexer drops it.
CREATE TABLE span_search_queue (
  span_rowid BIGINT PRIMARY KEY,
  input TEXT NOT NULL,
  output TEXT NOT NULL
);

-- Existing spans keep their text, indexed (the GIN indexes are built once, after the copy).
INSERT INTO span_search (span_rowid, input, output)
SELECT id, search_text_input, search_text_output FROM spans
WHERE search_text_input <> '' OR search_text_output <> '';

CREATE INDEX span_search_input ON span_search USING gin (input gin_trgm_ops);
CREATE INDEX span_search_output ON span_search USING gin (output gin_trgm_ops);

-- A search is `spans.id IN (ids from span_search and the queue)`. Whether PostgreSQL fetches the
-- few matching spans by id or walks the project's newest spans until a page is full depends on
-- how many matches it expects, which it estimates from these columns' histograms: with the
-- default 100 entries a word on 0.1 % of spans was taken for 1 %, and the walk read 60,000 spans
-- of a 1M-span store for one page (100 ms instead of a few). 1,000 entries estimate such words
-- within their order of magnitude (ANALYZE samples more rows, a few seconds per million spans).
ALTER TABLE span_search
  ALTER COLUMN input SET STATISTICS 1000,
  ALTER COLUMN output SET STATISTICS 1000;

DROP INDEX spans_search_input;
DROP INDEX spans_search_output;
ALTER TABLE spans DROP COLUMN search_text_input, DROP COLUMN search_text_output;
