/**
 * Evaluation results as Phoenix's Python SDK names them (`SpanEvaluations`,
 * `TraceEvaluations`, `DocumentEvaluations`, `SessionEvaluations`): rows of label / score /
 * explanation under one evaluation name. `HeronClient.logEvaluations` stores each row as an
 * annotation with annotator kind LLM, upserted on (name, target), so logging the same
 * evaluation again replaces it.
 */

export interface EvaluationResult {
  label?: string | null;
  score?: number | null;
  explanation?: string | null;
  metadata?: Record<string, unknown>;
}

export interface SpanEvaluationRow extends EvaluationResult {
  spanId: string;
}
export interface TraceEvaluationRow extends EvaluationResult {
  traceId: string;
}
export interface SessionEvaluationRow extends EvaluationResult {
  sessionId: string;
}
export interface DocumentEvaluationRow extends EvaluationResult {
  spanId: string;
  /** 0-based position in the span's `retrieval.documents`. */
  documentPosition: number;
}

export type EvaluationTarget = 'span' | 'trace' | 'session' | 'document';

/** One annotation in the wire shape of `POST /v1/{target}_annotations`. */
export interface AnnotationPayload {
  name: string;
  annotator_kind: 'LLM' | 'CODE' | 'HUMAN';
  result: { label?: string | null; score?: number | null; explanation?: string | null };
  metadata?: Record<string, unknown>;
  identifier?: string;
  span_id?: string;
  trace_id?: string;
  session_id?: string;
  document_position?: number;
}

function checkResult(evalName: string, index: number, row: EvaluationResult): void {
  const hasLabel = typeof row.label === 'string' && row.label.trim() !== '';
  const hasScore = typeof row.score === 'number';
  const hasExplanation = typeof row.explanation === 'string' && row.explanation.trim() !== '';
  if (hasScore && !Number.isFinite(row.score)) {
    throw new Error(`${evalName}: row ${index} has a score that is not a finite number`);
  }
  if (!hasLabel && !hasScore && !hasExplanation) {
    throw new Error(`${evalName}: row ${index} needs a label, a score or an explanation`);
  }
}

function resultOf(row: EvaluationResult): AnnotationPayload['result'] {
  return {
    label: row.label ?? null,
    score: row.score ?? null,
    explanation: row.explanation ?? null,
  };
}

abstract class Evaluations<Row extends EvaluationResult> {
  abstract readonly target: EvaluationTarget;
  readonly rows: readonly Row[];

  constructor(
    readonly evalName: string,
    rows: Iterable<Row>,
  ) {
    if (!evalName.trim()) throw new Error('An evaluation needs a name');
    if (evalName === 'note') throw new Error('"note" is reserved for notes; pick another name');
    this.rows = [...rows];
    this.rows.forEach((row, index) => {
      this.checkRow(row, index);
      checkResult(evalName, index, row);
    });
  }

  protected abstract checkRow(row: Row, index: number): void;
  protected abstract targetFields(row: Row): Partial<AnnotationPayload>;

  /** The rows as annotations (annotator kind LLM, as Phoenix logs evaluations). */
  toAnnotations(): AnnotationPayload[] {
    return this.rows.map((row) => ({
      name: this.evalName,
      annotator_kind: 'LLM',
      result: resultOf(row),
      metadata: row.metadata ?? {},
      ...this.targetFields(row),
    }));
  }
}

function requireId(evalName: string, index: number, field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${evalName}: row ${index} needs ${field}`);
  }
}

export class SpanEvaluations extends Evaluations<SpanEvaluationRow> {
  readonly target = 'span';
  protected checkRow(row: SpanEvaluationRow, index: number) {
    requireId(this.evalName, index, 'spanId', row.spanId);
  }
  protected targetFields(row: SpanEvaluationRow) {
    return { span_id: row.spanId };
  }
}

export class TraceEvaluations extends Evaluations<TraceEvaluationRow> {
  readonly target = 'trace';
  protected checkRow(row: TraceEvaluationRow, index: number) {
    requireId(this.evalName, index, 'traceId', row.traceId);
  }
  protected targetFields(row: TraceEvaluationRow) {
    return { trace_id: row.traceId };
  }
}

export class SessionEvaluations extends Evaluations<SessionEvaluationRow> {
  readonly target = 'session';
  protected checkRow(row: SessionEvaluationRow, index: number) {
    requireId(this.evalName, index, 'sessionId', row.sessionId);
  }
  protected targetFields(row: SessionEvaluationRow) {
    return { session_id: row.sessionId };
  }
}

export class DocumentEvaluations extends Evaluations<DocumentEvaluationRow> {
  readonly target = 'document';
  protected checkRow(row: DocumentEvaluationRow, index: number) {
    requireId(this.evalName, index, 'spanId', row.spanId);
    if (!Number.isSafeInteger(row.documentPosition) || row.documentPosition < 0) {
      throw new Error(`${this.evalName}: row ${index} needs a documentPosition >= 0`);
    }
  }
  protected targetFields(row: DocumentEvaluationRow) {
    return { span_id: row.spanId, document_position: row.documentPosition };
  }
}

export type AnyEvaluations =
  SpanEvaluations | TraceEvaluations | SessionEvaluations | DocumentEvaluations;
