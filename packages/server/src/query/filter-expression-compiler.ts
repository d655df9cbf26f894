/**
 * Filter tree -> SQL condition, shared by the span, trace and session filters; names mean what
 * the scope (filter-scope.ts) says.
 *
 * Semantics, Phoenix's where it has them:
 * - A comparison with a missing value is false, whatever the operator (`x != 'a'` is false when
 *   x is missing), and `not` is its exact complement: every condition this module returns is
 *   TRUE or FALSE, never SQL NULL. Comparisons that could be NULL are wrapped in `IS TRUE`;
 *   comparisons of NOT NULL columns with literals are left bare so indexes still apply.
 * - Values read from other rows (annotations, a trace's root span) make the whole comparison an
 *   EXISTS over those rows: `annotations['q'].score > 0.5` holds when some annotation named q
 *   scores above 0.5.
 * - `in` with a list on the right is exact membership; with text on the right it is a case- and
 *   accent-insensitive substring test (full-text search for a span's input/output value).
 * - Arithmetic is Python's: `/` is true division, `%` takes the divisor's sign; dividing by zero
 *   gives a missing value rather than an error.
 */
import { ComparisonOperators, describeValue, type Operand } from './comparison-operators.js';
import type { ComparisonOperator, FilterNode } from './filter-ast.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import type { FilterScope, MemberNode } from './filter-scope.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { describeKind, type FilterValue, type RowSource } from './filter-value.js';
import { suggestName } from './name-suggestion.js';
import {
  balanced,
  FALSE_SQL,
  join,
  param,
  raw,
  sql,
  TRUE_SQL,
  type SqlFragment,
} from './sql-fragment.js';
import { variableScope } from './variable-scope.js';

type Value<K extends FilterValue['kind']> = Extract<FilterValue, { kind: K }>;

const CAST_FUNCTIONS = ['str', 'float', 'int'] as const;
const COLLECTION_FUNCTIONS = ['any', 'all', 'count'] as const;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

export class FilterExpressionCompiler {
  private readonly operators: ComparisonOperators;

  constructor(private readonly context: FilterCompileContext) {
    this.operators = new ComparisonOperators(context);
  }

  private get dialect() {
    return this.context.dialect;
  }

  /** The node as a condition: SQL that is TRUE or FALSE for every row, never NULL. */
  condition(node: FilterNode, scope: FilterScope): SqlFragment {
    switch (node.type) {
      case 'or':
      case 'and':
        return balanced(
          node.operands.map((operand) => this.condition(operand, scope)),
          node.type === 'or' ? 'OR' : 'AND',
        );
      case 'not':
        return sql`(NOT ${this.condition(node.operand, scope)})`;
      case 'compare':
        return this.comparison(node, scope);
      default:
        return this.asCondition(this.value(node, scope), node);
    }
  }

  private asCondition(value: FilterValue, node: FilterNode): SqlFragment {
    switch (value.kind) {
      case 'condition':
        return value.sql;
      case 'existence':
        return value.exists;
      case 'number':
        if (value.booleanLiteral !== undefined) return value.booleanLiteral ? TRUE_SQL : FALSE_SQL;
        break;
      case 'parent-span':
        throw new FilterSyntaxError(
          "parent_span can only be tested with 'is None' or 'is not None'",
          value.column,
          'parent_span is None',
        );
      default:
        break;
    }
    throw new FilterSyntaxError(
      `${describeNode(node)} is a value, not a condition; compare it, as in '… == "x"' or '… is not None'`,
      node.column,
    );
  }

  // --- values --------------------------------------------------------------------------------

  value(node: FilterNode, scope: FilterScope): FilterValue {
    switch (node.type) {
      case 'string':
        return {
          kind: 'text',
          sql: param(node.value),
          nullable: false,
          literal: node.value,
          column: node.column,
          sources: [],
        };
      case 'number':
        return {
          kind: 'number',
          sql: param(numberParam(node.value, node.text, node.integer)),
          nullable: false,
          literal: true,
          column: node.column,
          sources: [],
        };
      case 'boolean':
        return {
          kind: 'number',
          sql: raw(node.value ? '1' : '0'),
          nullable: false,
          literal: true,
          booleanLiteral: node.value,
          column: node.column,
          sources: [],
        };
      case 'none':
        return { kind: 'null', column: node.column, sources: [] };
      case 'list':
        return {
          kind: 'list',
          elements: node.elements.map((element) => this.value(element, scope)),
          column: node.column,
          sources: [],
        };
      case 'name':
        return scope.resolveName(node, this.context);
      case 'subscript':
        return scope.resolveSubscript(node, this.context);
      case 'member':
        return scope.resolveMember(node as MemberNode, this.context);
      case 'call':
        return this.call(node, scope);
      case 'comprehension':
        throw new FilterSyntaxError(
          "a comprehension ('… for x in …') must be the argument of any(), all() or count()",
          node.column,
        );
      case 'arithmetic':
        return this.arithmetic(node, scope);
      case 'negate': {
        const operand = this.toNumber(this.value(node.operand, scope), '-', node.column);
        return {
          kind: 'number',
          sql: this.dialect.negate(operand.sql),
          nullable: operand.nullable,
          column: node.column,
          sources: operand.sources,
        };
      }
      case 'or':
      case 'and':
      case 'not':
      case 'compare':
        return {
          kind: 'condition',
          sql: this.condition(node, scope),
          column: node.column,
          sources: [],
        };
    }
  }

  private arithmetic(
    node: Extract<FilterNode, { type: 'arithmetic' }>,
    scope: FilterScope,
  ): FilterValue {
    const left = this.toNumber(this.value(node.left, scope), node.operator, node.column);
    const right = this.toNumber(this.value(node.right, scope), node.operator, node.column);
    let expression: SqlFragment;
    if (node.operator === '/') expression = this.dialect.divide(left.sql, right.sql);
    else if (node.operator === '%') expression = this.dialect.modulo(left.sql, right.sql);
    else expression = this.dialect.arithmetic(node.operator, left.sql, right.sql);
    return {
      kind: 'number',
      sql: expression,
      // Dividing by zero yields NULL (a missing value) instead of an error.
      nullable: left.nullable || right.nullable || node.operator === '/' || node.operator === '%',
      column: node.column,
      sources: mergeSources(left.sources, right.sources),
    };
  }

  private toNumber(value: FilterValue, operator: string, column: number): Value<'number'> {
    if (value.kind === 'number') return value;
    if (value.kind === 'json') {
      return {
        kind: 'number',
        sql: this.dialect.jsonNumber(value.document, value.path),
        nullable: true,
        column: value.column,
        sources: value.sources,
      };
    }
    const hint = value.kind === 'text' ? '; convert text with float(…)' : '';
    throw new FilterSyntaxError(
      `'${operator}' needs numbers, but ${describeValue(value)} is ${describeKind(value)}${hint}`,
      value.kind === 'text' || value.kind === 'time' ? value.column : column,
    );
  }

  // --- calls ---------------------------------------------------------------------------------

  private call(node: Extract<FilterNode, { type: 'call' }>, scope: FilterScope): FilterValue {
    const known: string[] = [...CAST_FUNCTIONS];
    if (scope.collections.length > 0) known.push(...COLLECTION_FUNCTIONS);
    if ((CAST_FUNCTIONS as readonly string[]).includes(node.func)) {
      if (node.args.length !== 1 || node.args[0]!.type === 'comprehension') {
        throw new FilterSyntaxError(`${node.func}() takes exactly one argument`, node.column);
      }
      return this.cast(node.func as (typeof CAST_FUNCTIONS)[number], node, scope);
    }
    if ((COLLECTION_FUNCTIONS as readonly string[]).includes(node.func)) {
      if (scope.collections.length === 0) {
        throw new FilterSyntaxError(
          `${node.func}() is not available in a ${scope.label}; it ranges over the spans of a ` +
            'trace or the traces and spans of a session',
          node.column,
        );
      }
      return this.collection(node, scope);
    }
    throw new FilterSyntaxError(
      `function '${node.func}' is not supported (available: ${known.join(', ')})`,
      node.column,
      suggestName(node.func, known),
    );
  }

  private cast(
    func: (typeof CAST_FUNCTIONS)[number],
    node: Extract<FilterNode, { type: 'call' }>,
    scope: FilterScope,
  ): FilterValue {
    const argument = this.value(node.args[0]!, scope);
    const d = this.dialect;
    const base = { column: node.column, sources: argument.sources };
    switch (argument.kind) {
      case 'text':
        if (func === 'str') return { ...argument, column: node.column };
        return {
          ...base,
          kind: 'number',
          sql: func === 'float' ? d.textToFloat(argument.sql) : d.textToInteger(argument.sql),
          nullable: true,
        };
      case 'number': {
        const nullable = argument.nullable;
        if (func === 'str')
          return { ...base, kind: 'text', sql: d.numberToText(argument.sql), nullable };
        return {
          ...base,
          kind: 'number',
          sql: func === 'float' ? d.numberToFloat(argument.sql) : d.numberToInteger(argument.sql),
          nullable,
        };
      }
      case 'json':
        if (func === 'str') {
          return {
            ...base,
            kind: 'text',
            sql: d.jsonToText(argument.document, argument.path),
            nullable: true,
          };
        }
        return {
          ...base,
          kind: 'number',
          sql:
            func === 'float'
              ? d.jsonToFloat(argument.document, argument.path)
              : d.jsonToInteger(argument.document, argument.path),
          nullable: true,
        };
      default:
        throw new FilterSyntaxError(
          `${func}() cannot convert ${describeKind(argument)}`,
          node.args[0]!.column,
        );
    }
  }

  /** `any(spans, cond)`, `any(cond for s in spans)`, `all(…)`, `count(spans[, cond])`. */
  private collection(node: Extract<FilterNode, { type: 'call' }>, scope: FilterScope): FilterValue {
    const [first, second, ...rest] = node.args;
    const usage = `${node.func}(spans, <condition>) or ${node.func}(<condition> for span in spans)`;
    let collectionName: Extract<FilterNode, { type: 'name' }>;
    let element: FilterNode | undefined;
    let elementScope: (collection: FilterScope) => FilterScope;
    if (first?.type === 'comprehension' && second === undefined) {
      collectionName = first.collection;
      element = first.element;
      elementScope = (collection) => variableScope(first.variable, collection, scope);
    } else if (first?.type === 'name' && rest.length === 0) {
      collectionName = first;
      element = second;
      elementScope = (collection) => collection;
    } else {
      throw new FilterSyntaxError(`expected ${usage}`, (first ?? node).column);
    }
    if (element === undefined && node.func !== 'count' && node.func !== 'any') {
      throw new FilterSyntaxError(`expected ${usage}`, node.column);
    }
    const collection = scope.resolveCollection(collectionName, this.context);
    const condition =
      element === undefined ? undefined : this.condition(element, elementScope(collection.element));
    const where =
      condition === undefined ? collection.where : sql`${collection.where} AND ${condition}`;
    const base = { column: node.column, sources: [] };
    switch (node.func) {
      case 'any':
        return {
          ...base,
          kind: 'condition',
          sql: sql`EXISTS (SELECT 1 FROM ${collection.from} WHERE ${where})`,
        };
      case 'all':
        return {
          ...base,
          kind: 'condition',
          sql: sql`(NOT EXISTS (SELECT 1 FROM ${collection.from} WHERE ${collection.where} AND NOT ${condition!}))`,
        };
      default:
        return {
          ...base,
          kind: 'number',
          sql: sql`(SELECT COUNT(*) FROM ${collection.from} WHERE ${where})`,
          nullable: false,
        };
    }
  }

  // --- comparisons ---------------------------------------------------------------------------

  private comparison(
    node: Extract<FilterNode, { type: 'compare' }>,
    scope: FilterScope,
  ): SqlFragment {
    const operands = [
      this.value(node.left, scope),
      ...node.links.map((l) => this.value(l.right, scope)),
    ];
    if (node.links.length === 1) {
      const link = node.links[0]!;
      const nullTest = this.nullComparison(link.operator, operands[0]!, operands[1]!, link.column);
      if (nullTest !== undefined) return nullTest;
    }
    const atoms: Operand[] = [];
    let sources: readonly RowSource[] = [];
    node.links.forEach((link, i) => {
      const left = operands[i]!;
      const right = operands[i + 1]!;
      if (link.operator === 'is' || link.operator === 'is not') {
        throw new FilterSyntaxError(
          `'${link.operator}' cannot be chained with other comparisons`,
          link.column,
        );
      }
      sources = mergeSources(sources, mergeSources(left.sources, right.sources));
      const atom =
        link.operator === 'in' || link.operator === 'not in'
          ? this.operators.containment(link.operator, left, right, link.column)
          : this.operators.ordering(link.operator, left, right, link.column);
      atoms.push(atom);
    });
    // Inside EXISTS a NULL comparison already counts as false; elsewhere it must be made so.
    const parts = atoms.map((atom) =>
      sources.length > 0 || !atom.nullable ? atom.sql : this.dialect.isTrue(atom.sql),
    );
    return existsOver(sources, balanced(parts, 'AND'));
  }

  /** `x is None`, `x is not None`, `x == None`, `x != None`; undefined when not a None test. */
  private nullComparison(
    operator: ComparisonOperator,
    left: FilterValue,
    right: FilterValue,
    column: number,
  ): SqlFragment | undefined {
    const isOperator = operator === 'is' || operator === 'is not';
    if (!isOperator && left.kind !== 'null' && right.kind !== 'null') return undefined;
    if (operator !== 'is' && operator !== 'is not' && operator !== '==' && operator !== '!=') {
      throw new FilterSyntaxError(`None cannot be compared with '${operator}'`, column);
    }
    if (right.kind !== 'null') {
      if (isOperator) {
        throw new FilterSyntaxError(
          `'${operator}' only tests for None; compare values with '${operator === 'is' ? '==' : '!='}'`,
          column,
          operator === 'is' ? '==' : '!=',
        );
      }
      [left, right] = [right, left];
    }
    const negated = operator === 'is not' || operator === '!=';
    const isNull = this.isNull(left);
    return negated ? sql`(NOT ${isNull})` : isNull;
  }

  /** TRUE when the value is missing: for values from other rows, when no such row has one. */
  private isNull(value: FilterValue): SqlFragment {
    switch (value.kind) {
      case 'null':
        return TRUE_SQL;
      case 'existence':
        return sql`(NOT ${value.exists})`;
      case 'parent-span':
        return value.isRoot;
      case 'list':
      case 'condition':
        throw new FilterSyntaxError(`${describeKind(value)} cannot be None`, value.column);
      default: {
        const notNull =
          value.kind === 'json'
            ? sql`(NOT ${this.dialect.jsonIsNull(value.document, value.path)})`
            : value.nullable
              ? sql`(${value.sql} IS NOT NULL)`
              : TRUE_SQL;
        return sql`(NOT ${existsOver(value.sources, notNull)})`;
      }
    }
  }
}

/** `EXISTS (SELECT 1 FROM <sources> WHERE <correlations> AND <condition>)`, or the condition. */
export function existsOver(sources: readonly RowSource[], condition: SqlFragment): SqlFragment {
  if (sources.length === 0) return condition;
  const from = join(
    sources.map((s) => s.from),
    ', ',
  );
  const where = balanced([...sources.map((s) => s.where), condition], 'AND');
  return sql`EXISTS (SELECT 1 FROM ${from} WHERE ${where})`;
}

export function mergeSources(
  a: readonly RowSource[],
  b: readonly RowSource[],
): readonly RowSource[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const merged = [...a];
  for (const source of b) if (!merged.some((s) => s.key === source.key)) merged.push(source);
  return merged;
}

/**
 * A number literal as a parameter. Integers go as BigInt so the database sees an INTEGER (a JS
 * number binds as REAL, which would make `str(3)` '3.0') and stays exact beyond 2^53; beyond 64
 * bits they go as doubles, which the database can bind.
 */
function numberParam(value: number, text: string, integer: boolean): number | bigint {
  if (!integer) return value;
  const exact = BigInt(text);
  return exact > INT64_MAX || exact < INT64_MIN ? value : exact;
}

function describeNode(node: FilterNode): string {
  switch (node.type) {
    case 'name':
      return `'${node.segments.join('.')}'`;
    case 'string':
      return `'${clip(node.value)}'`;
    case 'number':
      return node.text;
    default:
      return 'this';
  }
}

function clip(text: string): string {
  return text.length > 30 ? `${text.slice(0, 30)}…` : text;
}
