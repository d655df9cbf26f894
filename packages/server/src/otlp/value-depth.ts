/**
 * How deep OTLP attribute values (arrays and kvlists inside each other) may nest, in both wire
 * formats. Real instrumentation nests a few levels; the bound keeps a hostile payload from
 * building values deeper than the database's JSON functions accept (SQLite stops at 1000).
 */
export const MAX_VALUE_DEPTH = 32;
