/**
 * The `filter` (filter language) and `q` (full-text search) parameters shared by the span,
 * trace and session lists. A bad expression is the client's mistake: 422 with the parser's
 * message, which names the column and the nearest valid name.
 */
import type { CompiledFilter, SqlDialectName } from '../query/compiled-filter.js';
import type { FilterLimits } from '../query/filter-limits.js';
import { FilterSyntaxError } from '../query/filter-syntax-error.js';
import { compileSessionFilter } from '../query/session-filter-compiler.js';
import { compileSpanFilter } from '../query/span-filter-compiler.js';
import { compileTraceFilter } from '../query/trace-filter-compiler.js';
import { ApiError } from './api-error.js';
import { stringParam, type QueryParams } from './query-params.js';

const COMPILERS = {
  span: compileSpanFilter,
  trace: compileTraceFilter,
  session: compileSessionFilter,
};

/** What compiling a filter needs to know besides the expression. */
export interface FilterContext {
  dialect: SqlDialectName;
  limits: FilterLimits;
}

export function filterParam(
  query: QueryParams,
  target: keyof typeof COMPILERS,
  context: FilterContext,
): CompiledFilter | undefined {
  const expression = stringParam(query, 'filter');
  if (expression === undefined || expression.trim() === '') return undefined;
  return compileFilter(expression, target, context);
}

export function compileFilter(
  expression: string,
  target: keyof typeof COMPILERS,
  context: FilterContext,
): CompiledFilter {
  try {
    return COMPILERS[target](expression, context.dialect, { limits: context.limits });
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      throw new ApiError(422, `Invalid ${target} filter: ${error.message}`);
    }
    throw error;
  }
}

/** `q`: full-text search; blank means no search. */
export function searchParam(query: QueryParams): string | undefined {
  const text = stringParam(query, 'q');
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}
