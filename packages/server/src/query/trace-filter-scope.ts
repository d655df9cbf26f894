/**
 * The trace filter's vocabulary over one row of `traces` (Phoenix's trace filter, reference
 * §5.2): the trace's own times and rollups, its root span's input, output and attributes, its
 * annotations, and `any(spans, …)` over its spans.
 *
 * Names are strict: unlike span filters, an unknown undotted name is an error (with the nearest
 * name), since a trace has a fixed vocabulary. Dotted names and `attributes[…]` /
 * `metadata[…]` read the root span's attributes.
 */
import {
  annotationExistence,
  annotationField,
  type AnnotationTarget,
} from './annotation-reference.js';
import type { NameNode } from './filter-ast.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import { unknownCollection, type FilterScope } from './filter-scope.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import type { FilterValue, RowSource } from './filter-value.js';
import { attributeKeyPaths } from './json-path.js';
import { suggestLiteral, suggestName } from './name-suggestion.js';
import { own } from './own-entry.js';
import { identifier, sql, type SqlFragment } from './sql-fragment.js';
import { spanAttributeValue, subscriptPaths } from './span-attribute-value.js';
import { SPAN_FILTER_NAMES, spanFilterScope, unknownSubscript } from './span-filter-scope.js';

type Column = readonly [
  sql: (row: SqlFragment, context: FilterCompileContext) => SqlFragment,
  kind: 'text' | 'nullable-text' | 'number' | 'nullable-number' | 'time',
];

const column =
  (name: string) =>
  (row: SqlFragment): SqlFragment =>
    sql`${row}.${identifier(name)}`;

const spanCount =
  (kind: string) =>
  (row: SqlFragment, context: FilterCompileContext): SqlFragment => {
    const s = identifier(context.alias('s'));
    // Kinds are fixed words from this file, not user text.
    return sql`(SELECT COUNT(*) FROM spans AS ${s} WHERE ${s}.trace_rowid = ${row}.id AND ${s}.span_kind = '${identifier(kind)}')`;
  };

const TRACE_NAMES: Readonly<Record<string, Column>> = {
  trace_id: [column('trace_id'), 'text'],
  root_span_id: [column('root_span_id'), 'nullable-text'],
  start_time: [column('start_time'), 'time'],
  end_time: [column('end_time'), 'time'],
  latency_ms: [(row) => sql`((${row}.end_time - ${row}.start_time) / 1000000.0)`, 'number'],
  num_spans: [column('span_count'), 'number'],
  error_count: [column('error_count'), 'number'],
  token_count_prompt: [column('prompt_tokens'), 'number'],
  token_count_completion: [column('completion_tokens'), 'number'],
  token_count_total: [column('total_tokens'), 'number'],
  total_cost: [column('cost'), 'nullable-number'],
  llm_span_count: [spanCount('LLM'), 'number'],
  tool_span_count: [spanCount('TOOL'), 'number'],
  session_id: [
    (row, context) => {
      const s = identifier(context.alias('ss'));
      return sql`(SELECT ${s}.session_id FROM sessions AS ${s} WHERE ${s}.id = ${row}.session_rowid)`;
    },
    'nullable-text',
  ],
};

/** Undotted names that read the root span's attributes. */
const ROOT_SHORTHANDS: Readonly<Record<string, readonly string[]>> = {
  input: ['input', 'value'],
  output: ['output', 'value'],
  metadata: ['metadata'],
};

export const TRACE_FILTER_NAMES: readonly string[] = [
  ...Object.keys(TRACE_NAMES),
  ...Object.keys(ROOT_SHORTHANDS),
];

const SUBSCRIPT_BASES = ['attributes', 'metadata', 'trace_annotations'];

export function traceFilterScope(alias: string): FilterScope {
  const row = identifier(alias);
  const annotations: AnnotationTarget = {
    table: 'trace_annotations',
    targetColumn: 'trace_rowid',
    target: sql`${row}.id`,
  };
  /** The trace's root span, as a row the root's attributes are read from. */
  const root = (context: FilterCompileContext): { alias: string; source: RowSource } => {
    const key = `root\u0000${alias}`;
    const rootAlias = context.sourceAlias(key, 'r');
    const r = identifier(rootAlias);
    return {
      alias: rootAlias,
      source: {
        key,
        from: sql`spans AS ${r}`,
        where: sql`${r}.trace_rowid = ${row}.id AND ${r}.span_id = ${row}.root_span_id`,
      },
    };
  };

  const scope: FilterScope = {
    label: 'trace filter',
    collections: ['spans'],

    resolveName(node, context) {
      const written = node.segments.join('.');
      const common = { column: node.column, sources: [], label: written };
      const spec = node.segments.length === 1 ? own(TRACE_NAMES, written) : undefined;
      if (spec !== undefined) return columnValue(spec, row, context, common);
      const shorthand = own(ROOT_SHORTHANDS, written);
      if (shorthand === undefined) checkStrictName(node, 'trace filter', TRACE_FILTER_NAMES);
      const { alias: rootAlias, source } = root(context);
      const paths = attributeKeyPaths(shorthand ?? node.segments);
      return spanAttributeValue(rootAlias, paths, node.column, written, [source], context);
    },

    resolveSubscript(node, context) {
      const base = node.base.segments.join('.');
      if (base === 'trace_annotations') return annotationExistence(node, annotations, context);
      if (base === 'attributes' || base === 'metadata') {
        const { alias: rootAlias, source } = root(context);
        return spanAttributeValue(
          rootAlias,
          subscriptPaths(node),
          node.column,
          `${base}[…]`,
          [source],
          context,
        );
      }
      throw (
        wrongAnnotations(base, node.column) ?? unknownSubscript(base, node.column, SUBSCRIPT_BASES)
      );
    },

    resolveMember(node, context) {
      const base = node.object.base.segments.join('.');
      if (base === 'trace_annotations') return annotationField(node, annotations, context);
      throw (
        wrongAnnotations(base, node.column) ??
        new FilterSyntaxError(
          `only trace_annotations[…] have fields ('.${node.member}')`,
          node.memberColumn,
        )
      );
    },

    resolveCollection(node, context) {
      if (node.segments.length !== 1 || node.segments[0] !== 'spans')
        throw unknownCollection(node, scope);
      const spanAlias = context.alias('s');
      const s = identifier(spanAlias);
      return {
        from: sql`spans AS ${s}`,
        where: sql`${s}.trace_rowid = ${row}.id`,
        element: spanFilterScope(spanAlias),
      };
    },
  };
  return scope;
}

export function columnValue(
  [expression, kind]: Column,
  row: SqlFragment,
  context: FilterCompileContext,
  common: { column: number; sources: readonly RowSource[]; label: string },
): FilterValue {
  const value = expression(row, context);
  switch (kind) {
    case 'text':
    case 'nullable-text':
      return { ...common, kind: 'text', sql: value, nullable: kind === 'nullable-text' };
    case 'number':
    case 'nullable-number':
      return { ...common, kind: 'number', sql: value, nullable: kind === 'nullable-number' };
    case 'time':
      return { ...common, kind: 'time', sql: value, nullable: false };
  }
}

/**
 * Undotted names of a strict filter that are not in its vocabulary are errors; dotted names are
 * attribute paths unless they try to reach into spans (`span.name`), which needs any(…).
 */
export function checkStrictName(node: NameNode, label: string, names: readonly string[]): void {
  const written = node.segments.join('.');
  const first = node.segments[0]!;
  if (node.segments.length > 1) {
    if (first === 'span' || first === 'spans' || first === 'trace' || first === 'traces') {
      throw new FilterSyntaxError(
        `'${written}' is not a name of a ${label}; to test the spans use any(spans, <condition>)`,
        node.column,
      );
    }
    return;
  }
  const literal = suggestLiteral(written);
  if (literal !== undefined)
    throw new FilterSyntaxError(`unknown name '${written}'`, node.column, literal);
  const suggestion = suggestName(written, names);
  const spanHint = SPAN_FILTER_NAMES.includes(written)
    ? `; '${written}' is a span field: use any(spans, ${written} …)`
    : '';
  throw new FilterSyntaxError(
    `unknown name '${written}' in a ${label}${spanHint}`,
    node.column,
    suggestion,
  );
}

export type { Column };

function wrongAnnotations(base: string, column: number): FilterSyntaxError | undefined {
  if (base !== 'annotations' && base !== 'evals' && base !== 'session_annotations')
    return undefined;
  return new FilterSyntaxError(
    `'${base}[…]' is not available in a trace filter; use trace_annotations[…], or ` +
      `any(spans, ${base === 'session_annotations' ? 'annotations' : base}[…] …) for span annotations`,
    column,
    'trace_annotations',
  );
}
