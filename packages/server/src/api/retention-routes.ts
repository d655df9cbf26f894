/**
 * Retention (Heron): a project's policy — read the one in effect (its own or the server's
 * default), set its own, go back to the default — and a sweep run on demand.
 */
import type { FastifyInstance } from 'fastify';
import type { RetentionSweeper } from '../retention/retention-sweeper.js';
import { MAX_RETENTION_DAYS, MAX_RETENTION_TRACES } from '../retention/retention-settings.js';
import type { RetentionPolicy } from '../store/retention-policy.js';
import type { ProjectRow, Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { bodyObject, type JsonObject } from './request-body.js';

export interface RetentionRoutesOptions {
  store: Store;
  sweeper: RetentionSweeper;
  /** The policy of projects without their own (HERON_DEFAULT_RETENTION_DAYS). */
  defaultPolicy: RetentionPolicy;
}

type ProjectParams = { project_identifier: string };

const POLICY_FIELDS = ['max_age_days', 'max_traces'] as const;

function policyJson(project: ProjectRow, own: RetentionPolicy | null, fallback: RetentionPolicy) {
  const policy = own ?? fallback;
  return {
    project_id: toGlobalId('Project', project.rowid),
    source: own === null ? 'default' : 'project',
    max_age_days: policy.maxAgeDays,
    max_traces: policy.maxTraces,
  };
}

/** A limit: a positive integer up to `max`, or null (or absent) for no limit. */
function limitField(body: JsonObject, field: string, max: number): number | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ApiError(
      422,
      `${field} must be a whole number from 1 to ${max}, or null for no limit; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function parsePolicy(raw: unknown): RetentionPolicy {
  const body = bodyObject(raw);
  const unknown = Object.keys(body).filter(
    (key) => !(POLICY_FIELDS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new ApiError(
      422,
      `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: a retention policy ` +
        'has max_age_days and max_traces',
    );
  }
  return {
    maxAgeDays: limitField(body, 'max_age_days', MAX_RETENTION_DAYS),
    maxTraces: limitField(body, 'max_traces', MAX_RETENTION_TRACES),
  };
}

export function registerRetentionRoutes(app: FastifyInstance, options: RetentionRoutesOptions) {
  const { store, sweeper, defaultPolicy } = options;

  app.get('/v1/projects/:project_identifier/retention', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    const project = await resolveProject(store, project_identifier);
    const own = await store.getRetentionPolicy(project.rowid);
    return { data: policyJson(project, own, defaultPolicy) };
  });

  app.put('/v1/projects/:project_identifier/retention', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    const project = await resolveProject(store, project_identifier);
    const policy = parsePolicy(request.body);
    if (!(await store.setRetentionPolicy(project.rowid, policy))) {
      throw new ApiError(404, `Project not found: ${project_identifier}`);
    }
    return { data: policyJson(project, policy, defaultPolicy) };
  });

  app.delete('/v1/projects/:project_identifier/retention', async (request) => {
    const { project_identifier } = request.params as ProjectParams;
    const project = await resolveProject(store, project_identifier);
    await store.clearRetentionPolicy(project.rowid);
    return { data: policyJson(project, null, defaultPolicy) };
  });

  app.post('/v1/retention/sweep', async () => {
    const totals = await sweeper.sweepNow();
    return {
      data: {
        deleted_traces: totals.deletedTraces,
        deleted_spans: totals.deletedSpans,
        deleted_sessions: totals.deletedSessions,
        batches: totals.batches,
      },
    };
  });
}
