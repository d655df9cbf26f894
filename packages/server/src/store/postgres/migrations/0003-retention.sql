-- Retention: a project's own policy (a project without a row follows the server's default,
-- HERON_DEFAULT_RETENTION_DAYS); the SQLite migration 0005 in PostgreSQL terms. NULL means "no
-- limit" on that axis, so a row with both NULL keeps the project's traces forever whatever the
-- default says. Age is judged by the trace's start_time, which traces_project_start
-- (project_id, start_time, id) serves in both directions; see store/retention-policy.ts.
CREATE TABLE retention_policies (
  project_id BIGINT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  max_age_days INTEGER CHECK (max_age_days IS NULL OR max_age_days > 0),
  max_traces BIGINT CHECK (max_traces IS NULL OR max_traces > 0)
);
