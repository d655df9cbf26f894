-- lz4 instead of pglz for the wide text and JSON columns, where the server supports it.
--
-- A span row above ~2 KB (most LLM and retriever spans) is compressed when it is written;
-- with the default pglz that was about 15 µs of PostgreSQL CPU per span of every ingest
-- transaction, with lz4 a fraction of it (and reads decompress faster). The price is some
-- disk: lz4 compresses less (the spans table of the ingest benchmark grew by about a third).
-- Only values written from now on use lz4; existing ones stay readable as they are.
-- A server built without lz4 (or older than PostgreSQL 14) keeps pglz: the migration says so
-- and succeeds.
DO $$
BEGIN
  ALTER TABLE spans
    ALTER COLUMN attributes SET COMPRESSION lz4,
    ALTER COLUMN events SET COMPRESSION lz4,
    ALTER COLUMN links SET COMPRESSION lz4,
    ALTER COLUMN resource_attributes SET COMPRESSION lz4,
    ALTER COLUMN status_message SET COMPRESSION lz4,
    ALTER COLUMN input_preview SET COMPRESSION lz4,
    ALTER COLUMN output_preview SET COMPRESSION lz4;
  ALTER TABLE span_search_queue
    ALTER COLUMN input SET COMPRESSION lz4,
    ALTER COLUMN output SET COMPRESSION lz4;
  ALTER TABLE span_search
    ALTER COLUMN input SET COMPRESSION lz4,
    ALTER COLUMN output SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  RAISE NOTICE 'lz4 compression is not available on this server (%); spans keep pglz', SQLERRM;
END $$;
