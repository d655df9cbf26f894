/**
 * The binary operators of comparisons: `== != < <= > >=` and `in` / `not in`, between two
 * compiled values. Typing lives here: JSON attributes are read with the accessor the other side
 * calls for, literals compared with span_kind / status_code are upper-cased, datetime strings
 * become nanoseconds, and comparisons that can never be meaningful are errors.
 */
import type { ComparisonOperator } from './filter-ast.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import { parseDatetimeLiteral } from './filter-datetime.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import { describeKind, type FilterValue } from './filter-value.js';
import { fullTextCondition } from './full-text-condition.js';
import { FALSE_SQL, join, param, raw, sql, TRUE_SQL, type SqlFragment } from './sql-fragment.js';

type Value<K extends FilterValue['kind']> = Extract<FilterValue, { kind: K }>;

/** A typed operand ready for SQL: the fragment and whether it can be NULL. */
export interface Operand {
  sql: SqlFragment;
  nullable: boolean;
}

const SQL_OPERATORS: Readonly<Record<string, string>> = {
  '==': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

export class ComparisonOperators {
  constructor(private readonly context: FilterCompileContext) {}

  private get dialect() {
    return this.context.dialect;
  }

  /** `== != < <= > >=` between two values of compatible types. */
  ordering(
    operator: ComparisonOperator,
    left: FilterValue,
    right: FilterValue,
    column: number,
  ): Operand {
    const op = raw(SQL_OPERATORS[operator]!);
    checkComparable(left, operator);
    checkComparable(right, operator);
    if (left.kind === 'json' && right.kind === 'json') {
      // Unknown types on both sides: equal numbers or equal strings, never across types.
      const d = this.dialect;
      const numbers = sql`${d.jsonNumber(left.document, left.path)} ${op} ${d.jsonNumber(right.document, right.path)}`;
      const strings = sql`${d.jsonString(left.document, left.path)} ${op} ${d.jsonString(right.document, right.path)}`;
      return { sql: sql`(${d.isTrue(numbers)} OR ${d.isTrue(strings)})`, nullable: false };
    }
    const [a, b] = this.coercePair(left, right, operator, column);
    return { sql: sql`(${a.sql} ${op} ${b.sql})`, nullable: a.nullable || b.nullable };
  }

  /** Both sides as SQL of one type, reading JSON with the accessor the other side calls for. */
  private coercePair(
    left: FilterValue,
    right: FilterValue,
    operator: string,
    column: number,
  ): [Operand, Operand] {
    if (left.kind === 'json')
      return [this.jsonAs(left, right, operator, column), this.plain(right, left)];
    if (right.kind === 'json')
      return [this.plain(left, right), this.jsonAs(right, left, operator, column)];
    if (left.kind === 'time' || right.kind === 'time') {
      return [this.timeOperand(left, right, column), this.timeOperand(right, left, column)];
    }
    if (left.kind === 'text' && right.kind === 'text')
      return [this.plain(left, right), this.plain(right, left)];
    if (left.kind === 'number' && right.kind === 'number')
      return [this.plain(left, right), this.plain(right, left)];
    throw new FilterSyntaxError(
      `cannot compare ${describeValue(left)} (${describeKind(left)}) with ${describeValue(right)} (${describeKind(right)})`,
      column,
    );
  }

  /** A non-JSON operand; a literal compared with an upper-case column is upper-cased. */
  private plain(value: FilterValue, other: FilterValue): Operand {
    if (value.kind === 'text') {
      if (value.literal !== undefined && other.kind === 'text' && other.upperCase) {
        return { sql: param(value.literal.toUpperCase()), nullable: false };
      }
      return { sql: value.sql, nullable: value.nullable };
    }
    if (value.kind === 'number' || value.kind === 'time')
      return { sql: value.sql, nullable: value.nullable };
    throw new FilterSyntaxError(`${describeKind(value)} cannot be compared`, value.column);
  }

  private jsonAs(
    value: Value<'json'>,
    other: FilterValue,
    operator: string,
    column: number,
  ): Operand {
    if (other.kind === 'text')
      return { sql: this.dialect.jsonString(value.document, value.path), nullable: true };
    if (other.kind === 'number')
      return { sql: this.dialect.jsonNumber(value.document, value.path), nullable: true };
    throw new FilterSyntaxError(
      `cannot compare ${describeValue(value)} with ${describeKind(other)} using '${operator}'`,
      column,
    );
  }

  private timeOperand(value: FilterValue, other: FilterValue, column: number): Operand {
    if (value.kind === 'time') return { sql: value.sql, nullable: value.nullable };
    if (value.kind === 'text' && value.literal !== undefined && other.kind === 'time') {
      return { sql: param(parseDatetimeLiteral(value.literal, value.column)), nullable: false };
    }
    throw new FilterSyntaxError(
      `times compare with times or ISO datetime strings such as '2024-05-01T12:00:00Z', not ${describeKind(value)}`,
      value.kind === 'text' || value.kind === 'number' ? value.column : column,
    );
  }

  // --- in / not in ---------------------------------------------------------------------------

  containment(
    operator: 'in' | 'not in',
    needle: FilterValue,
    haystack: FilterValue,
    column: number,
  ): Operand {
    const negated = operator === 'not in';
    if (haystack.kind === 'list') return this.membership(negated, needle, haystack);
    const d = this.dialect;
    if (haystack.kind !== 'text' && haystack.kind !== 'json') {
      throw new FilterSyntaxError(
        `'${operator}' needs a list or text on the right, not ${describeKind(haystack)}`,
        column,
      );
    }
    let needleSql: SqlFragment;
    if (needle.kind === 'text') needleSql = needle.sql;
    else if (needle.kind === 'json') needleSql = d.jsonString(needle.document, needle.path);
    else {
      throw new FilterSyntaxError(
        `'${operator}' with text on the right needs text on the left, not ${describeKind(needle)}` +
          (needle.kind === 'number' ? "; use str(…) or a list ('x in [1, 2]')" : ''),
        needle.column,
      );
    }
    if (haystack.kind === 'json') {
      if (
        haystack.fullText !== undefined &&
        needle.kind === 'text' &&
        needle.literal !== undefined &&
        // An FTS5 query string ends at NUL; such a needle is searched by scanning the value.
        !needle.literal.includes('\u0000')
      ) {
        const present = sql`(NOT ${d.jsonIsNull(haystack.document, haystack.path)})`;
        // Every text contains '', but like any comparison it needs a value to compare with.
        if (needle.literal === '') return { sql: negated ? FALSE_SQL : present, nullable: false };
        const search = fullTextCondition(
          this.context.dialectName,
          haystack.fullText.alias,
          haystack.fullText.field,
          needle.literal,
        );
        if (!negated) return { sql: d.isTrue(search), nullable: false };
        // "not in" is false when there is no input at all, like every comparison with a
        // missing value.
        return { sql: sql`(${present} AND NOT ${d.isTrue(search)})`, nullable: false };
      }
      const contains = d.jsonContains(haystack.document, haystack.path, needleSql);
      return { sql: negated ? isFalse(contains) : d.isTrue(contains), nullable: false };
    }
    const contains = d.textContains(haystack.sql, needleSql);
    return { sql: negated ? isFalse(contains) : d.isTrue(contains), nullable: false };
  }

  /** `x in [a, b]`: exact membership; the list holds literals. */
  private membership(negated: boolean, needle: FilterValue, list: Value<'list'>): Operand {
    if (
      needle.kind === 'list' ||
      needle.kind === 'null' ||
      needle.kind === 'condition' ||
      needle.kind === 'existence' ||
      needle.kind === 'parent-span'
    ) {
      throw new FilterSyntaxError(
        `${describeKind(needle)} cannot be looked up in a list`,
        needle.column,
      );
    }
    // `events in [...]` would compare JSON text exactly (and JSONB with text on PostgreSQL).
    if (needle.kind === 'text') checkComparable(needle, 'in');
    for (const element of list.elements) checkListElement(element);
    const inList = (operand: Operand, elements: SqlFragment[]): Operand => {
      if (elements.length === 0) {
        // Nothing is in an empty list; everything present is outside it.
        if (!negated) return { sql: FALSE_SQL, nullable: false };
        return {
          sql: operand.nullable ? sql`(${operand.sql} IS NOT NULL)` : TRUE_SQL,
          nullable: false,
        };
      }
      const keyword = raw(negated ? 'NOT IN' : 'IN');
      return {
        sql: sql`(${operand.sql} ${keyword} (${join(elements, ', ')}))`,
        nullable: operand.nullable,
      };
    };
    const texts = list.elements.filter((e): e is Value<'text'> => e.kind === 'text');
    const numbers = list.elements.filter((e): e is Value<'number'> => e.kind === 'number');
    if (needle.kind === 'json') {
      const d = this.dialect;
      const asText = { sql: d.jsonString(needle.document, needle.path), nullable: true };
      const asNumber = { sql: d.jsonNumber(needle.document, needle.path), nullable: true };
      if (numbers.length === 0)
        return inList(
          asText,
          texts.map((t) => t.sql),
        );
      if (texts.length === 0)
        return inList(
          asNumber,
          numbers.map((n) => n.sql),
        );
      // Mixed list: a string matches the strings, a number the numbers.
      const textPart = inList(
        asText,
        texts.map((t) => t.sql),
      );
      const numberPart = inList(
        asNumber,
        numbers.map((n) => n.sql),
      );
      // Negated too: a string outside the strings, or a number outside the numbers.
      return {
        sql: sql`(${d.isTrue(textPart.sql)} OR ${d.isTrue(numberPart.sql)})`,
        nullable: false,
      };
    }
    if (needle.kind === 'time') {
      const times = list.elements.map((e) => this.timeOperand(e, needle, e.column).sql);
      return inList({ sql: needle.sql, nullable: needle.nullable }, times);
    }
    const wanted = needle.kind === 'text' ? 'text' : 'number';
    const wrong = list.elements.find((e) => e.kind !== wanted);
    if (wrong !== undefined) {
      throw new FilterSyntaxError(
        `the list holds ${describeKind(wrong)} but ${describeValue(needle)} is ${describeKind(needle)}`,
        wrong.column,
      );
    }
    const operand = { sql: needle.sql, nullable: needle.nullable };
    const elements = list.elements.map((e) => this.plain(e, needle).sql);
    return inList(operand, elements);
  }
}

function isFalse(condition: SqlFragment): SqlFragment {
  return sql`((${condition}) IS FALSE)`;
}

function checkComparable(value: FilterValue, operator: string): void {
  switch (value.kind) {
    case 'list':
      throw new FilterSyntaxError("a list can only follow 'in' or 'not in'", value.column);
    case 'condition':
      throw new FilterSyntaxError(
        `a condition cannot be compared with '${operator}'; combine conditions with 'and' / 'or'`,
        value.column,
      );
    case 'existence':
      throw new FilterSyntaxError(
        `${value.description} has no value to compare; use its .label, .score or .explanation`,
        value.column,
      );
    case 'parent-span':
      throw new FilterSyntaxError(
        "parent_span can only be tested with 'is None' or 'is not None'",
        value.column,
      );
    case 'text':
      if (value.searchOnly === true) {
        const name = value.label ?? 'this value';
        throw new FilterSyntaxError(
          `${name} can only be searched with 'in', as in "'error' in ${name}"`,
          value.column,
        );
      }
      return;
    default:
      return;
  }
}

function checkListElement(element: FilterValue): void {
  const literal =
    (element.kind === 'text' && element.literal !== undefined) ||
    (element.kind === 'number' && element.literal === true);
  if (element.kind === 'null') {
    throw new FilterSyntaxError("None cannot be in a list; test with 'is None'", element.column);
  }
  if (!literal) {
    throw new FilterSyntaxError(
      'list elements must be literals (strings or numbers)',
      element.column,
    );
  }
}

export function describeValue(value: FilterValue): string {
  if (value.kind === 'text' && value.literal !== undefined) return `'${clip(value.literal)}'`;
  if ('label' in value && value.label !== undefined) return value.label;
  return 'the value';
}

function clip(text: string): string {
  return text.length > 30 ? `${text.slice(0, 30)}…` : text;
}
