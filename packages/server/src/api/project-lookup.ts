/** Resolves a `{project_identifier}`: a Project GlobalID or a project name. */
import type { ProjectRow, Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { fromGlobalId } from './global-id.js';

export async function resolveProject(store: Store, identifier: string): Promise<ProjectRow> {
  const rowid = fromGlobalId('Project', identifier);
  const project =
    (rowid !== null ? await store.getProjectById(rowid) : null) ??
    (await store.getProjectByName(identifier));
  if (!project) throw new ApiError(404, `Project not found: ${identifier}`);
  return project;
}
