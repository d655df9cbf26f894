/** GET /v1/projects and GET /v1/projects/{project_identifier} (Phoenix shapes). */
import type { FastifyInstance } from 'fastify';
import type { ProjectRow, Store } from '../store/store.js';
import { toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { cursorParam, intParam, stringParam, type QueryParams } from './query-params.js';

export function projectJson(project: ProjectRow) {
  return {
    id: toGlobalId('Project', project.rowid),
    name: project.name,
    description: project.description,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
  };
}

export function registerProjectRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/projects', async (request) => {
    const query = request.query as QueryParams;
    const cursor = cursorParam(query, 'Project');
    const page = await store.listProjects({
      cursor,
      limit: intParam(query, 'limit', 100, 1, 1000),
      nameContains: stringParam(query, 'name_contains'),
    });
    return {
      data: page.items.map(projectJson),
      next_cursor: page.nextCursor === null ? null : toGlobalId('Project', page.nextCursor),
    };
  });

  app.get('/v1/projects/:project_identifier', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    return { data: projectJson(await resolveProject(store, project_identifier)) };
  });
}
