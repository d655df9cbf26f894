/**
 * Evaluation summaries and retrieval metrics: what the rows a backend reads (one GROUP BY over
 * the annotation tables, the document annotations of a window) add up to. The arithmetic lives
 * here, once, so SQLite and PostgreSQL answer the same figures.
 *
 * Retrieval metrics read a document's relevance from its document annotation:
 * - the `score` when it has one (graded relevance: 0.5 counts half in NDCG),
 * - else the `label`: `relevant`, `true`, `yes`, `correct` or `1` (any case) is 1, anything
 *   else 0,
 * - a document without an annotation of that name is not relevant (0).
 * A document is a hit when its relevance is > 0. For every k in RETRIEVAL_KS:
 * - precision@k = hits among positions 0..k-1 / k (the IR definition: a retriever that
 *   returned fewer than k documents is not rewarded for it),
 * - NDCG@k = DCG@k / IDCG@k with DCG@k = Σ_{i<k} rel_i / log2(i + 2) over document positions,
 *   IDCG@k the same over the relevances sorted best first; 0 when no document is relevant,
 * - hit rate = 1 when any evaluated document is relevant, else 0 (averaged: the share of
 *   retrievals that found something relevant).
 */
import type { AnnotationTargetKind } from './annotation-store.js';

/**
 * Document annotations one summary reads at most (HERON_MAX_SUMMARY_ANNOTATIONS). Retrieval
 * metrics need every document's relevance in memory (NDCG sorts them per retrieval), so a window
 * holding more is refused (422: narrow the time range) rather than read without bound.
 */
export const DEFAULT_MAX_SUMMARY_ANNOTATIONS = 100_000;

/** The k of precision@k and NDCG@k. */
export const RETRIEVAL_KS = [1, 3, 5, 10] as const;

/** One (target, name, label) group of a project's annotations in a window. */
export interface AnnotationLabelGroupRow {
  target: AnnotationTargetKind;
  name: string;
  label: string | null;
  count: number;
  scoreCount: number;
  scoreSum: number | null;
}

/** One document annotation, for retrieval metrics. */
export interface DocumentEvaluationRow {
  spanRowid: number;
  spanId: string;
  name: string;
  documentPosition: number;
  score: number | null;
  label: string | null;
}

export interface EvaluationSummaryRows {
  labelGroups: AnnotationLabelGroupRow[];
  /** Ordered by span; at most the `maxDocuments` asked for. */
  documents: DocumentEvaluationRow[];
  /** The window holds more document annotations than `maxDocuments`: `documents` is cut short. */
  documentsOverLimit: boolean;
}

export interface LabelFraction {
  label: string;
  count: number;
  /** Of the annotations of that name that have a label. */
  fraction: number;
}

export interface AnnotationSummary {
  target: AnnotationTargetKind;
  name: string;
  count: number;
  scoreCount: number;
  meanScore: number | null;
  labels: LabelFraction[];
}

export interface RetrievalMetrics {
  /** The document evaluation name the relevances come from. */
  name: string;
  documentCount: number;
  ndcgAtK: Record<string, number>;
  precisionAtK: Record<string, number>;
  hitRate: number;
}

export interface ProjectRetrievalMetrics extends RetrievalMetrics {
  /** Retrieval spans averaged over (documentCount is their total). */
  spanCount: number;
}

const RELEVANT_LABELS = new Set(['relevant', 'true', 'yes', 'correct', '1']);

export function documentRelevance(row: { score: number | null; label: string | null }): number {
  if (row.score !== null && Number.isFinite(row.score)) return row.score;
  if (row.label !== null) return RELEVANT_LABELS.has(row.label.trim().toLowerCase()) ? 1 : 0;
  return 0;
}

function dcg(relevances: number[], k: number): number {
  let sum = 0;
  for (let i = 0; i < Math.min(k, relevances.length); i++) sum += relevances[i]! / Math.log2(i + 2);
  return sum;
}

/** Metrics of one retrieval from its documents' annotations of one name. */
export function retrievalMetrics(
  name: string,
  documents: { documentPosition: number; score: number | null; label: string | null }[],
): RetrievalMetrics {
  const length = documents.reduce((max, d) => Math.max(max, d.documentPosition + 1), 0);
  const byPosition = new Array<number>(length).fill(0);
  for (const document of documents)
    byPosition[document.documentPosition] = documentRelevance(document);
  const ideal = [...byPosition].sort((a, b) => b - a);
  const ndcgAtK: Record<string, number> = {};
  const precisionAtK: Record<string, number> = {};
  for (const k of RETRIEVAL_KS) {
    const idcg = dcg(ideal, k);
    ndcgAtK[String(k)] = idcg > 0 ? dcg(byPosition, k) / idcg : 0;
    precisionAtK[String(k)] = byPosition.slice(0, k).filter((r) => r > 0).length / k;
  }
  return {
    name,
    documentCount: documents.length,
    ndcgAtK,
    precisionAtK,
    hitRate: byPosition.some((r) => r > 0) ? 1 : 0,
  };
}

/** Per span, per name; rows in any order. */
export function spanRetrievalMetrics(rows: DocumentEvaluationRow[]): RetrievalMetrics[] {
  const byName = new Map<string, DocumentEvaluationRow[]>();
  for (const row of rows) {
    const list = byName.get(row.name) ?? [];
    list.push(row);
    byName.set(row.name, list);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, documents]) => retrievalMetrics(name, documents));
}

/** Per name, the mean over the spans that have document annotations of that name. */
export function projectRetrievalMetrics(rows: DocumentEvaluationRow[]): ProjectRetrievalMetrics[] {
  const bySpanAndName = new Map<string, DocumentEvaluationRow[]>();
  for (const row of rows) {
    const key = `${row.spanRowid}\u0000${row.name}`;
    const list = bySpanAndName.get(key) ?? [];
    list.push(row);
    bySpanAndName.set(key, list);
  }
  const perName = new Map<string, RetrievalMetrics[]>();
  for (const documents of bySpanAndName.values()) {
    const name = documents[0]!.name;
    const list = perName.get(name) ?? [];
    list.push(retrievalMetrics(name, documents));
    perName.set(name, list);
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return [...perName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, spans]) => {
      const ndcgAtK: Record<string, number> = {};
      const precisionAtK: Record<string, number> = {};
      for (const k of RETRIEVAL_KS) {
        ndcgAtK[String(k)] = mean(spans.map((s) => s.ndcgAtK[String(k)]!));
        precisionAtK[String(k)] = mean(spans.map((s) => s.precisionAtK[String(k)]!));
      }
      return {
        name,
        spanCount: spans.length,
        documentCount: spans.reduce((sum, s) => sum + s.documentCount, 0),
        ndcgAtK,
        precisionAtK,
        hitRate: mean(spans.map((s) => s.hitRate)),
      };
    });
}

/** Per (target, name): count, mean score, label fractions (most frequent first). */
export function annotationSummaries(groups: AnnotationLabelGroupRow[]): AnnotationSummary[] {
  const byKey = new Map<string, AnnotationLabelGroupRow[]>();
  for (const group of groups) {
    const key = `${group.target}\u0000${group.name}`;
    const list = byKey.get(key) ?? [];
    list.push(group);
    byKey.set(key, list);
  }
  const summaries: AnnotationSummary[] = [];
  for (const list of byKey.values()) {
    const count = list.reduce((sum, g) => sum + g.count, 0);
    const scoreCount = list.reduce((sum, g) => sum + g.scoreCount, 0);
    const scoreSum = list.reduce((sum, g) => sum + (g.scoreSum ?? 0), 0);
    const labelled = list.filter((g) => g.label !== null);
    const labelledCount = labelled.reduce((sum, g) => sum + g.count, 0);
    summaries.push({
      target: list[0]!.target,
      name: list[0]!.name,
      count,
      scoreCount,
      meanScore: scoreCount > 0 ? scoreSum / scoreCount : null,
      labels: labelled
        .map((g) => ({ label: g.label!, count: g.count, fraction: g.count / labelledCount }))
        .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1)),
    });
  }
  const order: AnnotationTargetKind[] = ['span', 'trace', 'session', 'document'];
  return summaries.sort(
    (a, b) =>
      order.indexOf(a.target) - order.indexOf(b.target) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}
