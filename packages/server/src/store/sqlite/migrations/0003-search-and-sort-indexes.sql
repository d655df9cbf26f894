-- Full-text search over span input and output, and the indexes behind every list sort.

-- Trigram index: substring matches in any script (CJK has no spaces to split words on),
-- case-folded and accent-stripped. Contentless: the text lives in spans.attributes; rowid is
-- spans.id. Filled by the writer thread's background indexer (search-indexer.ts).
CREATE VIRTUAL TABLE span_search USING fts5(
  input, output,
  content = '', contentless_delete = 1,
  tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
);

-- Spans with id <= indexed_through are in span_search (except those queued for re-indexing).
CREATE TABLE search_index_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_through INTEGER NOT NULL
);
INSERT INTO search_index_state (id, indexed_through) VALUES (1, 0);

-- Spans already indexed whose text changed (a re-sent span) wait here to be indexed again.
CREATE TABLE search_reindex_queue (span_rowid INTEGER PRIMARY KEY);

CREATE TRIGGER spans_search_update AFTER UPDATE OF attributes ON spans
WHEN old.id <= (SELECT indexed_through FROM search_index_state)
BEGIN
  DELETE FROM span_search WHERE rowid = old.id;
  INSERT INTO search_reindex_queue (span_rowid) VALUES (old.id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER spans_search_delete AFTER DELETE ON spans
BEGIN
  DELETE FROM span_search WHERE rowid = old.id;
  DELETE FROM search_reindex_queue WHERE span_rowid = old.id;
END;

-- Cost of a trace (sum of its LLM spans' costs); NULL until prices are known (no price ≠ 0).
ALTER TABLE traces ADD COLUMN cost REAL;

-- Keyset pagination: every sort is (key, id) within a project; SQLite appends the rowid (id)
-- to every index, so (project_id, key) indexes serve ORDER BY key, id.
CREATE INDEX traces_project_latency ON traces (project_id, (end_time - start_time));
CREATE INDEX traces_project_tokens ON traces (project_id, total_tokens);
CREATE INDEX traces_project_cost ON traces (project_id, (COALESCE(cost, -1)));
CREATE INDEX spans_project_kind ON spans (project_id, span_kind);
CREATE INDEX spans_project_roots ON spans (project_id) WHERE parent_id IS NULL;
CREATE INDEX spans_trace_rowid ON spans (trace_rowid);
CREATE INDEX sessions_project_end ON sessions (project_id, end_time DESC);
