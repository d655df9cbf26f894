/**
 * The span filter's vocabulary over one row of `spans` (Phoenix's names, reference §5.1):
 * built-in names map to columns, anything else dotted is an attribute path, and annotations are
 * reached through `annotations[…]` / `evals[…]` / `trace_annotations[…]`.
 *
 * Derived columns (model_name, user_id, session_id, token counts) are not used for attribute
 * paths: each differs from its attribute in some case (model_name falls back to
 * embedding.model_name, user_id turns numbers into text, total_tokens is filled in from
 * prompt + completion), and a filter must mean exactly what it says.
 */
import {
  annotationExistence,
  annotationField,
  type AnnotationTarget,
} from './annotation-reference.js';
import { cumulativeTokenCount, type TokenCountKind } from './cumulative-token-count.js';
import type { NameNode } from './filter-ast.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import { unknownCollection, type FilterScope } from './filter-scope.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import type { FilterValue } from './filter-value.js';
import { attributeKeyPaths } from './json-path.js';
import { suggestLiteral, suggestName } from './name-suggestion.js';
import { own } from './own-entry.js';
import { identifier, sql, type SqlFragment } from './sql-fragment.js';
import { spanAttributeValue, subscriptPaths } from './span-attribute-value.js';

type ColumnKind = 'text' | 'upper-text' | 'nullable-text' | 'number' | 'time' | 'json-text';

/** Built-in names that are columns of `spans`. */
const SPAN_COLUMNS: Readonly<Record<string, readonly [column: string, kind: ColumnKind]>> = {
  span_id: ['span_id', 'text'],
  trace_id: ['trace_id', 'text'],
  parent_id: ['parent_id', 'nullable-text'],
  name: ['name', 'text'],
  span_kind: ['span_kind', 'upper-text'],
  status_code: ['status_code', 'upper-text'],
  status_message: ['status_message', 'text'],
  latency_ms: ['latency_ms', 'number'],
  start_time: ['start_time', 'time'],
  end_time: ['end_time', 'time'],
  events: ['events', 'json-text'],
  attributes: ['attributes', 'json-text'],
};

const CUMULATIVE: Readonly<Record<string, TokenCountKind>> = {
  cumulative_llm_token_count_prompt: 'prompt',
  cumulative_llm_token_count_completion: 'completion',
  cumulative_llm_token_count_total: 'total',
};

/** Phoenix's older dotted spellings of built-in names. */
const LEGACY_ALIASES: Readonly<Record<string, string>> = {
  'context.span_id': 'span_id',
  'context.trace_id': 'trace_id',
  'cumulative_token_count.prompt': 'cumulative_llm_token_count_prompt',
  'cumulative_token_count.completion': 'cumulative_llm_token_count_completion',
  'cumulative_token_count.total': 'cumulative_llm_token_count_total',
};
const RESERVED_PREFIXES = ['context', 'cumulative_token_count'];

/** Undotted shorthands for the attribute paths people mean by them. */
const SHORTHANDS: Readonly<Record<string, readonly string[]>> = {
  input: ['input', 'value'],
  output: ['output', 'value'],
  metadata: ['metadata'],
};

export const SPAN_FILTER_NAMES: readonly string[] = [
  ...Object.keys(SPAN_COLUMNS),
  ...Object.keys(CUMULATIVE),
  'parent_span',
  ...Object.keys(SHORTHANDS),
];

const SUBSCRIPT_BASES = ['attributes', 'metadata', 'annotations', 'evals', 'trace_annotations'];

export function spanFilterScope(alias: string): FilterScope {
  const row = identifier(alias);
  const annotationTargets: Readonly<Record<string, AnnotationTarget>> = {
    annotations: { table: 'span_annotations', targetColumn: 'span_rowid', target: sql`${row}.id` },
    evals: { table: 'span_annotations', targetColumn: 'span_rowid', target: sql`${row}.id` },
    trace_annotations: {
      table: 'trace_annotations',
      targetColumn: 'trace_rowid',
      target: sql`${row}.trace_rowid`,
    },
  };

  const scope: FilterScope = {
    label: 'span filter',
    collections: [],

    resolveName(node, context) {
      const written = node.segments.join('.');
      const builtin =
        own(LEGACY_ALIASES, written) ?? (node.segments.length === 1 ? written : undefined);
      if (builtin !== undefined) {
        const value = builtinValue(builtin, node, row, alias, context);
        if (value !== undefined) return value;
      }
      if (node.segments.length === 1) checkUndottedName(written, node.column);
      else if (RESERVED_PREFIXES.includes(node.segments[0]!)) {
        throw new FilterSyntaxError(
          `unknown name '${written}'`,
          node.column,
          suggestName(written, Object.keys(LEGACY_ALIASES)),
        );
      }
      const segments = own(SHORTHANDS, written) ?? node.segments;
      return spanAttributeValue(
        alias,
        attributeKeyPaths(segments),
        node.column,
        written,
        [],
        context,
      );
    },

    resolveSubscript(node, context) {
      const base = node.base.segments.join('.');
      const target = own(annotationTargets, base);
      if (target !== undefined) return annotationExistence(node, target, context);
      if (base === 'attributes' || base === 'metadata') {
        const label = `${base}[…]`;
        return spanAttributeValue(alias, subscriptPaths(node), node.column, label, [], context);
      }
      throw unknownSubscript(base, node.column, SUBSCRIPT_BASES);
    },

    resolveMember(node, context) {
      const base = node.object.base.segments.join('.');
      const target = own(annotationTargets, base);
      if (target !== undefined) return annotationField(node, target, context);
      throw new FilterSyntaxError(
        `only annotations have fields ('.${node.member}'); attributes are paths, as in ` +
          "attributes['llm.model_name']",
        node.memberColumn,
      );
    },

    resolveCollection(node) {
      throw unknownCollection(node, scope);
    },
  };
  return scope;
}

function builtinValue(
  name: string,
  node: NameNode,
  row: SqlFragment,
  alias: string,
  context: FilterCompileContext,
): FilterValue | undefined {
  const common = { column: node.column, sources: [], label: node.segments.join('.') };
  const columnSpec = own(SPAN_COLUMNS, name);
  if (columnSpec !== undefined) {
    const [column, kind] = columnSpec;
    const sqlColumn = sql`${row}.${identifier(column)}`;
    switch (kind) {
      case 'text':
      case 'upper-text':
        return {
          ...common,
          kind: 'text',
          sql: sqlColumn,
          nullable: false,
          upperCase: kind === 'upper-text',
        };
      case 'nullable-text':
        return { ...common, kind: 'text', sql: sqlColumn, nullable: true };
      case 'json-text':
        return { ...common, kind: 'text', sql: sqlColumn, nullable: false, searchOnly: true };
      case 'number':
        return { ...common, kind: 'number', sql: sqlColumn, nullable: false };
      case 'time':
        return { ...common, kind: 'time', sql: sqlColumn, nullable: false };
    }
  }
  const cumulative = own(CUMULATIVE, name);
  if (cumulative !== undefined) {
    return {
      ...common,
      kind: 'number',
      sql: cumulativeTokenCount(alias, cumulative, context),
      nullable: false,
    };
  }
  if (name === 'parent_span') {
    // A root is a span without a parent, or whose parent was never received (Phoenix counts
    // orphans as roots too); `parent_id is None` is the strict test.
    const parent = identifier(context.alias('p'));
    return {
      kind: 'parent-span',
      column: node.column,
      sources: [],
      isRoot: sql`(${row}.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM spans AS ${parent} WHERE ${parent}.trace_rowid = ${row}.trace_rowid AND ${parent}.span_id = ${row}.parent_id))`,
    };
  }
  return undefined;
}

/**
 * An undotted name that is not built in is an attribute (Phoenix's rule), unless it looks like
 * a misspelt built-in name or literal, which is far more likely than a top-level attribute.
 */
export function checkUndottedName(word: string, column: number): void {
  const literal = suggestLiteral(word);
  if (literal !== undefined) throw new FilterSyntaxError(`unknown name '${word}'`, column, literal);
  const builtin = suggestName(word, SPAN_FILTER_NAMES);
  if (builtin !== undefined) throw new FilterSyntaxError(`unknown name '${word}'`, column, builtin);
}

export function unknownSubscript(
  base: string,
  column: number,
  bases: readonly string[],
): FilterSyntaxError {
  return new FilterSyntaxError(
    `'${base}[…]' is not supported (available: ${bases.map((b) => `${b}[…]`).join(', ')})`,
    column,
    suggestName(base, bases),
  );
}
