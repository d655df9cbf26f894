-- User-defined model prices (the built-in table ships as spans/prices/model-prices.json).
-- Prices are USD per 1,000,000 tokens, by token type, as JSON text; tiers as a JSON list.
CREATE TABLE model_prices (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  provider TEXT,
  pattern TEXT NOT NULL,
  -- ISO 8601 date or time from which the price applies; NULL = always.
  effective_from TEXT,
  usd_per_million_tokens TEXT NOT NULL,
  tiers TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- One price per (pattern, provider, effective date): a second one would be ambiguous.
CREATE UNIQUE INDEX model_prices_key
  ON model_prices (pattern, COALESCE(provider, ''), COALESCE(effective_from, ''));
