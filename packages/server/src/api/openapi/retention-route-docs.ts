/**
 * OpenAPI documentation of the retention routes (retention-routes.ts): a project's policy and
 * a sweep on demand. Heron additions; Phoenix sets policies over GraphQL only.
 */
import type { RouteDoc } from './tracing-route-docs.js';
import {
  dataOf,
  errorBody,
  int,
  nullable,
  obj,
  params,
  projectParam,
  str,
} from './schema-parts.js';

const policy = obj({
  project_id: str('Project GlobalID'),
  source: str('project: the project’s own policy; default: HERON_DEFAULT_RETENTION_DAYS'),
  max_age_days: nullable(int('Traces that started longer ago than this go; null: no age limit')),
  max_traces: nullable(
    int('Only the newest this many traces (by start time) stay; null: no limit'),
  ),
});

const policyBody = obj({
  max_age_days: nullable(int('1 to 36500, or null (or absent) for no age limit')),
  max_traces: nullable(int('1 to 1000000000, or null (or absent) for no count limit')),
});

export const RETENTION_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/projects/:project_identifier/retention': {
    summary: 'The retention policy in effect for a project (Heron)',
    description:
      'The project’s own policy, or the server default (HERON_DEFAULT_RETENTION_DAYS; 0 keeps ' +
      'traces forever) when it has none; `source` says which.',
    tags: ['retention'],
    params: params(projectParam),
    response: { 200: dataOf(policy), 404: errorBody },
  },
  'PUT /v1/projects/:project_identifier/retention': {
    summary: 'Set a project’s own retention policy (Heron)',
    description:
      'Replaces the project’s policy. A trace goes when either limit says so; both null keeps ' +
      'the project’s traces forever, whatever the default. The sweeper applies it on its next ' +
      'run (or POST /v1/retention/sweep now). 422 for a limit that is not a whole number in ' +
      'range, or an unknown field.',
    tags: ['retention'],
    params: params(projectParam),
    body: policyBody,
    response: { 200: dataOf(policy), 404: errorBody, 422: errorBody },
  },
  'DELETE /v1/projects/:project_identifier/retention': {
    summary: 'Put a project back on the default retention policy (Heron)',
    description: 'Answers the policy now in effect (the default). Idempotent.',
    tags: ['retention'],
    params: params(projectParam),
    response: { 200: dataOf(policy), 404: errorBody },
  },
  'POST /v1/projects/:project_identifier/clear': {
    summary: 'Delete all of a project’s data but keep the project (Heron)',
    description:
      'Deletes every trace of the project that exists when the call starts, with its spans, ' +
      'annotations and notes, and the sessions left empty; the project keeps its id, name, ' +
      'description, retention policy, saved views and annotation configs. Runs in batches of ' +
      'HERON_RETENTION_SWEEP_BATCH_TRACES traces, one short transaction each, so ingestion is ' +
      'not blocked; waits until done and answers what was deleted. Live listeners get a ' +
      '`deleted` event.',
    tags: ['projects'],
    params: params(projectParam),
    response: {
      200: dataOf(
        obj({
          deleted_traces: int(),
          deleted_spans: int(),
          deleted_sessions: int(),
          batches: int('Transactions it took'),
        }),
      ),
      404: errorBody,
    },
  },
  'POST /v1/retention/sweep': {
    summary: 'Run a retention sweep now and wait for it (Heron)',
    description:
      'Deletes every trace due under the policies, in batches of HERON_RETENTION_SWEEP_BATCH_TRACES ' +
      '(after the periodic sweep in progress, if any), with its spans and annotations; sessions ' +
      'left without traces go too. Answers what was deleted.',
    tags: ['retention'],
    response: {
      200: dataOf(
        obj({
          deleted_traces: int(),
          deleted_spans: int(),
          deleted_sessions: int('Sessions left without traces'),
          batches: int('Transactions it took'),
        }),
      ),
    },
  },
};
