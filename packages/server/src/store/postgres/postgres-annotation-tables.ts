/**
 * Where each kind of annotation lives in the PostgreSQL schema (0002-annotations.sql): its
 * table, the column naming its target, the upsert key, and how user-facing target ids (span_id,
 * trace_id, session.id) resolve to rows. Reads and writes share it so they cannot disagree; the
 * rules are those of the SQLite map (sqlite/annotation-tables.ts).
 */
import type { AnnotationTargetKind } from '../annotation-store.js';

export interface PgAnnotationTable {
  table: string;
  /** Column holding the target's rowid. */
  targetColumn: string;
  /** The table the target lives in, and its user-facing id column. */
  targetTable: string;
  targetIdColumn: string;
  /** The UNIQUE constraint an upsert conflicts on. */
  conflictColumns: string;
  /**
   * `$1` (text[] of target ids) → rows (target_id, id), one per id that exists. The rows are
   * locked FOR KEY SHARE, so a target cannot be deleted between its resolution and the insert
   * of its annotations (a delete committed meanwhile makes the target missing instead of failing
   * the batch on the foreign key). That lock does not block span ingestion, which takes only
   * FOR NO KEY UPDATE locks on traces and sessions.
   */
  resolveTargetsSql: string;
}

// Spans are unique on (trace_id, span_id), so one span_id may exist in several traces; the
// latest-starting span wins (then the latest stored), so an annotation never lands on two rows.
// FOR KEY SHARE is not allowed beside DISTINCT, hence the outer query.
const RESOLVE_SPANS = `
  SELECT s.span_id AS target_id, s.id FROM spans s
  WHERE s.id IN (
    SELECT DISTINCT ON (span_id) id FROM spans WHERE span_id = ANY($1::text[])
    ORDER BY span_id, start_time DESC, id DESC)
  ORDER BY s.id
  FOR KEY SHARE OF s`;

export const PG_ANNOTATION_TABLES: Record<AnnotationTargetKind, PgAnnotationTable> = {
  span: {
    table: 'span_annotations',
    targetColumn: 'span_rowid',
    targetTable: 'spans',
    targetIdColumn: 'span_id',
    conflictColumns: 'name, span_rowid, identifier',
    resolveTargetsSql: RESOLVE_SPANS,
  },
  document: {
    table: 'document_annotations',
    targetColumn: 'span_rowid',
    targetTable: 'spans',
    targetIdColumn: 'span_id',
    conflictColumns: 'name, span_rowid, document_position, identifier',
    resolveTargetsSql: RESOLVE_SPANS,
  },
  trace: {
    table: 'trace_annotations',
    targetColumn: 'trace_rowid',
    targetTable: 'traces',
    targetIdColumn: 'trace_id',
    conflictColumns: 'name, trace_rowid, identifier',
    resolveTargetsSql: `
      SELECT trace_id AS target_id, id FROM traces WHERE trace_id = ANY($1::text[])
      ORDER BY id FOR KEY SHARE`,
  },
  session: {
    table: 'session_annotations',
    targetColumn: 'session_rowid',
    targetTable: 'sessions',
    targetIdColumn: 'session_id',
    conflictColumns: 'name, session_rowid, identifier',
    // Sessions are unique per (project, session_id); the same session.id in two projects means
    // the most recently active session (latest end, then the latest created).
    resolveTargetsSql: `
      SELECT s.session_id AS target_id, s.id FROM sessions s
      WHERE s.id IN (
        SELECT DISTINCT ON (session_id) id FROM sessions WHERE session_id = ANY($1::text[])
        ORDER BY session_id, end_time DESC, id DESC)
      ORDER BY s.id
      FOR KEY SHARE OF s`,
  },
};
