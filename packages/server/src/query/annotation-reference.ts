/**
 * `annotations['name']`, `.label`, `.score`, `.explanation` (and Phoenix's legacy `evals[…]`,
 * `trace_annotations[…]`, `session_annotations[…]`): annotation rows of the filtered row.
 *
 * A target may carry several annotations of one name (different identifiers, e.g. one per
 * annotator), so references are existential: a comparison holds when some annotation of that
 * name satisfies it, and `annotations['x'] is None` when there is none at all.
 */
import type { SubscriptNode } from './filter-ast.js';
import type { FilterCompileContext } from './filter-compile-context.js';
import type { MemberNode } from './filter-scope.js';
import { FilterSyntaxError } from './filter-syntax-error.js';
import type { FilterValue, RowSource } from './filter-value.js';
import { suggestName } from './name-suggestion.js';
import { identifier, param, sql, type SqlFragment } from './sql-fragment.js';

export type AnnotationTable = 'span_annotations' | 'trace_annotations' | 'session_annotations';

/** Where one subscript base (`annotations`) finds its rows. */
export interface AnnotationTarget {
  table: AnnotationTable;
  /** The annotation table's column naming its target (`span_rowid`). */
  targetColumn: 'span_rowid' | 'trace_rowid' | 'session_rowid';
  /** The outer row's key that column refers to (`spans.id`). */
  target: SqlFragment;
}

export const ANNOTATION_FIELDS = ['label', 'score', 'explanation'] as const;

interface Reference {
  source: RowSource;
  alias: string;
  written: string;
}

function reference(
  node: SubscriptNode,
  target: AnnotationTarget,
  context: FilterCompileContext,
): Reference {
  const base = node.base.segments.join('.');
  const [key, extra] = node.keys;
  if (key === undefined || key.isIndex || extra !== undefined) {
    throw new FilterSyntaxError(
      `${base}[…] takes one quoted annotation name, as in ${base}['correctness']`,
      (extra ?? key ?? node).column,
    );
  }
  // The outer row is part of the key: the same name on another row is another source.
  const sourceKey = `${target.table}\u0000${target.target.sql}\u0000${key.value}`;
  const alias = context.sourceAlias(sourceKey, 'a');
  const a = identifier(alias);
  return {
    alias,
    written: `${base}['${key.value}']`,
    source: {
      key: sourceKey,
      from: sql`${identifier(target.table)} AS ${a}`,
      where: sql`${a}.${identifier(target.targetColumn)} = ${target.target} AND ${a}.name = ${param(key.value)}`,
    },
  };
}

/** A bare `annotations['x']`: true when such an annotation exists. */
export function annotationExistence(
  node: SubscriptNode,
  target: AnnotationTarget,
  context: FilterCompileContext,
): FilterValue {
  const { source, written } = reference(node, target, context);
  return {
    kind: 'existence',
    column: node.column,
    sources: [],
    exists: sql`EXISTS (SELECT 1 FROM ${source.from} WHERE ${source.where})`,
    description: written,
  };
}

/** `annotations['x'].label` and friends: a value read from the annotation rows. */
export function annotationField(
  node: MemberNode,
  target: AnnotationTarget,
  context: FilterCompileContext,
): FilterValue {
  const { source, alias, written } = reference(node.object, target, context);
  const field = node.member;
  if (!(ANNOTATION_FIELDS as readonly string[]).includes(field)) {
    throw new FilterSyntaxError(
      `annotations have no field '${field}' (available: ${ANNOTATION_FIELDS.join(', ')})`,
      node.memberColumn,
      suggestName(field, ANNOTATION_FIELDS),
    );
  }
  const column = sql`${identifier(alias)}.${identifier(field)}`;
  const common = { column: node.column, sources: [source], label: `${written}.${field}` };
  return field === 'score'
    ? { ...common, kind: 'number', sql: column, nullable: true }
    : { ...common, kind: 'text', sql: column, nullable: true };
}
