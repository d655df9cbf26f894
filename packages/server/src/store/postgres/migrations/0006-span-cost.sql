-- Cost of each LLM span (USD) with its breakdown by token type, and the trace rollups of it.
-- NULL means "no price" (not an LLM span, no tokens, or no price for its model), never 0.
-- Same columns as SQLite's 0008-span-cost.sql.
ALTER TABLE spans ADD COLUMN cost DOUBLE PRECISION;
ALTER TABLE spans ADD COLUMN cost_prompt DOUBLE PRECISION;
ALTER TABLE spans ADD COLUMN cost_completion DOUBLE PRECISION;
ALTER TABLE spans ADD COLUMN cost_details TEXT;
ALTER TABLE spans ADD COLUMN cost_price_id TEXT;

ALTER TABLE traces ADD COLUMN cost_prompt DOUBLE PRECISION;
ALTER TABLE traces ADD COLUMN cost_completion DOUBLE PRECISION;

CREATE INDEX spans_project_llm_start ON spans (project_id, start_time) WHERE span_kind = 'LLM';
CREATE INDEX spans_unpriced_model ON spans (model_name)
  WHERE span_kind = 'LLM' AND cost_price_id IS NULL AND model_name IS NOT NULL;

-- The project summary stays an index-only scan, cost split included.
DROP INDEX traces_project_start;
CREATE INDEX traces_project_start ON traces (project_id, start_time, id)
  INCLUDE (end_time, span_count, error_count, prompt_tokens, completion_tokens, total_tokens, cost,
    cost_prompt, cost_completion);
