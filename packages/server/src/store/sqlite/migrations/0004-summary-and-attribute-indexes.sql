-- Indexes found by the query benchmark (bench/RESULTS.md, "Query").

-- Latency percentiles in a time window: walk traces in latency order, reading start_time from
-- the index itself (no table lookups).
CREATE INDEX traces_project_latency_start ON traces (project_id, (end_time - start_time), start_time);

-- Project totals in a time window, answered from the index alone.
CREATE INDEX traces_project_start_totals ON traces (
  project_id, start_time, end_time, span_count, error_count,
  prompt_tokens, completion_tokens, total_tokens, cost
);

-- "Spans of this user / session / model": the derived columns, only where present.
CREATE INDEX spans_project_user ON spans (project_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX spans_project_session ON spans (project_id, session_id) WHERE session_id IS NOT NULL;
CREATE INDEX spans_project_model ON spans (project_id, model_name) WHERE model_name IS NOT NULL;
