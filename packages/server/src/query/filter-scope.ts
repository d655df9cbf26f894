/**
 * The vocabulary of one filter language over one row: what `name`, `x['k']`, `x['k'].field`
 * and the collections of `any(…)` mean. The span, trace and session filters are scopes; the
 * expression compiler (filter-expression-compiler.ts) is shared and knows no names.
 */
import type { FilterNode, NameNode, SubscriptNode } from './filter-ast.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import type { FilterValue } from './filter-value.js';
import { suggestName } from './name-suggestion.js';
import type { SqlFragment } from './sql-fragment.js';

export type MemberNode = Extract<FilterNode, { type: 'member' }>;

/** Rows `any(<collection>, …)` ranges over, correlated with the scope's row. */
export interface FilterCollection {
  /** FROM items with their aliases. */
  from: SqlFragment;
  /** Correlation with the outer row. */
  where: SqlFragment;
  /** The vocabulary of one element. */
  element: FilterScope;
}

export interface FilterScope {
  /** "span filter", "trace filter"…, for messages. */
  readonly label: string;
  /** The scope's collection names (for messages and suggestions); empty when none. */
  readonly collections: readonly string[];
  resolveName(node: NameNode, context: FilterCompileContext): FilterValue;
  resolveSubscript(node: SubscriptNode, context: FilterCompileContext): FilterValue;
  resolveMember(node: MemberNode, context: FilterCompileContext): FilterValue;
  resolveCollection(node: NameNode, context: FilterCompileContext): FilterCollection;
}

/** The error for a collection the scope does not have. */
export function unknownCollection(node: NameNode, scope: FilterScope): FilterSyntaxError {
  const name = node.segments.join('.');
  if (scope.collections.length === 0) {
    return new FilterSyntaxError(`a ${scope.label} has no collections to range over`, node.column);
  }
  return new FilterSyntaxError(
    `'${name}' is not a collection of a ${scope.label} (available: ${scope.collections.join(', ')})`,
    node.column,
    suggestName(name, scope.collections),
  );
}
