/**
 * A filter expression compiled to SQL: a boolean SQL expression with `?` placeholders and the
 * values that go in them, in order. Literals from the user only ever travel in `params`.
 * (The PostgreSQL store renumbers `?` to `$n` when it splices a fragment into a statement.)
 */
export interface CompiledFilter {
  sql: string;
  params: unknown[];
}

export type SqlDialectName = 'sqlite' | 'postgres';

/** Joins fragments with AND; an empty list is "true". */
export function andFilters(filters: CompiledFilter[]): CompiledFilter {
  if (filters.length === 0) return { sql: '1 = 1', params: [] };
  return {
    sql: filters.map((f) => `(${f.sql})`).join(' AND '),
    params: filters.flatMap((f) => f.params),
  };
}
