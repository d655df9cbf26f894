/**
 * The scope inside `any(<condition> for span in spans)`: names that start with the variable
 * (`span.name`, `span.attributes['x']`) belong to the element, every other name to the
 * enclosing filter, as in a Python comprehension.
 */
import type { NameNode } from './filter-ast.js';
import type { FilterScope } from './filter-scope.js';
import { FilterSyntaxError } from './filter-syntax-error.js';

export function variableScope(
  variable: string,
  element: FilterScope,
  outer: FilterScope,
): FilterScope {
  /** The name relative to the element, or undefined when it does not start with the variable. */
  const inner = (node: NameNode): NameNode | undefined => {
    if (node.segments[0] !== variable) return undefined;
    if (node.segments.length === 1) {
      throw new FilterSyntaxError(
        `'${variable}' stands for a whole row; use one of its fields, as in ${variable}.name`,
        node.column,
      );
    }
    return {
      type: 'name',
      segments: node.segments.slice(1),
      column: node.column + variable.length + 1,
    };
  };
  return {
    label: element.label,
    collections: [
      ...outer.collections,
      ...element.collections.map((collection) => `${variable}.${collection}`),
    ],
    resolveName(node, context) {
      const name = inner(node);
      return name ? element.resolveName(name, context) : outer.resolveName(node, context);
    },
    resolveSubscript(node, context) {
      const base = inner(node.base);
      return base
        ? element.resolveSubscript({ ...node, base }, context)
        : outer.resolveSubscript(node, context);
    },
    resolveMember(node, context) {
      const base = inner(node.object.base);
      return base
        ? element.resolveMember({ ...node, object: { ...node.object, base } }, context)
        : outer.resolveMember(node, context);
    },
    resolveCollection(node, context) {
      const name = inner(node);
      return name
        ? element.resolveCollection(name, context)
        : outer.resolveCollection(node, context);
    },
  };
}
