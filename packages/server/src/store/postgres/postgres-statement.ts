/**
 * Statements written with `?` placeholders, as the filter compilers emit them, in the form the
 * `pg` driver takes: `$1, $2, …` and driver-ready values (query/postgres-placeholders.ts).
 *
 * Two kinds of fragment meet in one statement. The store's own conditions compare columns with
 * parameters whose type PostgreSQL infers from the column, so they stay untyped: a cast to the
 * parameter's JavaScript type (a rowid as DOUBLE PRECISION, a time as NUMERIC) would cast the
 * column instead and keep its index from being used. Compiled filter expressions and the
 * full-text condition are `typed`: each placeholder gets the type of its value, which their
 * arithmetic and comparisons need.
 */
import type pg from 'pg';
import type { CompiledFilter } from '../../query/compiled-filter.js';
import { toPostgresParams, toPostgresPlaceholders } from '../../query/postgres-placeholders.js';

export interface PgFragment extends CompiledFilter {
  /** Placeholders get casts to their values' types (compiled filters, full-text search). */
  typed?: boolean;
}

/** A compiled filter (or full-text condition) as a typed fragment. */
export function typed(filter: CompiledFilter): PgFragment {
  return { ...filter, typed: true };
}

/** Each fragment's SQL with its placeholders numbered in order, and all the parameters. */
function render(fragments: PgFragment[]): { texts: string[]; params: unknown[] } {
  const texts: string[] = [];
  const params: unknown[] = [];
  for (const fragment of fragments) {
    const typedParams = fragment.typed ? fragment.params : undefined;
    texts.push(toPostgresPlaceholders(fragment.sql, params.length, typedParams));
    params.push(...fragment.params);
  }
  return { texts, params };
}

export function toPgStatement(statement: PgFragment): pg.QueryConfig {
  const { texts, params } = render([statement]);
  return { text: texts[0]!, values: toPostgresParams(params) };
}

/** A statement `prefix WHERE <conditions, ANDed> suffix` with the parameters in order. */
export function whereStatement(
  prefix: string,
  conditions: PgFragment[],
  suffix: PgFragment = { sql: '', params: [] },
): pg.QueryConfig {
  const { texts, params } = render([...conditions, suffix]);
  const where = texts.slice(0, -1).map((text) => `(${text})`);
  return {
    text: `${prefix} WHERE ${where.length > 0 ? where.join(' AND ') : 'TRUE'} ${texts.at(-1)}`,
    values: toPostgresParams(params),
  };
}

/** `?, ?, …` for a list of values. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
