/**
 * Compiled filters (and other `?`-style fragments) on PostgreSQL: `?` placeholders become
 * `$n`, and parameter values become what the `pg` driver can send.
 *
 * PostgreSQL infers the type of an untyped parameter from where it stands, which fails or
 * misleads for filter literals (`? + ?` has no single operator; '0.5' compared with a BIGINT
 * column is an invalid BIGINT). Given the parameters, `toPostgresPlaceholders` writes each
 * placeholder with the type of its value: BigInt (the compilers' integers) NUMERIC, exact and
 * unbounded as Python's ints; number DOUBLE PRECISION; string TEXT; boolean BOOLEAN. Other
 * values (null, arrays, objects) are left untyped; the SQL around them must type them.
 */

/**
 * `sql` with every `?` outside string literals, quoted identifiers, dollar-quoted strings and
 * comments replaced by `$<offset + 1>`, `$<offset + 2>`, …; with `params`, each gets a cast
 * to its value's type (see above). `?` inside a literal, identifier or comment is left as it
 * is. Throws when `params` is given and does not hold one value per placeholder.
 */
export function toPostgresPlaceholders(
  sql: string,
  offset = 0,
  params?: readonly unknown[],
): string {
  let out = '';
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '$' && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? ' ')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag === null) {
        out += c;
        i++;
      } else {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end === -1 ? sql.length : end + tag[0].length;
        out += sql.slice(i, stop);
        i = stop;
      }
    } else if (c === '?') {
      const value = params?.[n];
      if (params !== undefined && n >= params.length) {
        throw new Error(`more placeholders than parameters (${params.length})`);
      }
      n++;
      out += `$${offset + n}${params === undefined ? '' : postgresCast(value)}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (params !== undefined && n !== params.length) {
    throw new Error(`${n} placeholders for ${params.length} parameters`);
  }
  return out;
}

/** The index just after the quote that closes the one at `start` (doubled quotes escape). */
function closingQuote(sql: string, start: number, quote: string): number {
  // E'…' strings escape with backslashes as well.
  const backslashes =
    quote === "'" && /[eE]/.test(sql[start - 1] ?? '') && !/\w/.test(sql[start - 2] ?? ' ');
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashes && c === '\\') i += 2;
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

function postgresCast(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return '::numeric';
    case 'number':
      return '::float8';
    case 'string':
      return '::text';
    case 'boolean':
      return '::boolean';
    default:
      return '';
  }
}

/**
 * Parameter values as `pg` sends them: BigInt as its decimal text (`pg` cannot serialise
 * BigInt), numbers (also NaN and ±Infinity, which it sends as PostgreSQL spells them) and
 * booleans as they are, strings with NUL and unpaired surrogates replaced by U+FFFD — as the
 * span writer stores text (postgres-span-row.ts), since PostgreSQL text can hold neither.
 */
export function toPostgresParams(params: readonly unknown[]): unknown[] {
  return params.map((value) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'string') {
      const wellFormed = toWellFormed(value);
      return wellFormed.includes('\0') ? wellFormed.replaceAll('\0', '\ufffd') : wellFormed;
    }
    return value;
  });
}

/** Unpaired UTF-16 surrogates replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
export function toWellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}
