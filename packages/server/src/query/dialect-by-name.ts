/** The filter compilers' dialect for a store's dialect name. */
import type { SqlDialectName } from './compiled-filter.js';
import { postgresDialect } from './postgres-dialect.js';
import type { SqlDialect } from './sql-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';

export function dialectByName(name: SqlDialectName): SqlDialect {
  return name === 'sqlite' ? sqliteDialect : postgresDialect;
}
