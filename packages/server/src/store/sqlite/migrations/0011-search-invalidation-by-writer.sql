-- The span writer now takes a re-sent span's old text out of the full-text index itself
-- (span-batch-writer.ts) instead of this trigger. Why: an UPDATE trigger on `spans` makes SQLite
-- keep a statement journal for every span upsert (the upsert might fire it), copying each page
-- the insert touches before touching it — about half of the writer's time, measured in
-- bench/RESULTS.md ("Ingest"). The delete trigger stays: it costs nothing on insert.
DROP TRIGGER spans_search_update;
