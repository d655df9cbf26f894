/**
 * The rows evaluation summaries and retrieval metrics are computed from (evaluation-summary.ts),
 * read on a reader thread. The window is on the target's start time (span, trace, session);
 * notes are not evaluations and are left out.
 */
import type Database from 'better-sqlite3';
import type { AnnotationTargetKind } from '../annotation-store.js';
import {
  DEFAULT_MAX_SUMMARY_ANNOTATIONS,
  type DocumentEvaluationRow,
  type EvaluationSummaryRows,
} from '../evaluation-summary.js';

const NO_END = 9_223_372_036_854_775_807n;

const GROUP_SQL = (target: AnnotationTargetKind, table: string, join: string) =>
  `SELECT '${target}' AS target, a.name AS name, a.label AS label, COUNT(*) AS count,
     COUNT(a.score) AS score_count, SUM(a.score) AS score_sum
   FROM ${table} a JOIN ${join}
   WHERE t.project_id = ? AND t.start_time >= ? AND t.start_time < ? AND a.name <> 'note'
   GROUP BY a.name, a.label`;

type GroupRow = {
  target: AnnotationTargetKind;
  name: string;
  label: string | null;
  count: number;
  score_count: number;
  score_sum: number | null;
};
type DocumentRow = {
  span_rowid: number;
  span_id: string;
  name: string;
  document_position: number;
  score: number | null;
  label: string | null;
};

function documentRow(row: DocumentRow): DocumentEvaluationRow {
  return {
    spanRowid: row.span_rowid,
    spanId: row.span_id,
    name: row.name,
    documentPosition: row.document_position,
    score: row.score,
    label: row.label,
  };
}

export function evaluationSummaryRows(
  db: Database.Database,
  projectId: number,
  startTime: bigint | undefined,
  endTime: bigint | undefined,
  maxDocuments: number = DEFAULT_MAX_SUMMARY_ANNOTATIONS,
): EvaluationSummaryRows {
  const window = [projectId, startTime ?? 0n, endTime ?? NO_END];
  const groups = db
    .prepare(
      [
        GROUP_SQL('span', 'span_annotations', 'spans t ON t.id = a.span_rowid'),
        GROUP_SQL('trace', 'trace_annotations', 'traces t ON t.id = a.trace_rowid'),
        GROUP_SQL('session', 'session_annotations', 'sessions t ON t.id = a.session_rowid'),
        GROUP_SQL('document', 'document_annotations', 'spans t ON t.id = a.span_rowid'),
      ].join(' UNION ALL '),
    )
    .all(...window, ...window, ...window, ...window) as GroupRow[];
  const documents = db
    .prepare(
      `SELECT a.span_rowid, t.span_id, a.name, a.document_position, a.score, a.label
       FROM document_annotations a JOIN spans t ON t.id = a.span_rowid
       WHERE t.project_id = ? AND t.start_time >= ? AND t.start_time < ? AND a.name <> 'note'
       ORDER BY a.span_rowid
       LIMIT ?`,
    )
    // One row past the limit tells "over the limit" from "exactly at it".
    .all(...window, maxDocuments + 1) as DocumentRow[];
  return {
    labelGroups: groups.map((g) => ({
      target: g.target,
      name: g.name,
      label: g.label,
      count: g.count,
      scoreCount: g.score_count,
      scoreSum: g.score_sum,
    })),
    documents: documents.slice(0, maxDocuments).map(documentRow),
    documentsOverLimit: documents.length > maxDocuments,
  };
}

export function spanDocumentEvaluations(
  db: Database.Database,
  spanRowid: number,
): DocumentEvaluationRow[] {
  const rows = db
    .prepare(
      `SELECT a.span_rowid, t.span_id, a.name, a.document_position, a.score, a.label
       FROM document_annotations a JOIN spans t ON t.id = a.span_rowid
       WHERE a.span_rowid = ? AND a.name <> 'note'`,
    )
    .all(spanRowid) as DocumentRow[];
  return rows.map(documentRow);
}

export const EVALUATION_SUMMARY_READ_OPERATIONS = {
  evaluationSummaryRows,
  spanDocumentEvaluations,
};
