/**
 * Building SQL from pieces without ever pasting a value into the text. A fragment is SQL with
 * `?` placeholders plus its parameters in order; the `sql` template tag only accepts fragments as
 * interpolations, so user text can reach the SQL string only as a parameter. The few names that
 * are written into the text (table aliases) go through `identifier`, which refuses anything but
 * a plain identifier.
 */
import type { CompiledFilter } from './compiled-filter.js';

export type SqlFragment = CompiledFilter;

/** `sql\`a = ${param(x)}\``: the literal parts are trusted code, the interpolations fragments. */
export function sql(strings: TemplateStringsArray, ...values: SqlFragment[]): SqlFragment {
  let text = strings[0]!;
  const params: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    text += value.sql + strings[i + 1]!;
    for (const p of value.params) params.push(p);
  }
  return { sql: text, params };
}

export function param(value: unknown): SqlFragment {
  return { sql: '?', params: [value] };
}

/** Fixed SQL written in code (keywords, constants); never pass user text. */
export function raw(text: string): SqlFragment {
  return { sql: text, params: [] };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A table or alias name known to the code; throws (a programming error) on anything else. */
export function identifier(name: string): SqlFragment {
  if (!IDENTIFIER.test(name))
    throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return raw(name);
}

export function join(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return {
    sql: fragments.map((f) => f.sql).join(separator),
    params: fragments.flatMap((f) => f.params),
  };
}

export const TRUE_SQL: SqlFragment = raw('(1 = 1)');
export const FALSE_SQL: SqlFragment = raw('(1 = 0)');

/**
 * `a AND b AND …` (or OR) nested as a balanced tree: databases parse a flat chain into a tree as
 * deep as it is long, and SQLite refuses expression trees deeper than 1000.
 */
export function balanced(fragments: readonly SqlFragment[], operator: 'AND' | 'OR'): SqlFragment {
  if (fragments.length === 0) return operator === 'AND' ? TRUE_SQL : FALSE_SQL;
  if (fragments.length === 1) return fragments[0]!;
  const middle = Math.ceil(fragments.length / 2);
  const left = balanced(fragments.slice(0, middle), operator);
  const right = balanced(fragments.slice(middle), operator);
  return sql`(${left} ${raw(operator)} ${right})`;
}
