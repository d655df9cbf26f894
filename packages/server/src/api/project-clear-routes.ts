/**
 * Clearing a project's data from the projects page: `POST /v1/projects/{id}/clear` deletes its
 * traces, spans, sessions and annotations, batch by batch (store/project-clear.ts), and keeps
 * the project with its settings.
 */
import type { FastifyInstance } from 'fastify';
import { clearProject } from '../store/project-clear.js';
import type { Store } from '../store/store.js';
import { resolveProject } from './project-lookup.js';

export interface ProjectClearRoutesOptions {
  store: Store;
  /** Traces per transaction (HERON_RETENTION_SWEEP_BATCH_TRACES, as the retention sweep). */
  batchTraces: number;
}

export function registerProjectClearRoutes(
  app: FastifyInstance,
  { store, batchTraces }: ProjectClearRoutesOptions,
): void {
  app.post('/v1/projects/:project_identifier/clear', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const project = await resolveProject(store, project_identifier);
    const result = await clearProject(store, project.rowid, batchTraces);
    request.log.info(
      `clear: deleted ${result.deletedTraces} traces (${result.deletedSpans} spans, ` +
        `${result.deletedSessions} sessions) of project ${project.name} in ${result.batches} batches`,
    );
    return {
      data: {
        deleted_traces: result.deletedTraces,
        deleted_spans: result.deletedSpans,
        deleted_sessions: result.deletedSessions,
        batches: result.batches,
      },
    };
  });
}
