/**
 * `GET /v1/projects/{project_identifier}/export`: the spans of a project, as the span list
 * would select them (filter expression, full-text `q`, time window, roots only), streamed as a
 * jsonl, otlp-json or csv file download — the same export module `heron export` uses, so the
 * UI's Download action and the CLI give the same bytes. (Parquet is CLI-only: it is written in
 * two passes into a file.)
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api/api-error.js';
import { filterParam, searchParam, type FilterContext } from '../api/filter-params.js';
import { resolveProject } from '../api/project-lookup.js';
import { booleanParam, stringParam, timeParam, type QueryParams } from '../api/query-params.js';
import type { Store } from '../store/store.js';
import { DEFAULT_EXPORT_PAGE_SPANS } from './export-span-pages.js';
import { textExportChunks, type TextExportFormat } from './export-spans.js';
import { FORMAT_CONTENT_TYPES, FORMAT_EXTENSIONS } from './span-export-format.js';

export const DOWNLOAD_FORMATS: readonly TextExportFormat[] = ['jsonl', 'otlp-json', 'csv'];

/** A file name safe in a Content-Disposition header: the project name, tamed. */
function downloadName(project: string, format: TextExportFormat): string {
  const base = project.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'project';
  return `${base}-spans${FORMAT_EXTENSIONS[format]}`;
}

export interface ExportRouteSettings {
  /** Spans read per page (HERON_EXPORT_PAGE_SPANS). */
  pageSpans: number;
}

export function registerExportRoutes(
  app: FastifyInstance,
  store: Store,
  filters: FilterContext,
  settings: ExportRouteSettings = { pageSpans: DEFAULT_EXPORT_PAGE_SPANS },
): void {
  app.get('/v1/projects/:project_identifier/export', async (request, reply) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const format = stringParam(query, 'format') ?? 'jsonl';
    if (!(DOWNLOAD_FORMATS as readonly string[]).includes(format)) {
      throw new ApiError(
        422,
        `format must be one of ${DOWNLOAD_FORMATS.join(', ')} (Parquet: use \`heron export --format parquet\`)`,
      );
    }
    const project = await resolveProject(store, project_identifier);
    const chunks = textExportChunks(
      store,
      {
        projectId: project.rowid,
        startTime: timeParam(query, 'start_time'),
        endTime: timeParam(query, 'end_time'),
        filter: filterParam(query, 'span', filters),
        search: searchParam(query),
        rootsOnly: booleanParam(query, 'root_spans_only'),
      },
      format as TextExportFormat,
      { pageSpans: settings.pageSpans },
    );
    return reply
      .type(FORMAT_CONTENT_TYPES[format as TextExportFormat])
      .header(
        'content-disposition',
        `attachment; filename="${downloadName(project.name, format as TextExportFormat)}"`,
      )
      .send(Readable.from(chunks));
  });
}
