/**
 * Exports a project's spans: the text formats as a stream of chunks (one per page of spans, for
 * a file, stdout or an HTTP response alike), Parquet into a file (one row group per page).
 * Memory is bounded by the page size however many spans are exported.
 */
import { rename, rm } from 'node:fs/promises';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { Store } from '../store/store.js';
import { csvHeader, csvSpanRow } from './csv-span-row.js';
import {
  DEFAULT_EXPORT_PAGE_SPANS,
  exportSpanPages,
  type SpanExportQuery,
} from './export-span-pages.js';
import { jsonlSpanLine } from './jsonl-span-line.js';
import { toOtlpExportRequestJson } from './otlp-json-request.js';
import { AttributeColumnSurvey, parquetSchema, spanColumnData } from './parquet-span-columns.js';

export type TextExportFormat = 'jsonl' | 'otlp-json' | 'csv';

/** Told after each page how many spans are written so far. */
export type ExportProgress = (spansDone: number) => void;

export interface ExportOptions {
  onProgress?: ExportProgress;
  /** Spans per page (and per Parquet row group). */
  pageSpans?: number;
  /** Checked between pages: when it is true the export ends with `ExportStoppedError`. */
  shouldStop?: () => boolean;
}

/** The export was stopped on request (Ctrl-C) before its end; `spansDone` were written. */
export class ExportStoppedError extends Error {
  constructor(readonly spansDone: number) {
    super(`export stopped after ${spansDone} spans`);
  }
}

/** The export as text chunks; the whole file is their concatenation. */
export async function* textExportChunks(
  store: Store,
  query: SpanExportQuery,
  format: TextExportFormat,
  options: ExportOptions = {},
): AsyncGenerator<string> {
  let done = 0;
  if (format === 'csv') yield csvHeader();
  for await (const page of exportSpanPages(store, query, options.pageSpans)) {
    if (options.shouldStop?.()) throw new ExportStoppedError(done);
    if (format === 'jsonl') yield page.map(jsonlSpanLine).join('');
    else if (format === 'csv') yield page.map(csvSpanRow).join('');
    else yield `${JSON.stringify(toOtlpExportRequestJson(page))}\n`;
    done += page.length;
    options.onProgress?.(done);
  }
}

/**
 * Writes the Parquet export to `path`: first into `path.partial`, renamed when complete, so an
 * interrupted export never leaves a truncated file under the real name (and a stopped or failed
 * one removes its partial file). Returns the span count.
 */
export async function writeParquetExport(
  store: Store,
  query: SpanExportQuery,
  path: string,
  options: ExportOptions = {},
): Promise<number> {
  const pageSpans = options.pageSpans ?? DEFAULT_EXPORT_PAGE_SPANS;
  const survey = new AttributeColumnSurvey();
  for await (const page of exportSpanPages(store, query, pageSpans)) {
    if (options.shouldStop?.()) throw new ExportStoppedError(0);
    for (const span of page) survey.add(span);
  }
  const columns = survey.columns();
  const partial = `${path}.partial`;
  const writer = new ParquetWriter({
    writer: fileWriter(partial),
    schema: parquetSchema(columns) as ConstructorParameters<typeof ParquetWriter>[0]['schema'],
    createdBy: 'heron',
  });
  let done = 0;
  try {
    for await (const page of exportSpanPages(store, query, pageSpans)) {
      if (options.shouldStop?.()) throw new ExportStoppedError(done);
      await writer.write({
        columnData: spanColumnData(page, columns) as Parameters<
          ParquetWriter['write']
        >[0]['columnData'],
        rowGroupSize: page.length,
      });
      done += page.length;
      options.onProgress?.(done);
    }
    writer.finish();
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, path);
  return done;
}
