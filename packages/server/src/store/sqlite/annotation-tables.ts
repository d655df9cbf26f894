/**
 * Where each kind of annotation lives in the SQLite schema (0002-annotations.sql): its table,
 * the column naming its target, the upsert key, and how a user-facing target id (span_id,
 * trace_id, session.id) resolves to a row. Reads and writes share it so they cannot disagree.
 */
import type { AnnotationTargetKind } from '../annotation-store.js';

export interface AnnotationTable {
  table: string;
  /** Column holding the target's rowid. */
  targetColumn: string;
  /** The table the target lives in, and its user-facing id column. */
  targetTable: string;
  targetIdColumn: string;
  /** The UNIQUE constraint an upsert conflicts on. */
  conflictColumns: string;
  /** One `?` (the target id) → the target's rowid, or no row. */
  resolveTargetSql: string;
}

// Spans are unique on (trace_id, span_id), so one span_id may exist in several traces; the
// latest-starting span wins (then the latest stored), so an annotation never lands on two rows.
const RESOLVE_SPAN =
  'SELECT id FROM spans WHERE span_id = ? ORDER BY start_time DESC, id DESC LIMIT 1';

export const ANNOTATION_TABLES: Record<AnnotationTargetKind, AnnotationTable> = {
  span: {
    table: 'span_annotations',
    targetColumn: 'span_rowid',
    targetTable: 'spans',
    targetIdColumn: 'span_id',
    conflictColumns: 'name, span_rowid, identifier',
    resolveTargetSql: RESOLVE_SPAN,
  },
  document: {
    table: 'document_annotations',
    targetColumn: 'span_rowid',
    targetTable: 'spans',
    targetIdColumn: 'span_id',
    conflictColumns: 'name, span_rowid, document_position, identifier',
    resolveTargetSql: RESOLVE_SPAN,
  },
  trace: {
    table: 'trace_annotations',
    targetColumn: 'trace_rowid',
    targetTable: 'traces',
    targetIdColumn: 'trace_id',
    conflictColumns: 'name, trace_rowid, identifier',
    resolveTargetSql: 'SELECT id FROM traces WHERE trace_id = ?',
  },
  session: {
    table: 'session_annotations',
    targetColumn: 'session_rowid',
    targetTable: 'sessions',
    targetIdColumn: 'session_id',
    conflictColumns: 'name, session_rowid, identifier',
    // Sessions are unique per (project, session_id); the same session.id in two projects means
    // the most recently active session (latest end, then the latest created).
    resolveTargetSql:
      'SELECT id FROM sessions WHERE session_id = ? ORDER BY end_time DESC, id DESC LIMIT 1',
  },
};
