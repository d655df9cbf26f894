/**
 * The common path of the three public compilers: check the options, parse within the limits,
 * compile the tree in the language's scope, and make sure nothing but FilterSyntaxError escapes
 * for a bad expression.
 */
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import { dialectByName } from './dialect-by-name.js';
import { FilterCompileContext } from './filter-compile-context.js';
import { FilterExpressionCompiler } from './filter-expression-compiler.js';
import { DEFAULT_FILTER_LIMITS, type FilterLimits } from './filter-limits.js';
import { parseFilter } from './filter-parser.js';
import type { FilterScope } from './filter-scope.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { identifier } from './sql-fragment.js';

export interface CompileFilterOptions {
  /** The filtered table's name or alias in the enclosing query. */
  alias?: string;
  limits?: FilterLimits;
}

/**
 * Bound parameters one filter may use: SQLite refuses more than 32766 per statement, and the
 * enclosing query needs some of its own.
 */
export const MAX_FILTER_PARAMETERS = 30_000;

export function compileFilter(
  expression: string,
  dialectName: SqlDialectName,
  options: CompileFilterOptions,
  defaultAlias: string,
  scopeFor: (alias: string) => FilterScope,
): CompiledFilter {
  const alias = options.alias ?? defaultAlias;
  identifier(alias); // programming errors surface before user input is looked at
  const dialect = dialectByName(dialectName);
  const limits = options.limits ?? DEFAULT_FILTER_LIMITS;
  let compiled: CompiledFilter;
  try {
    const tree = parseFilter(expression, limits);
    const context = new FilterCompileContext(dialect);
    compiled = new FilterExpressionCompiler(context).condition(tree, scopeFor(alias));
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw error;
    // The depth limit keeps recursion shallow; this only guards a limit configured too high.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new FilterSyntaxError('expression is too deeply nested to compile', 1);
    }
    throw error;
  }
  if (compiled.params.length > MAX_FILTER_PARAMETERS) {
    throw new FilterSyntaxError(
      `expression is too complex (${compiled.params.length} values to bind; the limit is ${MAX_FILTER_PARAMETERS})`,
      1,
    );
  }
  return compiled;
}
