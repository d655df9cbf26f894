/**
 * The rows evaluation summaries and retrieval metrics are computed from (evaluation-summary.ts)
 * on PostgreSQL, with the semantics of sqlite/sqlite-evaluation-summaries.ts: the window is on
 * the target's start time; notes are left out.
 */
import type pg from 'pg';
import type { AnnotationTargetKind } from '../annotation-store.js';
import {
  DEFAULT_MAX_SUMMARY_ANNOTATIONS,
  type DocumentEvaluationRow,
  type EvaluationSummaryRows,
} from '../evaluation-summary.js';

const NO_END = '9223372036854775807';

const GROUP_SQL = (target: AnnotationTargetKind, table: string, join: string) =>
  `SELECT '${target}' AS target, a.name AS name, a.label AS label, COUNT(*) AS count,
     COUNT(a.score) AS score_count, SUM(a.score) AS score_sum
   FROM ${table} a JOIN ${join}
   WHERE t.project_id = $1 AND t.start_time >= $2 AND t.start_time < $3 AND a.name <> 'note'
   GROUP BY a.name, a.label`;

type DocumentRow = {
  span_rowid: string;
  span_id: string;
  name: string;
  document_position: number;
  score: number | null;
  label: string | null;
};

function documentRow(row: DocumentRow): DocumentEvaluationRow {
  return {
    spanRowid: Number(row.span_rowid),
    spanId: row.span_id,
    name: row.name,
    documentPosition: row.document_position,
    score: row.score,
    label: row.label,
  };
}

export async function evaluationSummaryRows(
  db: pg.Pool,
  projectId: number,
  startTime: bigint | undefined,
  endTime: bigint | undefined,
  maxDocuments: number = DEFAULT_MAX_SUMMARY_ANNOTATIONS,
): Promise<EvaluationSummaryRows> {
  const window = [projectId, (startTime ?? 0n).toString(), endTime?.toString() ?? NO_END];
  const [groups, documents] = await Promise.all([
    db.query<{
      target: AnnotationTargetKind;
      name: string;
      label: string | null;
      count: string;
      score_count: string;
      score_sum: number | null;
    }>(
      [
        GROUP_SQL('span', 'span_annotations', 'spans t ON t.id = a.span_rowid'),
        GROUP_SQL('trace', 'trace_annotations', 'traces t ON t.id = a.trace_rowid'),
        GROUP_SQL('session', 'session_annotations', 'sessions t ON t.id = a.session_rowid'),
        GROUP_SQL('document', 'document_annotations', 'spans t ON t.id = a.span_rowid'),
      ].join(' UNION ALL '),
      window,
    ),
    db.query<DocumentRow>(
      `SELECT a.span_rowid, t.span_id, a.name, a.document_position, a.score, a.label
       FROM document_annotations a JOIN spans t ON t.id = a.span_rowid
       WHERE t.project_id = $1 AND t.start_time >= $2 AND t.start_time < $3 AND a.name <> 'note'
       ORDER BY a.span_rowid
       LIMIT $4`,
      // One row past the limit tells "over the limit" from "exactly at it".
      [...window, maxDocuments + 1],
    ),
  ]);
  return {
    labelGroups: groups.rows.map((g) => ({
      target: g.target,
      name: g.name,
      label: g.label,
      count: Number(g.count),
      scoreCount: Number(g.score_count),
      scoreSum: g.score_sum === null ? null : Number(g.score_sum),
    })),
    documents: documents.rows.slice(0, maxDocuments).map(documentRow),
    documentsOverLimit: documents.rows.length > maxDocuments,
  };
}

export async function spanDocumentEvaluations(
  db: pg.Pool,
  spanRowid: number,
): Promise<DocumentEvaluationRow[]> {
  const result = await db.query<DocumentRow>(
    `SELECT a.span_rowid, t.span_id, a.name, a.document_position, a.score, a.label
     FROM document_annotations a JOIN spans t ON t.id = a.span_rowid
     WHERE a.span_rowid = $1 AND a.name <> 'note'`,
    [spanRowid],
  );
  return result.rows.map(documentRow);
}
