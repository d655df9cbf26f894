/**
 * Projects (Phoenix shapes): list, get, create, update the description, delete. Plus Heron's
 * project summary for dashboards: counts, latency percentiles and token totals in a window.
 */
import type { FastifyInstance } from 'fastify';
import type { ProjectRow, Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { cursorParam, intParam, stringParam, timeParam, type QueryParams } from './query-params.js';
import { bodyObject, optionalString, requiredString } from './request-body.js';
import { isoFromUnixNano } from './timestamps.js';

/** The project every span without a project name goes to; it cannot be deleted. */
export const DEFAULT_PROJECT_NAME = 'default';
const MAX_PROJECT_NAME_LENGTH = 256;

export function projectJson(project: ProjectRow) {
  return {
    id: toGlobalId('Project', project.rowid),
    name: project.name,
    description: project.description,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
  };
}

type ProjectParams = { project_identifier: string };

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

  app.post('/v1/projects', async (request) => {
    const body = bodyObject(request.body);
    const name = requiredString(body, 'name').trim();
    // Names appear in URL paths ({project_identifier}), so the characters that end a path
    // segment are refused, as Phoenix does.
    if (/[/?#]/.test(name) || name.length > MAX_PROJECT_NAME_LENGTH) {
      throw new ApiError(
        422,
        `Invalid project name "${name}": it must not contain / ? or # and be at most ${MAX_PROJECT_NAME_LENGTH} characters`,
      );
    }
    const created = await store.createProject(name, optionalString(body, 'description') ?? null);
    if (!created) throw new ApiError(409, `A project named "${name}" already exists`);
    return { data: projectJson(created) };
  });

  app.get('/v1/projects/:project_identifier', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    return { data: projectJson(await resolveProject(store, project_identifier)) };
  });

  app.put('/v1/projects/:project_identifier', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    const project = await resolveProject(store, project_identifier);
    const body = bodyObject(request.body);
    if ('name' in body && body['name'] !== project.name) {
      throw new ApiError(422, 'A project cannot be renamed; only its description can change');
    }
    const updated = await store.updateProject(
      project.rowid,
      optionalString(body, 'description') ?? null,
    );
    if (!updated) throw new ApiError(404, `Project not found: ${project_identifier}`);
    return { data: projectJson(updated) };
  });

  app.delete('/v1/projects/:project_identifier', async (request, reply) => {
    const { project_identifier } = request.params as ProjectParams;
    const project = await resolveProject(store, project_identifier);
    if (project.name === DEFAULT_PROJECT_NAME) {
      throw new ApiError(403, 'The default project cannot be deleted');
    }
    await store.deleteProject(project.rowid);
    return reply.code(204).send();
  });

  app.get('/v1/projects/:project_identifier/summary', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    const summary = await store.projectSummary(
      project.rowid,
      timeParam(query, 'start_time'),
      timeParam(query, 'end_time'),
    );
    return {
      data: {
        project_id: toGlobalId('Project', project.rowid),
        trace_count: summary.traceCount,
        span_count: summary.spanCount,
        error_trace_count: summary.errorTraceCount,
        latency_ms_p50: summary.latencyMsP50,
        latency_ms_p90: summary.latencyMsP90,
        latency_ms_p99: summary.latencyMsP99,
        token_count_prompt: summary.promptTokens,
        token_count_completion: summary.completionTokens,
        token_count_total: summary.totalTokens,
        cost: summary.cost,
        cost_prompt: summary.costPrompt,
        cost_completion: summary.costCompletion,
        session_count: summary.sessionCount,
        last_activity:
          summary.lastActivityUnixNano === null
            ? null
            : isoFromUnixNano(summary.lastActivityUnixNano),
      },
    };
  });
}
