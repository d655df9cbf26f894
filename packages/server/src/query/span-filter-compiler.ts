/**
 * Span filter expressions (`span_kind == 'LLM' and latency_ms > 1000`) to a SQL condition over
 * the `spans` table. See docs/filter-language.md for the language and span-filter-scope.ts for
 * the names.
 */
import { compileFilter, type CompileFilterOptions } from './compile-filter.js';
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import { spanFilterScope } from './span-filter-scope.js';

export function compileSpanFilter(
  expression: string,
  dialect: SqlDialectName,
  options: CompileFilterOptions = {},
): CompiledFilter {
  return compileFilter(expression, dialect, options, 'spans', spanFilterScope);
}
