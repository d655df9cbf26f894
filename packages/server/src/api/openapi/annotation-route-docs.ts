/**
 * OpenAPI documentation of the annotation routes (annotation-routes.ts) and annotation-config
 * routes (annotation-config-routes.ts), keyed by "METHOD /path" like tracing-route-docs.ts.
 */
import {
  anyObject,
  bool,
  cursorQuery,
  dataOf,
  errorBody,
  int,
  list,
  noContent,
  nullable,
  num,
  obj,
  pageOf,
  params,
  projectParam,
  str,
  timeWindow,
  type JsonSchema,
} from './schema-parts.js';
import type { RouteDoc } from './tracing-route-docs.js';

const TARGETS = {
  span: { field: 'span_id', what: '16 hex OTel span id', plural: 'span_ids' },
  trace: { field: 'trace_id', what: '32 hex OTel trace id', plural: 'trace_ids' },
  session: { field: 'session_id', what: 'The session.id the spans carry', plural: 'session_ids' },
} as const;

const result = obj({
  label: nullable(str()),
  score: nullable(num()),
  explanation: nullable(str()),
});

const annotationFields = {
  name: str('Not "note" (reserved for notes: 400)'),
  annotator_kind: str('LLM | CODE | HUMAN'),
  result: nullable(result),
  metadata: nullable(anyObject()),
  identifier: str('Upsert key part; default ""'),
};

const annotationData = (field: string, what: string): JsonSchema =>
  obj({ [field]: str(what), ...annotationFields }, [field, 'name', 'annotator_kind']);

const storedAnnotation = (field: string): JsonSchema =>
  obj({
    id: str('GlobalID'),
    created_at: str(),
    updated_at: str(),
    source: str('API | APP'),
    user_id: nullable(str()),
    ...annotationFields,
    [field]: str(),
  });

const inserted = list(obj({ id: str('GlobalID') }));

const syncQuery = obj({
  sync: bool('true: answer the ids, 404 when a target is missing. false (default): answer []'),
});

const config = obj({
  id: str('GlobalID'),
  name: str(),
  type: str('CATEGORICAL | CONTINUOUS | FREEFORM'),
  description: nullable(str()),
  optimization_direction: nullable(str('MINIMIZE | MAXIMIZE | NONE')),
  values: list(obj({ label: str(), score: nullable(num()) }), 'CATEGORICAL'),
  lower_bound: nullable(num('CONTINUOUS, FREEFORM')),
  upper_bound: nullable(num('CONTINUOUS, FREEFORM')),
  threshold: nullable(num('FREEFORM')),
});
const configBody = obj(
  {
    name: str(),
    type: str('CATEGORICAL | CONTINUOUS | FREEFORM'),
    description: nullable(str()),
    optimization_direction: str('MINIMIZE | MAXIMIZE | NONE (optional for FREEFORM)'),
    values: list(obj({ label: str(), score: nullable(num()) }), 'CATEGORICAL: non-empty'),
    lower_bound: nullable(num()),
    upper_bound: nullable(num()),
    threshold: nullable(num()),
  },
  ['name', 'type'],
);
const configParam: [string, string] = ['config_identifier', 'AnnotationConfig GlobalID or name'];

export const ANNOTATION_ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /v1/document_annotations': {
    summary: 'Upsert document annotations on (name, span, document_position)',
    description: 'identifier must be empty. Batch is all-or-nothing; 413 above the request limit.',
    tags: ['annotations'],
    querystring: syncQuery,
    body: dataOf(
      list(
        obj(
          {
            ...(annotationData('span_id', '16 hex OTel span id').properties as object),
            document_position: int('0-based'),
          },
          ['span_id', 'document_position', 'name', 'annotator_kind'],
        ),
      ),
    ),
    response: {
      200: dataOf(inserted),
      400: errorBody,
      404: errorBody,
      413: errorBody,
      422: errorBody,
    },
  },
  'GET /v1/annotation_configs': {
    summary: 'List annotation configs, newest first',
    tags: ['annotation configs'],
    querystring: obj({ ...cursorQuery }),
    response: { 200: pageOf(config), 422: errorBody },
  },
  'POST /v1/annotation_configs': {
    summary: 'Create an annotation config (body is the config itself)',
    tags: ['annotation configs'],
    body: configBody,
    response: { 200: dataOf(config), 409: errorBody, 422: errorBody },
  },
  'GET /v1/annotation_configs/:config_identifier': {
    summary: 'Get an annotation config by GlobalID or name',
    tags: ['annotation configs'],
    params: params(configParam),
    response: { 200: dataOf(config), 404: errorBody },
  },
  'PUT /v1/annotation_configs/:config_identifier': {
    summary: 'Replace an annotation config',
    tags: ['annotation configs'],
    params: params(configParam),
    body: configBody,
    response: { 200: dataOf(config), 404: errorBody, 409: errorBody, 422: errorBody },
  },
  'DELETE /v1/annotation_configs/:config_identifier': {
    summary: 'Delete an annotation config (answers it; project assignments go with it)',
    tags: ['annotation configs'],
    params: params(configParam),
    response: { 200: dataOf(config), 404: errorBody },
  },
  'GET /v1/projects/:project_identifier/annotation_configs': {
    summary: 'Annotation configs assigned to a project, newest first',
    tags: ['annotation configs'],
    params: params(projectParam),
    querystring: obj({ ...cursorQuery }),
    response: { 200: pageOf(config), 404: errorBody, 422: errorBody },
  },
  'PUT /v1/projects/:project_identifier/annotation_configs': {
    summary: 'Replace the set of configs assigned to a project',
    tags: ['annotation configs'],
    params: params(projectParam),
    body: obj({ annotation_config_ids: list(str('GlobalID')) }, ['annotation_config_ids']),
    response: { 200: pageOf(config), 404: errorBody, 422: errorBody },
  },
  'PUT /v1/projects/:project_identifier/annotation_configs/:config_identifier': {
    summary: 'Assign a config to a project (idempotent)',
    tags: ['annotation configs'],
    params: params(projectParam, configParam),
    response: { 200: dataOf(config), 404: errorBody },
  },
  'DELETE /v1/projects/:project_identifier/annotation_configs/:config_identifier': {
    summary: 'Unassign a config from a project (idempotent)',
    tags: ['annotation configs'],
    params: params(projectParam, configParam),
    response: { 204: noContent, 404: errorBody },
  },
};

for (const [kind, { field, what, plural }] of Object.entries(TARGETS)) {
  ANNOTATION_ROUTE_DOCS[`POST /v1/${kind}_annotations`] = {
    summary: `Upsert ${kind} annotations on (name, ${kind}, identifier)`,
    description:
      'Committed before the answer, also with sync=false (then unknown targets are skipped and ' +
      'logged). Batch is all-or-nothing; 413 above HERON_MAX_ANNOTATIONS_PER_REQUEST.',
    tags: ['annotations'],
    querystring: syncQuery,
    body: dataOf(list(annotationData(field, what))),
    response: {
      200: dataOf(inserted),
      400: errorBody,
      404: errorBody,
      413: errorBody,
      422: errorBody,
    },
  };
  ANNOTATION_ROUTE_DOCS[`POST /v1/${kind}_notes`] = {
    summary: `Add a note to a ${kind} (a new one per call unless an identifier is given)`,
    tags: ['annotations'],
    body: dataOf(obj({ [field]: str(what), note: str(), identifier: str() }, [field, 'note'])),
    response: { 200: dataOf(obj({ id: str('GlobalID') })), 404: errorBody, 422: errorBody },
  };
  ANNOTATION_ROUTE_DOCS[`GET /v1/projects/:project_identifier/${kind}_annotations`] = {
    summary: `List ${kind} annotations by ${plural} and/or identifier, newest first`,
    tags: ['annotations'],
    params: params(projectParam),
    querystring: obj({
      ...cursorQuery,
      limit: int('Page size; default 10, at most 10000'),
      [plural]: list(str(), 'Repeatable; at most 1000'),
      identifier: list(str(), 'Repeatable, non-empty; at most 1000'),
      include_annotation_names: list(str(), 'Repeatable'),
      exclude_annotation_names: list(str(), 'Repeatable'),
    }),
    response: { 200: pageOf(storedAnnotation(field)), 404: errorBody, 422: errorBody },
  };
  ANNOTATION_ROUTE_DOCS[`DELETE /v1/projects/:project_identifier/${kind}_annotations`] = {
    summary: `Delete ${kind} annotations matching a filter`,
    description: 'Needs both start_time and end_time (on created_at) or delete_all=true.',
    tags: ['annotations'],
    params: params(projectParam),
    querystring: obj({
      ...timeWindow,
      name: str(),
      identifier: str(),
      annotator_kind: str('LLM | CODE | HUMAN'),
      delete_all: bool(),
    }),
    response: { 204: noContent, 404: errorBody, 422: errorBody },
  };
}
