-- Saved views of a project's traces or spans table (store/saved-view-store.ts), and the indexes
-- the UI's metrics and project figures read from.

CREATE TABLE saved_views (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  table_name TEXT NOT NULL CHECK (table_name IN ('traces', 'spans')),
  filter TEXT,
  q TEXT,
  -- JSON array of column ids, in display order.
  columns TEXT NOT NULL DEFAULT '[]',
  sort TEXT,
  sort_order TEXT CHECK (sort_order IN ('asc', 'desc')),
  root_spans_only INTEGER CHECK (root_spans_only IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- Doubles as the project's index (views are listed by project, by name).
  UNIQUE (project_id, name)
);

-- Metrics (GET /v1/projects/{id}/metrics): spans by kind and LLM usage by model in a time range,
-- answered from this index alone. The kind comes before the time so that each kind is one range
-- seek; the usage columns ride along so no span row is read.
CREATE INDEX spans_project_kind_start ON spans (
  project_id, span_kind, start_time, model_name, prompt_tokens, completion_tokens, total_tokens
);

-- The project's last activity (newest span end = newest trace end) is one index seek.
CREATE INDEX traces_project_end ON traces (project_id, end_time);
