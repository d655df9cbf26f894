/**
 * Bounds on a filter expression, so that a pasted novel or a machine-generated tower of
 * parentheses gets a clear error instead of a slow query, a blown stack or a database error
 * (SQLite refuses expression trees deeper than 1000).
 */

/** Characters (UTF-16 code units) an expression may have; `HERON_MAX_FILTER_LENGTH` overrides. */
export const DEFAULT_MAX_FILTER_LENGTH = 4096;

/**
 * Levels of nesting (parentheses, `not`, unary minus, operator chains that build deeper trees,
 * call arguments). 64 is far beyond anything a person writes and keeps the generated SQL well
 * inside SQLite's expression depth limit.
 */
export const DEFAULT_MAX_FILTER_DEPTH = 64;

export interface FilterLimits {
  maxLength: number;
  maxDepth: number;
}

export const DEFAULT_FILTER_LIMITS: Readonly<FilterLimits> = Object.freeze({
  maxLength: DEFAULT_MAX_FILTER_LENGTH,
  maxDepth: DEFAULT_MAX_FILTER_DEPTH,
});
