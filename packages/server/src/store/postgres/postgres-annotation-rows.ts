/**
 * PostgreSQL annotation and annotation-config rows → the AnnotationStore's records. node-postgres
 * hands BIGINT columns over as decimal strings and JSONB as parsed values; rowids become numbers
 * and times BigInt nanoseconds, exactly as the SQLite store answers.
 */
import type {
  AnnotationConfigRow,
  AnnotationSource,
  AnnotationTargetKind,
  AnnotatorKind,
  StoredAnnotation,
} from '../annotation-store.js';
import {
  fromAnnotationConfigDbRow,
  type AnnotationConfigDbRow,
} from '../sqlite/annotation-config-row.js';

/** The columns every annotation read selects (`a` is the annotation table, `t` the target's). */
export function annotationColumns(targetIdColumn: string, withDocumentPosition = false): string {
  return `a.id, t.${targetIdColumn} AS target_id, a.name, a.label, a.score, a.explanation,
    a.metadata, a.annotator_kind, a.identifier, a.source, a.user_id, a.created_at, a.updated_at${
      withDocumentPosition ? ', a.document_position' : ''
    }`;
}

export interface PgAnnotationRow {
  id: string;
  target_id: string;
  name: string;
  label: string | null;
  score: number | null;
  explanation: string | null;
  metadata: Record<string, unknown>;
  annotator_kind: AnnotatorKind;
  identifier: string;
  source: AnnotationSource;
  user_id: string | null;
  created_at: string;
  updated_at: string;
  /** Document annotations only (the legacy evaluations endpoint reads them back). */
  document_position?: number | string;
}

export function fromPgAnnotationRow(
  kind: AnnotationTargetKind,
  row: PgAnnotationRow,
): StoredAnnotation {
  return {
    rowid: Number(row.id),
    targetKind: kind,
    targetId: row.target_id,
    documentPosition: row.document_position === undefined ? null : Number(row.document_position),
    name: row.name,
    annotatorKind: row.annotator_kind,
    label: row.label,
    score: row.score,
    explanation: row.explanation,
    metadata: row.metadata,
    identifier: row.identifier,
    source: row.source,
    userId: row.user_id,
    createdAtUnixNano: BigInt(row.created_at),
    updatedAtUnixNano: BigInt(row.updated_at),
  };
}

/**
 * The columns every config read selects: `config` as JSON text, so the one mapping shared with
 * SQLite (sqlite/annotation-config-row.ts) reads both backends' rows the same way.
 */
export const CONFIG_COLUMNS = 'id, name, type, description, optimization_direction, config::text';

export type PgAnnotationConfigRow = Omit<AnnotationConfigDbRow, 'id'> & { id: string };

export function fromPgAnnotationConfigRow(row: PgAnnotationConfigRow): AnnotationConfigRow {
  return fromAnnotationConfigDbRow({ ...row, id: Number(row.id) });
}
