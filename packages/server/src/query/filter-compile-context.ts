/**
 * State shared by one compilation: the dialect and the counter behind generated table aliases
 * (every subquery gets fresh ones, so nested subqueries never capture each other's names).
 */
import type { SqlDialectName } from './compiled-filter.js';
import type { SqlDialect } from './sql-dialect.js';

export class FilterCompileContext {
  private aliasCount = 0;
  private readonly sourceAliases = new Map<string, string>();

  constructor(readonly dialect: SqlDialect) {}

  get dialectName(): SqlDialectName {
    return this.dialect.name;
  }

  /** A fresh alias, `hf_<role><n>`; roles are fixed words in code, never user text. */
  alias(role: string): string {
    this.aliasCount++;
    return `hf_${role}${this.aliasCount}`;
  }

  /**
   * One alias per row source (`key` names the table, the correlated outer row and the source's
   * own conditions), so two references to the same annotation or root span in one comparison
   * read the same row. Reusing it in another subquery is harmless: each EXISTS has its own.
   */
  sourceAlias(key: string, role: string): string {
    let alias = this.sourceAliases.get(key);
    if (alias === undefined) {
      alias = this.alias(role);
      this.sourceAliases.set(key, alias);
    }
    return alias;
  }
}
