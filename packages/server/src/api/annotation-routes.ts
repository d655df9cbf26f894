/**
 * Phoenix's annotation REST surface: POST /v1/{span,trace,session,document}_annotations,
 * POST /v1/{span,trace,session}_notes, and GET / DELETE
 * /v1/projects/{project_identifier}/{span,trace,session}_annotations. Annotation configs are
 * registered from here too (annotation-config-routes.ts).
 *
 * `sync=false` (the client default): Phoenix queues the annotations and answers `{data: []}`,
 * so a read right after may miss them. Heron commits before answering (the writer is fast)
 * and answers the same `{data: []}`: the annotations are visible as soon as the call returns.
 * Targets that do not exist are skipped and logged (Phoenix retries them for ten minutes in
 * case the span arrives late; in Heron an acknowledged span is already committed, so a
 * missing target is a wrong id, not a late one). `sync=true` writes nothing when any target
 * is missing and answers 404 naming them.
 */
import type { FastifyInstance } from 'fastify';
import type { IngestLimits } from '../config.js';
import {
  ANNOTATOR_KINDS,
  type AnnotationTargetKind,
  type AnnotatorKind,
  type ListableTargetKind,
} from '../store/annotation-store.js';
import type { Store } from '../store/store.js';
import { readAnnotationBatch, readNote } from './annotation-body.js';
import { registerAnnotationConfigRoutes } from './annotation-config-routes.js';
import { ANNOTATION_ID_TYPES, annotationGlobalId, annotationJson } from './annotation-json.js';
import { ApiError } from './api-error.js';
import { resolveProject } from './project-lookup.js';
import {
  booleanParam,
  cursorParam,
  intParam,
  listParam,
  stringParam,
  timeParam,
  type QueryParams,
} from './query-params.js';

const TARGET_NOUNS: Record<AnnotationTargetKind, string> = {
  span: 'Spans',
  document: 'Spans',
  trace: 'Traces',
  session: 'Sessions',
};
const LIST_PARAMS: Record<ListableTargetKind, string> = {
  span: 'span_ids',
  trace: 'trace_ids',
  session: 'session_ids',
};
/** Phoenix's caps on the ids of one list request. */
const MAX_LISTED_IDS = 1000;
/** Ids named in one 404 message; the rest are counted. */
const MAX_NAMED_IDS = 20;

function nonEmptyParam(query: QueryParams, name: string): string | undefined {
  const value = stringParam(query, name);
  if (value === '') throw new ApiError(422, `${name} must not be empty when given`);
  return value;
}

function nameIds(ids: string[]): string {
  const named = ids.slice(0, MAX_NAMED_IDS).join(', ');
  return ids.length > MAX_NAMED_IDS ? `${named} and ${ids.length - MAX_NAMED_IDS} more` : named;
}

export function registerAnnotationRoutes(
  app: FastifyInstance,
  store: Store,
  limits: Pick<IngestLimits, 'maxAnnotationsPerRequest'>,
): void {
  for (const kind of ['span', 'trace', 'session', 'document'] as const) {
    app.post(`/v1/${kind}_annotations`, async (request) => {
      const sync = booleanParam(request.query as QueryParams, 'sync');
      const items = readAnnotationBatch(kind, request.body, limits.maxAnnotationsPerRequest);
      if (items.length === 0) return { data: [] };
      const result = await store.annotations.upsertAnnotations(kind, items, {
        onMissingTarget: sync ? 'reject' : 'skip',
      });
      if (sync) {
        if (result.missingTargets.length > 0) {
          throw new ApiError(
            404,
            `${TARGET_NOUNS[kind]} with IDs ${nameIds(result.missingTargets)} do not exist.`,
          );
        }
        return { data: result.rowids.map((rowid) => ({ id: annotationGlobalId(kind, rowid!) })) };
      }
      if (result.missingTargets.length > 0) {
        request.log.warn(
          { kind, missing: result.missingTargets.slice(0, MAX_NAMED_IDS) },
          `${result.missingTargets.length} ${kind} annotation target(s) not found; ` +
            'their annotations were skipped',
        );
      }
      return { data: [] };
    });
  }

  for (const kind of ['span', 'trace', 'session'] as const) {
    app.post(`/v1/${kind}_notes`, async (request) => {
      const note = readNote(kind, request.body);
      const rowid = await store.annotations.addNote(kind, note);
      if (rowid === null) {
        throw new ApiError(404, `${TARGET_NOUNS[kind]} with IDs ${note.targetId} do not exist.`);
      }
      return { data: { id: annotationGlobalId(kind, rowid) } };
    });

    app.get(`/v1/projects/:project_identifier/${kind}_annotations`, async (request) => {
      const { project_identifier } = request.params as { project_identifier: string };
      const query = request.query as QueryParams;
      const idParam = LIST_PARAMS[kind];
      const targetIds = [
        ...new Set(
          listParam(query, idParam).map((id) => (kind === 'session' ? id : id.toLowerCase())),
        ),
      ];
      const identifiers = [...new Set(listParam(query, 'identifier'))];
      if (identifiers.includes('')) throw new ApiError(422, 'identifier values must be non-empty');
      for (const [name, values] of [
        [idParam, targetIds],
        ['identifier', identifiers],
      ] as const) {
        if (values.length > MAX_LISTED_IDS) {
          throw new ApiError(
            422,
            `Too many ${name} supplied: ${values.length} (max ${MAX_LISTED_IDS})`,
          );
        }
      }
      if (targetIds.length === 0 && identifiers.length === 0) {
        throw new ApiError(422, `At least one of ${idParam} or identifier must be supplied`);
      }
      const cursor = cursorParam(query, ANNOTATION_ID_TYPES[kind]);
      const limit = intParam(query, 'limit', 10, 1, 10_000);
      const project = await resolveProject(store, project_identifier);
      const page = await store.annotations.listAnnotations(kind, project.rowid, {
        targetIds,
        identifiers,
        includeNames: listParam(query, 'include_annotation_names'),
        excludeNames: listParam(query, 'exclude_annotation_names'),
        cursor,
        limit,
      });
      // Phoenix tells a wrong id from an unannotated target.
      if (
        page.items.length === 0 &&
        identifiers.length === 0 &&
        !(await store.annotations.anyTargetExists(kind, project.rowid, targetIds))
      ) {
        throw new ApiError(404, `None of the supplied ${idParam} exist in this project`);
      }
      return {
        data: page.items.map(annotationJson),
        next_cursor: page.nextCursor === null ? null : annotationGlobalId(kind, page.nextCursor),
      };
    });

    app.delete(`/v1/projects/:project_identifier/${kind}_annotations`, async (request, reply) => {
      const { project_identifier } = request.params as { project_identifier: string };
      const query = request.query as QueryParams;
      const annotatorKind = stringParam(query, 'annotator_kind');
      if (
        annotatorKind !== undefined &&
        !(ANNOTATOR_KINDS as readonly string[]).includes(annotatorKind)
      ) {
        throw new ApiError(
          422,
          `annotator_kind must be one of ${ANNOTATOR_KINDS.join(', ')}, got "${annotatorKind}"`,
        );
      }
      const start = timeParam(query, 'start_time');
      const end = timeParam(query, 'end_time');
      const deleteAll = booleanParam(query, 'delete_all');
      if (!deleteAll && (start === undefined || end === undefined)) {
        throw new ApiError(
          422,
          'Delete is unbounded. Set delete_all=true to acknowledge, or supply both ' +
            'start_time and end_time to bound the time range.',
        );
      }
      if (start !== undefined && end !== undefined && start >= end) {
        throw new ApiError(422, 'start_time must be strictly earlier than end_time');
      }
      const filter = {
        name: nonEmptyParam(query, 'name'),
        identifier: nonEmptyParam(query, 'identifier'),
        annotatorKind: annotatorKind as AnnotatorKind | undefined,
        createdAtStart: start,
        createdAtEnd: end,
        deleteAll,
      };
      const project = await resolveProject(store, project_identifier);
      await store.annotations.deleteAnnotations(kind, project.rowid, filter);
      return reply.code(204).send();
    });
  }

  registerAnnotationConfigRoutes(app, store);
}
