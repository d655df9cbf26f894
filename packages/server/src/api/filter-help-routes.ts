/**
 * Heron: help for the UI's filter bar — what to suggest while typing (attribute keys of the
 * project's newest spans, its annotation names and span kinds), and whether an expression is
 * valid, answered with the very message, column and suggestion the list routes would give.
 */
import type { FastifyInstance } from 'fastify';
import { FilterSyntaxError } from '../query/filter-syntax-error.js';
import { compileSessionFilter } from '../query/session-filter-compiler.js';
import { compileSpanFilter } from '../query/span-filter-compiler.js';
import { compileTraceFilter } from '../query/trace-filter-compiler.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { FilterContext } from './filter-params.js';
import { resolveProject } from './project-lookup.js';
import { stringParam, type QueryParams } from './query-params.js';
import type { UiApiLimits } from './ui-api-limits.js';

/** `scope` → the list whose language applies, as filter-params.ts names it in messages. */
const SCOPES = {
  spans: { target: 'span', compile: compileSpanFilter },
  traces: { target: 'trace', compile: compileTraceFilter },
  sessions: { target: 'session', compile: compileSessionFilter },
} as const;
type Scope = keyof typeof SCOPES;

export type FilterValidation =
  { valid: true } | { valid: false; message: string; position?: number; suggestion?: string };

export function validateFilter(
  expression: string,
  scope: Scope,
  context: FilterContext,
): FilterValidation {
  // Blank is "no filter" for the lists too.
  if (expression.trim() === '') return { valid: true };
  const { target, compile } = SCOPES[scope];
  try {
    compile(expression, context.dialect, { limits: context.limits });
    return { valid: true };
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    return {
      valid: false,
      // Word for word what a list answers with its 422 (filter-params.ts).
      message: `Invalid ${target} filter: ${error.message}`,
      position: error.column,
      ...(error.suggestion === undefined ? {} : { suggestion: error.suggestion }),
    };
  }
}

export function registerFilterHelpRoutes(
  app: FastifyInstance,
  store: Store,
  options: { filters: FilterContext; limits: UiApiLimits },
): void {
  app.get('/v1/projects/:project_identifier/filter-suggestions', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const project = await resolveProject(store, project_identifier);
    const suggestions = await store.filterSuggestions(project.rowid, {
      sampleSpans: options.limits.filterSuggestionSampleSpans,
      maxKeys: options.limits.maxFilterSuggestions,
    });
    return {
      data: {
        attribute_keys: suggestions.attributeKeys,
        annotation_names: suggestions.annotationNames,
        span_kinds: suggestions.spanKinds,
      },
    };
  });

  app.get('/v1/projects/:project_identifier/filter/validate', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    await resolveProject(store, project_identifier);
    const scope = stringParam(query, 'scope') ?? 'spans';
    if (!Object.hasOwn(SCOPES, scope)) {
      throw new ApiError(
        400,
        `scope must be one of ${Object.keys(SCOPES).join(', ')}, got "${scope}"`,
      );
    }
    const expression = stringParam(query, 'filter') ?? '';
    return { data: validateFilter(expression, scope as Scope, options.filters) };
  });
}
