/**
 * Trace filter expressions (`latency_ms > 5000 and any(spans, span_kind == 'LLM')`) to a SQL
 * condition over the `traces` table. See docs/filter-language.md and trace-filter-scope.ts.
 */
import { compileFilter, type CompileFilterOptions } from './compile-filter.js';
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import { traceFilterScope } from './trace-filter-scope.js';

export function compileTraceFilter(
  expression: string,
  dialect: SqlDialectName,
  options: CompileFilterOptions = {},
): CompiledFilter {
  return compileFilter(expression, dialect, options, 'traces', traceFilterScope);
}
