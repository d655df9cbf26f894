-- Annotations (evaluations, human feedback, notes) on spans, traces, sessions and retrieved
-- documents, as Phoenix keeps them: one table per target, upsert key (name, target, identifier).
-- Notes are annotations named 'note' with the text in `explanation`.
-- Times are INTEGER nanoseconds since the Unix epoch, like everywhere else.
-- The UNIQUE constraints double as the (name, target) indexes; the target indexes serve the
-- ON DELETE CASCADE from spans, traces and sessions and the list-by-target reads; the
-- identifier indexes serve the list-by-identifier reads (e.g. one evaluation run).

-- Annotations name their target by OTel span_id / trace_id or by the user's session.id, which
-- the unique keys of spans (trace_id, span_id) and sessions (project_id, session_id) do not lead
-- with.
CREATE INDEX spans_span_id ON spans (span_id);
CREATE INDEX sessions_session_id ON sessions (session_id);

CREATE TABLE span_annotations (
  id INTEGER PRIMARY KEY,
  span_rowid INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  label TEXT,
  score REAL,
  explanation TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  annotator_kind TEXT NOT NULL CHECK (annotator_kind IN ('LLM', 'CODE', 'HUMAN')),
  identifier TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'API' CHECK (source IN ('API', 'APP')),
  user_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (name, span_rowid, identifier)
);
CREATE INDEX span_annotations_span ON span_annotations (span_rowid);
CREATE INDEX span_annotations_identifier ON span_annotations (identifier);

CREATE TABLE trace_annotations (
  id INTEGER PRIMARY KEY,
  trace_rowid INTEGER NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  label TEXT,
  score REAL,
  explanation TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  annotator_kind TEXT NOT NULL CHECK (annotator_kind IN ('LLM', 'CODE', 'HUMAN')),
  identifier TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'API' CHECK (source IN ('API', 'APP')),
  user_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (name, trace_rowid, identifier)
);
CREATE INDEX trace_annotations_trace ON trace_annotations (trace_rowid);
CREATE INDEX trace_annotations_identifier ON trace_annotations (identifier);

CREATE TABLE session_annotations (
  id INTEGER PRIMARY KEY,
  session_rowid INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  label TEXT,
  score REAL,
  explanation TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  annotator_kind TEXT NOT NULL CHECK (annotator_kind IN ('LLM', 'CODE', 'HUMAN')),
  identifier TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'API' CHECK (source IN ('API', 'APP')),
  user_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (name, session_rowid, identifier)
);
CREATE INDEX session_annotations_session ON session_annotations (session_rowid);
CREATE INDEX session_annotations_identifier ON session_annotations (identifier);

CREATE TABLE document_annotations (
  id INTEGER PRIMARY KEY,
  span_rowid INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
  document_position INTEGER NOT NULL,
  name TEXT NOT NULL,
  label TEXT,
  score REAL,
  explanation TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  annotator_kind TEXT NOT NULL CHECK (annotator_kind IN ('LLM', 'CODE', 'HUMAN')),
  identifier TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'API' CHECK (source IN ('API', 'APP')),
  user_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (name, span_rowid, document_position, identifier)
);
CREATE INDEX document_annotations_span ON document_annotations (span_rowid, document_position);

-- Annotation configs: how a named annotation is scored (categorical, continuous, freeform).
-- `config` holds the type-specific fields as JSON (values, bounds, threshold).
CREATE TABLE annotation_configs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('CATEGORICAL', 'CONTINUOUS', 'FREEFORM')),
  description TEXT,
  -- NULL only for FREEFORM configs, where Phoenix makes the direction optional.
  optimization_direction TEXT CHECK (optimization_direction IN ('MINIMIZE', 'MAXIMIZE', 'NONE')),
  config TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE project_annotation_configs (
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  annotation_config_id INTEGER NOT NULL REFERENCES annotation_configs(id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, annotation_config_id)
);

-- Phoenix seeds this config; clients and the UI expect it.
INSERT INTO annotation_configs (name, type, description, optimization_direction, config)
VALUES ('user_feedback', 'CATEGORICAL', NULL, 'MAXIMIZE',
        '{"values":[{"label":"positive","score":1},{"label":"negative","score":0}]}');
