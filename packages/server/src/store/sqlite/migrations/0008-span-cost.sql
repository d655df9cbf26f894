-- Cost of each LLM span (USD) with its breakdown by token type, and the trace rollups of it.
-- NULL means "no price" (not an LLM span, no tokens, or no price for its model), never 0.
ALTER TABLE spans ADD COLUMN cost REAL;
ALTER TABLE spans ADD COLUMN cost_prompt REAL;
ALTER TABLE spans ADD COLUMN cost_completion REAL;
-- {"input": {"tokens", "cost", "usd_per_million_tokens"}, "cache_read": {...}, ...}
ALTER TABLE spans ADD COLUMN cost_details TEXT;
-- The price applied: a built-in id or a user price's ModelPrice:<n>.
ALTER TABLE spans ADD COLUMN cost_price_id TEXT;

ALTER TABLE traces ADD COLUMN cost_prompt REAL;
ALTER TABLE traces ADD COLUMN cost_completion REAL;

-- Metrics by model (cost included) stay answered from the metrics index alone. (The cost
-- recompute walks spans by row id, and cost per time bucket comes from the trace rollups, so no
-- other span index is needed: every span index costs ingest time.)
DROP INDEX spans_project_kind_start;
CREATE INDEX spans_project_kind_start ON spans (
  project_id, span_kind, start_time, model_name, prompt_tokens, completion_tokens, total_tokens, cost
);
-- Models seen with tokens but no price (Settings → Models lists them).
CREATE INDEX spans_unpriced_model ON spans (model_name)
  WHERE span_kind = 'LLM' AND cost_price_id IS NULL AND model_name IS NOT NULL;

-- Project totals in a time window stay answered from the index alone, cost split included.
DROP INDEX traces_project_start_totals;
CREATE INDEX traces_project_start_totals ON traces (
  project_id, start_time, end_time, span_count, error_count,
  prompt_tokens, completion_tokens, total_tokens, cost, cost_prompt, cost_completion
);
