/** The filter compilers' dialect for a store's dialect name. */
import type { SqlDialectName } from './compiled-filter.js';
import type { SqlDialect } from './sql-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';

export function dialectByName(name: SqlDialectName): SqlDialect {
  if (name === 'sqlite') return sqliteDialect;
  // A deployment problem, not a bad expression: not a FilterSyntaxError.
  throw new Error(`filter expressions are not implemented for the ${name} dialect yet`);
}
