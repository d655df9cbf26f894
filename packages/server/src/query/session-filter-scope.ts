/**
 * The session filter's vocabulary over one row of `sessions` (Phoenix's session filter,
 * reference §5.2): the session's times and rollups over its traces, the first input and last
 * output, its annotations, and `any(traces, …)` / `any(spans, …)`.
 *
 * Attributes (`user.id`, `metadata['x']`, `attributes['…']`) and `any_input` / `any_output`
 * are existential over the root spans of the session's traces: `user.id == 'u1'` holds when
 * some trace of the session has a root span with that user.
 */
import {
  annotationExistence,
  annotationField,
  type AnnotationTarget,
} from './annotation-reference.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import { unknownCollection, type FilterScope } from './filter-scope.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import type { RowSource } from './filter-value.js';
import { attributeKeyPaths } from './json-path.js';
import { own } from './own-entry.js';
import { identifier, sql, type SqlFragment } from './sql-fragment.js';
import { spanAttributeValue, subscriptPaths } from './span-attribute-value.js';
import { spanFilterScope, unknownSubscript } from './span-filter-scope.js';
import {
  checkStrictName,
  columnValue,
  traceFilterScope,
  type Column,
} from './trace-filter-scope.js';

const column =
  (name: string) =>
  (row: SqlFragment): SqlFragment =>
    sql`${row}.${identifier(name)}`;

/** An aggregate over the session's traces. */
const overTraces =
  (aggregate: (t: SqlFragment, context: FilterCompileContext) => SqlFragment, where?: string) =>
  (row: SqlFragment, context: FilterCompileContext): SqlFragment => {
    const t = identifier(context.alias('t'));
    // `where` is a fixed condition from this file, never user text.
    const extra = where === undefined ? sql`` : sql` AND ${t}.${{ sql: where, params: [] }}`;
    return sql`(SELECT ${aggregate(t, context)} FROM traces AS ${t} WHERE ${t}.session_rowid = ${row}.id${extra})`;
  };

const traceTotal = (name: string) =>
  overTraces((t, context) => context.dialect.total(sql`${t}.${identifier(name)}`));

const spanCount =
  (kind: string) =>
  (row: SqlFragment, context: FilterCompileContext): SqlFragment => {
    const t = identifier(context.alias('t'));
    const s = identifier(context.alias('s'));
    return sql`(SELECT COUNT(*) FROM traces AS ${t} JOIN spans AS ${s} ON ${s}.trace_rowid = ${t}.id WHERE ${t}.session_rowid = ${row}.id AND ${s}.span_kind = '${identifier(kind)}')`;
  };

const SESSION_NAMES: Readonly<Record<string, Column>> = {
  session_id: [column('session_id'), 'text'],
  start_time: [column('start_time'), 'time'],
  end_time: [column('end_time'), 'time'],
  duration_ms: [(row) => sql`((${row}.end_time - ${row}.start_time) / 1000000.0)`, 'number'],
  num_traces: [column('trace_count'), 'number'],
  num_traces_with_error: [overTraces(() => sql`COUNT(*)`, 'error_count > 0'), 'number'],
  num_spans: [traceTotal('span_count'), 'number'],
  token_count_prompt: [traceTotal('prompt_tokens'), 'number'],
  token_count_completion: [traceTotal('completion_tokens'), 'number'],
  token_count_total: [traceTotal('total_tokens'), 'number'],
  total_cost: [overTraces((t) => sql`SUM(${t}.cost)`), 'nullable-number'],
  llm_span_count: [spanCount('LLM'), 'number'],
  tool_span_count: [spanCount('TOOL'), 'number'],
};

type RootChoice = 'first' | 'last' | 'any';

/** Names that read a root span's attribute: which root, and which path. */
const ROOT_NAMES: Readonly<Record<string, readonly [RootChoice, readonly string[]]>> = {
  first_input: ['first', ['input', 'value']],
  last_output: ['last', ['output', 'value']],
  any_input: ['any', ['input', 'value']],
  any_output: ['any', ['output', 'value']],
  metadata: ['any', ['metadata']],
};

export const SESSION_FILTER_NAMES: readonly string[] = [
  ...Object.keys(SESSION_NAMES),
  ...Object.keys(ROOT_NAMES),
];

const SUBSCRIPT_BASES = ['attributes', 'metadata', 'session_annotations'];

export function sessionFilterScope(alias: string): FilterScope {
  const row = identifier(alias);
  const annotations: AnnotationTarget = {
    table: 'session_annotations',
    targetColumn: 'session_rowid',
    target: sql`${row}.id`,
  };

  /** Root span(s) of the session's traces: the first or last trace's, or any trace's. */
  const roots = (
    choice: RootChoice,
    context: FilterCompileContext,
  ): { alias: string; source: RowSource } => {
    const key = `roots\u0000${choice}\u0000${alias}`;
    const rootAlias = context.sourceAlias(key, 'r');
    const r = identifier(rootAlias);
    if (choice === 'any') {
      const t = identifier(context.sourceAlias(`${key}\u0000trace`, 't'));
      return {
        alias: rootAlias,
        source: {
          key,
          from: sql`traces AS ${t} JOIN spans AS ${r} ON ${r}.trace_rowid = ${t}.id AND ${r}.span_id = ${t}.root_span_id`,
          where: sql`${t}.session_rowid = ${row}.id`,
        },
      };
    }
    const t = identifier(context.alias('t'));
    const r2 = identifier(context.alias('r'));
    const order =
      choice === 'first' ? sql`${t}.start_time, ${t}.id` : sql`${t}.start_time DESC, ${t}.id DESC`;
    return {
      alias: rootAlias,
      source: {
        key,
        from: sql`spans AS ${r}`,
        where: sql`${r}.id = (SELECT ${r2}.id FROM traces AS ${t} JOIN spans AS ${r2} ON ${r2}.trace_rowid = ${t}.id AND ${r2}.span_id = ${t}.root_span_id WHERE ${t}.session_rowid = ${row}.id ORDER BY ${order} LIMIT 1)`,
      },
    };
  };

  const scope: FilterScope = {
    label: 'session filter',
    collections: ['traces', 'spans'],

    resolveName(node, context) {
      const written = node.segments.join('.');
      const common = { column: node.column, sources: [], label: written };
      const spec = node.segments.length === 1 ? own(SESSION_NAMES, written) : undefined;
      if (spec !== undefined) return columnValue(spec, row, context, common);
      const rootName = own(ROOT_NAMES, written);
      if (rootName === undefined) {
        if (written === 'input' || written === 'output') {
          throw new FilterSyntaxError(
            `a session has no single ${written}; use first_input / last_output, or any_${written}`,
            node.column,
            written === 'input' ? 'first_input' : 'last_output',
          );
        }
        checkStrictName(node, 'session filter', SESSION_FILTER_NAMES);
      }
      const [choice, segments] = rootName ?? ['any', node.segments];
      const { alias: rootAlias, source } = roots(choice, context);
      return spanAttributeValue(
        rootAlias,
        attributeKeyPaths(segments),
        node.column,
        written,
        [source],
        context,
      );
    },

    resolveSubscript(node, context) {
      const base = node.base.segments.join('.');
      if (base === 'session_annotations') return annotationExistence(node, annotations, context);
      if (base === 'attributes' || base === 'metadata') {
        const { alias: rootAlias, source } = roots('any', context);
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
      if (base === 'session_annotations') return annotationField(node, annotations, context);
      const wrong = wrongAnnotations(base, node.column);
      if (wrong !== undefined) throw wrong;
      throw new FilterSyntaxError(
        `only session_annotations[…] have fields in a session filter ('.${node.member}')`,
        node.memberColumn,
      );
    },

    resolveCollection(node, context) {
      const name = node.segments.length === 1 ? node.segments[0] : undefined;
      if (name === 'traces') {
        const traceAlias = context.alias('t');
        const t = identifier(traceAlias);
        return {
          from: sql`traces AS ${t}`,
          where: sql`${t}.session_rowid = ${row}.id`,
          element: traceFilterScope(traceAlias),
        };
      }
      if (name === 'spans') {
        const t = identifier(context.alias('t'));
        const spanAlias = context.alias('s');
        const s = identifier(spanAlias);
        return {
          from: sql`traces AS ${t} JOIN spans AS ${s} ON ${s}.trace_rowid = ${t}.id`,
          where: sql`${t}.session_rowid = ${row}.id`,
          element: spanFilterScope(spanAlias),
        };
      }
      throw unknownCollection(node, scope);
    },
  };
  return scope;
}

function wrongAnnotations(base: string, column: number): FilterSyntaxError | undefined {
  if (base === 'trace_annotations') {
    return new FilterSyntaxError(
      "trace annotations are reached through the traces: any(traces, trace_annotations['…'] …)",
      column,
      'session_annotations',
    );
  }
  if (base !== 'annotations' && base !== 'evals') return undefined;
  return new FilterSyntaxError(
    `span annotations are reached through the spans: any(spans, ${base}['…'] …)`,
    column,
    'session_annotations',
  );
}
