/**
 * Heron: saved views of a project's traces and spans tables (list, create, read, partial
 * update, delete), stored on the server so everyone on the project shares them. A view is named
 * by its SavedView GlobalID or its name. Bad fields are 400 naming the field; a name already
 * used in the project, or a project at its limit of views, is 409.
 */
import type { FastifyInstance } from 'fastify';
import type { SavedViewRow, SavedViewWriteResult } from '../store/saved-view-store.js';
import type { ProjectRow, Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { fromGlobalId, toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { readNewSavedView, readSavedViewUpdate, type SavedViewRules } from './saved-view-body.js';

type ViewParams = { project_identifier: string; view_id: string };

export function savedViewJson(view: SavedViewRow) {
  return {
    id: toGlobalId('SavedView', view.rowid),
    project_id: toGlobalId('Project', view.projectId),
    name: view.name,
    table: view.table,
    filter: view.filter,
    q: view.q,
    columns: view.columns,
    sort: view.sort,
    order: view.order,
    root_spans_only: view.rootSpansOnly,
    created_at: view.createdAt,
    updated_at: view.updatedAt,
  };
}

async function resolveView(
  store: Store,
  project: ProjectRow,
  identifier: string,
): Promise<SavedViewRow> {
  const rowid = fromGlobalId('SavedView', identifier);
  const view =
    (rowid !== null ? await store.savedViews.getSavedView(project.rowid, rowid) : null) ??
    (await store.savedViews.listSavedViews(project.rowid)).find((v) => v.name === identifier);
  if (!view) {
    throw new ApiError(404, `Saved view not found in project "${project.name}": ${identifier}`);
  }
  return view;
}

function written(
  result: SavedViewWriteResult,
  project: ProjectRow,
  name: string,
  maxPerProject: number,
): SavedViewRow {
  if (result.ok) return result.view;
  switch (result.reason) {
    case 'name-taken':
      throw new ApiError(409, `Project "${project.name}" already has a view named "${name}"`);
    case 'limit-reached':
      throw new ApiError(
        409,
        `Project "${project.name}" already has ${maxPerProject} saved views, the most allowed ` +
          '(HERON_MAX_SAVED_VIEWS_PER_PROJECT): delete one first',
      );
    case 'not-found':
      throw new ApiError(404, 'Saved view not found (deleted meanwhile?)');
  }
}

export function registerSavedViewRoutes(
  app: FastifyInstance,
  store: Store,
  rules: SavedViewRules,
): void {
  const maxViews = rules.limits.maxSavedViewsPerProject;

  app.get('/v1/projects/:project_identifier/views', async (request) => {
    const { project_identifier } = request.params as ViewParams;
    const project = await resolveProject(store, project_identifier);
    const views = await store.savedViews.listSavedViews(project.rowid);
    return { data: views.map(savedViewJson) };
  });

  app.post('/v1/projects/:project_identifier/views', async (request, reply) => {
    const { project_identifier } = request.params as ViewParams;
    const project = await resolveProject(store, project_identifier);
    const fields = readNewSavedView(request.body, rules);
    const result = await store.savedViews.createSavedView(project.rowid, fields, maxViews);
    const view = written(result, project, fields.name, maxViews);
    return reply.code(201).send({ data: savedViewJson(view) });
  });

  app.get('/v1/projects/:project_identifier/views/:view_id', async (request) => {
    const { project_identifier, view_id } = request.params as ViewParams;
    const project = await resolveProject(store, project_identifier);
    return { data: savedViewJson(await resolveView(store, project, view_id)) };
  });

  app.patch('/v1/projects/:project_identifier/views/:view_id', async (request) => {
    const { project_identifier, view_id } = request.params as ViewParams;
    const project = await resolveProject(store, project_identifier);
    const stored = await resolveView(store, project, view_id);
    const fields = readSavedViewUpdate(request.body, stored, rules);
    const result = await store.savedViews.updateSavedView(project.rowid, stored.rowid, fields);
    return { data: savedViewJson(written(result, project, fields.name, maxViews)) };
  });

  app.delete('/v1/projects/:project_identifier/views/:view_id', async (request, reply) => {
    const { project_identifier, view_id } = request.params as ViewParams;
    const project = await resolveProject(store, project_identifier);
    const view = await resolveView(store, project, view_id);
    if (!(await store.savedViews.deleteSavedView(project.rowid, view.rowid))) {
      throw new ApiError(404, `Saved view not found in project "${project.name}": ${view_id}`);
    }
    return reply.code(204).send();
  });
}
