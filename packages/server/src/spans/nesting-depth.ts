/**
 * Bounds on how deep a span's stored attributes can nest, whatever a client sends: the database
 * JSON functions that filters use refuse documents nested deeper than 1000 (SQLite), and one
 * such span would make every filter of its project fail. OTLP values are already bounded by the
 * decoders (otlp/value-depth.ts); these bound what spans/ builds from them.
 */

/** Dotted key segments that nest (`a.b.c` is 3); the rest of a longer key is one last key. */
export const MAX_KEY_SEGMENTS = 64;

/** JSON-string attributes (`metadata`, …) nested deeper than this are kept as the string. */
export const MAX_DECODED_JSON_DEPTH = 32;

/** True when `value` nests arrays/objects more than `limit` levels deep. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => nestsDeeperThan(child, limit - 1));
}
