/**
 * Session filter expressions (`num_traces > 3 and 'refund' in any_input`) to a SQL condition
 * over the `sessions` table. See docs/filter-language.md and session-filter-scope.ts.
 */
import { compileFilter, type CompileFilterOptions } from './compile-filter.js';
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import { sessionFilterScope } from './session-filter-scope.js';

export function compileSessionFilter(
  expression: string,
  dialect: SqlDialectName,
  options: CompileFilterOptions = {},
): CompiledFilter {
  return compileFilter(expression, dialect, options, 'sessions', sessionFilterScope);
}
