/**
 * Annotation configs (Phoenix's /v1/annotation_configs and
 * /v1/projects/{project_identifier}/annotation_configs): create, read, update, delete, and which
 * configs a project uses. Lists are newest first with GlobalID cursors, as Phoenix's.
 */
import type { FastifyInstance } from 'fastify';
import type {
  AnnotationConfigRow,
  AnnotationConfigWriteResult,
} from '../store/annotation-store.js';
import type { Store } from '../store/store.js';
import { readAnnotationConfig } from './annotation-config-body.js';
import { annotationConfigJson } from './annotation-config-json.js';
import { ApiError } from './api-error.js';
import { fromGlobalId, toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { cursorParam, intParam, type QueryParams } from './query-params.js';

/** A `{config_identifier}`: an AnnotationConfig GlobalID or a config name. */
async function resolveConfig(store: Store, identifier: string): Promise<AnnotationConfigRow> {
  const rowid = fromGlobalId('AnnotationConfig', identifier);
  const config =
    (rowid !== null ? await store.annotations.getAnnotationConfig(rowid) : null) ??
    (await store.annotations.getAnnotationConfigByName(identifier));
  if (!config) throw new ApiError(404, `Annotation config not found: ${identifier}`);
  return config;
}

function writtenConfig(result: AnnotationConfigWriteResult, name: string) {
  switch (result.status) {
    case 'ok':
      return { data: annotationConfigJson(result.config) };
    case 'name-taken':
      throw new ApiError(409, `An annotation config named "${name}" already exists`);
    case 'not-found':
      throw new ApiError(404, 'Annotation config not found');
  }
}

function readConfigIds(body: unknown): number[] {
  const ids = (body as { annotation_config_ids?: unknown } | null)?.annotation_config_ids;
  if (!Array.isArray(ids)) {
    throw new ApiError(422, 'Request body must be {"annotation_config_ids": [id, ...]}');
  }
  return ids.map((id) => {
    const rowid = typeof id === 'string' ? fromGlobalId('AnnotationConfig', id) : null;
    if (rowid === null) throw new ApiError(422, `Invalid annotation config ID: ${String(id)}`);
    return rowid;
  });
}

export function registerAnnotationConfigRoutes(app: FastifyInstance, store: Store): void {
  async function listConfigs(query: QueryParams, projectId?: number) {
    const page = await store.annotations.listAnnotationConfigs({
      cursor: cursorParam(query, 'AnnotationConfig'),
      limit: intParam(query, 'limit', 100, 1, 10_000),
      projectId,
    });
    return {
      data: page.items.map(annotationConfigJson),
      next_cursor:
        page.nextCursor === null ? null : toGlobalId('AnnotationConfig', page.nextCursor),
    };
  }

  app.get('/v1/annotation_configs', async (request) => listConfigs(request.query as QueryParams));

  app.post('/v1/annotation_configs', async (request) => {
    const data = readAnnotationConfig(request.body);
    return writtenConfig(await store.annotations.createAnnotationConfig(data), data.name);
  });

  app.get('/v1/annotation_configs/:config_identifier', async (request) => {
    const { config_identifier } = request.params as { config_identifier: string };
    return { data: annotationConfigJson(await resolveConfig(store, config_identifier)) };
  });

  // Phoenix names this parameter config_id but accepts a name as well.
  app.put('/v1/annotation_configs/:config_identifier', async (request) => {
    const { config_identifier } = request.params as { config_identifier: string };
    const config = await resolveConfig(store, config_identifier);
    const data = readAnnotationConfig(request.body);
    return writtenConfig(
      await store.annotations.updateAnnotationConfig(config.rowid, data),
      data.name,
    );
  });

  // Phoenix answers 200 with the deleted config (not 204).
  app.delete('/v1/annotation_configs/:config_identifier', async (request) => {
    const { config_identifier } = request.params as { config_identifier: string };
    const config = await resolveConfig(store, config_identifier);
    const deleted = await store.annotations.deleteAnnotationConfig(config.rowid);
    if (!deleted) throw new ApiError(404, `Annotation config not found: ${config_identifier}`);
    return { data: annotationConfigJson(deleted) };
  });

  app.get('/v1/projects/:project_identifier/annotation_configs', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    return listConfigs(query, project.rowid);
  });

  app.put('/v1/projects/:project_identifier/annotation_configs', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const configRowids = readConfigIds(request.body);
    const project = await resolveProject(store, project_identifier);
    const result = await store.annotations.setProjectAnnotationConfigs(project.rowid, configRowids);
    if (result.status === 'configs-not-found') {
      const ids = result.rowids.map((rowid) => toGlobalId('AnnotationConfig', rowid));
      throw new ApiError(422, `Annotation configs not found: ${ids.join(', ')}`);
    }
    return { data: result.configs.map(annotationConfigJson), next_cursor: null };
  });

  app.put(
    '/v1/projects/:project_identifier/annotation_configs/:config_identifier',
    async (request) => {
      const { project_identifier, config_identifier } = request.params as {
        project_identifier: string;
        config_identifier: string;
      };
      const project = await resolveProject(store, project_identifier);
      const config = await resolveConfig(store, config_identifier);
      await store.annotations.assignAnnotationConfig(project.rowid, config.rowid);
      return { data: annotationConfigJson(config) };
    },
  );

  app.delete(
    '/v1/projects/:project_identifier/annotation_configs/:config_identifier',
    async (request, reply) => {
      const { project_identifier, config_identifier } = request.params as {
        project_identifier: string;
        config_identifier: string;
      };
      const project = await resolveProject(store, project_identifier);
      const config = await resolveConfig(store, config_identifier);
      await store.annotations.unassignAnnotationConfig(project.rowid, config.rowid);
      return reply.code(204).send();
    },
  );
}
