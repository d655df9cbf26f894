-- A span's unique key becomes (trace_rowid, span_id) instead of (trace_id, span_id): the same
-- identity (a trace id has one trace row), but new spans now land at the end of the index (trace
-- rows are numbered in arrival order) instead of at random places in an index of 32-character
-- hex keys, which made every insert slower as the database grew (bench/RESULTS.md, "Ingest").
-- The key also finds a trace's spans, so the separate trace_rowid index goes.
-- SQLite cannot change a table's constraints in place: the table is rebuilt (migrations run with
-- foreign keys off, so annotations pointing at spans are kept; see sqlite-migrations.ts), and
-- every index and trigger of the table made by the migrations before this one is made again
-- (sqlite-migrations.test.ts checks that none is lost).

CREATE TABLE spans_rekeyed (
  id INTEGER PRIMARY KEY,
  trace_rowid INTEGER NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_id TEXT,
  name TEXT NOT NULL,
  span_kind TEXT NOT NULL,
  otel_kind INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  status_code TEXT NOT NULL CHECK (status_code IN ('UNSET', 'OK', 'ERROR')),
  status_message TEXT NOT NULL,
  attributes TEXT NOT NULL,
  events TEXT NOT NULL,
  links TEXT NOT NULL,
  resource_attributes TEXT NOT NULL,
  scope_name TEXT NOT NULL,
  scope_version TEXT NOT NULL,
  trace_state TEXT NOT NULL,
  flags INTEGER NOT NULL,
  session_id TEXT,
  user_id TEXT,
  model_name TEXT,
  provider TEXT,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  total_tokens INTEGER,
  input_preview TEXT,
  output_preview TEXT,
  cost REAL,
  cost_prompt REAL,
  cost_completion REAL,
  cost_details TEXT,
  cost_price_id TEXT,
  UNIQUE (trace_rowid, span_id)
);
INSERT INTO spans_rekeyed SELECT * FROM spans;
DROP TABLE spans;
ALTER TABLE spans_rekeyed RENAME TO spans;

CREATE INDEX spans_project ON spans (project_id);
CREATE INDEX spans_span_id ON spans (span_id);
CREATE INDEX spans_project_kind ON spans (project_id, span_kind);
CREATE INDEX spans_project_roots ON spans (project_id) WHERE parent_id IS NULL;
CREATE INDEX spans_project_user ON spans (project_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX spans_project_session ON spans (project_id, session_id) WHERE session_id IS NOT NULL;
CREATE INDEX spans_project_model ON spans (project_id, model_name) WHERE model_name IS NOT NULL;
CREATE INDEX spans_project_kind_start ON spans (
  project_id, span_kind, start_time, model_name, prompt_tokens, completion_tokens, total_tokens, cost
);
CREATE INDEX spans_unpriced_model ON spans (model_name)
  WHERE span_kind = 'LLM' AND cost_price_id IS NULL AND model_name IS NOT NULL;

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
