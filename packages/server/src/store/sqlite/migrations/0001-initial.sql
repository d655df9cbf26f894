-- Heron schema v1: projects, sessions, traces, spans.
-- Times are INTEGER nanoseconds since the Unix epoch (exact; OTLP precision).

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  trace_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (project_id, session_id)
);
CREATE INDEX sessions_project_start ON sessions (project_id, start_time DESC);

CREATE TABLE traces (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  session_rowid INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  span_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  root_span_id TEXT
);
CREATE INDEX traces_project_start ON traces (project_id, start_time DESC);
CREATE INDEX traces_session ON traces (session_rowid) WHERE session_rowid IS NOT NULL;

CREATE TABLE spans (
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
  UNIQUE (trace_id, span_id)
);
-- Spans of a trace are found through the (trace_id, span_id) unique index; a project's spans,
-- newest first, through this one (rowid order within a project).
CREATE INDEX spans_project ON spans (project_id);
