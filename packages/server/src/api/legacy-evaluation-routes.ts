/**
 * Phoenix ≤13's evaluations endpoints, so notebooks calling `px.Client().log_evaluations(...)`
 * and `get_evaluations()` keep working (reference §3.6, §7):
 *
 * - `POST /v1/evaluations` (`application/x-pandas-arrow`, an Arrow IPC stream): each row becomes
 *   an annotation named after the evaluation, annotator kind LLM, identifier '', source API —
 *   an upsert, so logging the same evaluation name again overwrites. Rows naming spans or
 *   traces that are not stored are skipped, as Phoenix did. 204.
 * - `GET /v1/evaluations?project_name=` (default `default`): every LLM annotation of the
 *   project, one Arrow IPC stream per evaluation name and type, concatenated (the client reads
 *   streams until the body ends); 404 when there is none.
 */
import type { FastifyInstance } from 'fastify';
import type { IngestLimits } from '../config.js';
import type {
  AnnotationTargetKind,
  ListableTargetKind,
  StoredAnnotation,
} from '../store/annotation-store.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import {
  decodeLegacyEvaluations,
  encodeLegacyEvaluations,
  type LegacyEvalType,
  type LegacyEvaluations,
} from './legacy-evaluation-arrow.js';
import { stringParam, type QueryParams } from './query-params.js';

export const PANDAS_ARROW = 'application/x-pandas-arrow';

const TARGET_KINDS: Record<LegacyEvalType, AnnotationTargetKind> = {
  SpanEvaluations: 'span',
  TraceEvaluations: 'trace',
  DocumentEvaluations: 'document',
};

/** LLM annotations read per page when answering GET. */
const READ_PAGE = 5_000;

export function registerLegacyEvaluationRoutes(
  app: FastifyInstance,
  store: Store,
  limits: Pick<IngestLimits, 'maxRequestBytes'>,
): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      PANDAS_ARROW,
      { parseAs: 'buffer', bodyLimit: limits.maxRequestBytes },
      (_request, body, done) => done(null, body),
    );

    scope.post('/v1/evaluations', async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== PANDAS_ARROW) {
        throw new ApiError(415, `Content-Type must be ${PANDAS_ARROW} (an Arrow IPC stream)`);
      }
      const evaluations = decodeLegacyEvaluations(request.body as Buffer);
      const kind = TARGET_KINDS[evaluations.evalType];
      if (evaluations.rows.length > 0) {
        await store.annotations.upsertAnnotations(
          kind,
          evaluations.rows.map((row) => ({
            targetId: row.targetId,
            ...(row.documentPosition !== undefined
              ? { documentPosition: row.documentPosition }
              : {}),
            name: evaluations.evalName,
            annotatorKind: 'LLM',
            label: row.label,
            score: row.score,
            explanation: row.explanation,
            metadata: {},
            identifier: '',
            source: 'API',
            userId: null,
          })),
          { onMissingTarget: 'skip' },
        );
      }
      return reply.code(204).send();
    });

    scope.get('/v1/evaluations', async (request, reply) => {
      const projectName = stringParam(request.query as QueryParams, 'project_name') || 'default';
      const project = await store.getProjectByName(projectName);
      if (!project) throw new ApiError(404, `No project named ${projectName}`);
      const streams: Uint8Array[] = [];
      for (const evalType of Object.keys(TARGET_KINDS) as LegacyEvalType[]) {
        const byName = await llmAnnotationsByName(store, TARGET_KINDS[evalType], project.rowid);
        for (const [evalName, annotations] of byName) {
          const evaluations: LegacyEvaluations = {
            evalName,
            evalType,
            rows: annotations.map((a) => ({
              targetId: a.targetId,
              ...(a.documentPosition !== null ? { documentPosition: a.documentPosition } : {}),
              score: a.score,
              label: a.label,
              explanation: a.explanation,
            })),
          };
          streams.push(encodeLegacyEvaluations(evaluations));
        }
      }
      if (streams.length === 0) {
        throw new ApiError(404, `No evaluations in project ${projectName}`);
      }
      return reply.type(PANDAS_ARROW).send(Buffer.concat(streams));
    });
  });
}

/** The project's LLM annotations of one target kind, grouped by name, oldest first. */
async function llmAnnotationsByName(
  store: Store,
  kind: AnnotationTargetKind,
  projectId: number,
): Promise<Map<string, StoredAnnotation[]>> {
  const byName = new Map<string, StoredAnnotation[]>();
  let cursor: number | undefined;
  const all: StoredAnnotation[] = [];
  do {
    // Document annotations are listed by the same table-driven read as span annotations.
    const page = await store.annotations.listAnnotations(kind as ListableTargetKind, projectId, {
      limit: READ_PAGE,
      cursor,
    });
    all.push(...page.items.filter((a) => a.annotatorKind === 'LLM'));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  for (const annotation of all.reverse()) {
    const list = byName.get(annotation.name);
    if (list) list.push(annotation);
    else byName.set(annotation.name, [annotation]);
  }
  return byName;
}
