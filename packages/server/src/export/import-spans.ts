/**
 * Imports a spans file (jsonl, otlp-json or parquet) through the normal ingest path: every span
 * is normalized as an OTLP span would be, then written with `Store.insertSpans` in batches. A
 * batch is one transaction, so an interrupted import leaves only whole batches; spans are keyed
 * by (trace_id, span_id), so importing the same file again replaces rather than duplicates.
 * Spans are written in file order, which keeps the export order stable (export-span-pages.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { OtlpDecodeError } from '../otlp/otlp-decode-error.js';
import { decodeJsonExportRequest } from '../otlp/json-decoder.js';
import type { OtlpExportRequest } from '../otlp/otlp-types.js';
import { normalizeExportRequest } from '../spans/span-normalizer.js';
import type { SpanLimits } from '../spans/span-limits.js';
import type { SpanRecord } from '../spans/span-record.js';
import type { Store } from '../store/store.js';
import {
  heronSpanJsonToOtlp,
  ImportLineError,
  type ImportedSpan,
} from './heron-span-json-to-otlp.js';
import { openParquetSpanFile } from './parquet-span-rows.js';
import type { ImportFormat } from './span-export-format.js';

/** Spans per insert transaction. */
export const DEFAULT_IMPORT_BATCH_SPANS = 2_000;

/** A file that cannot be imported as it is; the message says where and why. */
export class ImportFileError extends Error {}

export interface ImportProgressReport {
  spansDone: number;
  /** Share of the file read, 0..1. */
  fraction: number;
}

export interface ImportOptions {
  format: ImportFormat;
  /** Every span goes to this project; else the project its resource names, else `default`. */
  projectName?: string;
  limits: SpanLimits;
  batchSpans?: number;
  onProgress?: (report: ImportProgressReport) => void;
  /** Checked between batches: when it is true the import stops after the current batch. */
  shouldStop?: () => boolean;
}

export interface ImportResult {
  imported: number;
  rejected: number;
  /** The first few rejection reasons. */
  rejections: string[];
  stopped: boolean;
}

interface SourceBatch {
  request: OtlpExportRequest;
  fraction: number;
}

const REJECTIONS_KEPT = 5;

export async function importSpanFile(
  store: Store,
  path: string,
  options: ImportOptions,
): Promise<ImportResult> {
  const batchSpans = options.batchSpans ?? DEFAULT_IMPORT_BATCH_SPANS;
  const result: ImportResult = { imported: 0, rejected: 0, rejections: [], stopped: false };
  const source =
    options.format === 'parquet'
      ? parquetBatches(path, batchSpans)
      : options.format === 'jsonl'
        ? jsonlBatches(path, batchSpans)
        : otlpJsonBatches(path, batchSpans);
  for await (const { request, fraction } of source) {
    const { spans, rejected } = normalizeExportRequest(request, {
      headerProjectName: options.projectName,
      limits: options.limits,
    });
    for (const r of rejected) {
      result.rejected++;
      if (result.rejections.length < REJECTIONS_KEPT) {
        result.rejections.push(
          `span ${r.spanId || '(none)'} of trace ${r.traceId || '(none)'}: ${r.reason}`,
        );
      }
    }
    if (spans.length > 0) await insertInFileOrder(store, spans);
    result.imported += spans.length;
    options.onProgress?.({ spansDone: result.imported, fraction });
    if (options.shouldStop?.()) {
      result.stopped = true;
      break;
    }
  }
  return result;
}

/**
 * A span listed twice in one batch would be written twice in one statement (PostgreSQL refuses
 * `ON CONFLICT` touching a row twice): the last copy wins, as it would across batches.
 */
async function insertInFileOrder(store: Store, spans: SpanRecord[]): Promise<void> {
  const byKey = new Map<string, SpanRecord>();
  for (const span of spans) {
    const key = `${span.traceId}:${span.spanId}`;
    byKey.delete(key);
    byKey.set(key, span);
  }
  await store.insertSpans(byKey.size === spans.length ? spans : [...byKey.values()]);
}

/** Consecutive spans of the same resource and scope share one resourceSpans entry. */
function requestOf(spans: ImportedSpan[]): OtlpExportRequest {
  const request: OtlpExportRequest = { resourceSpans: [] };
  let lastKey = '';
  for (const imported of spans) {
    const key = JSON.stringify([
      imported.resourceAttributes,
      imported.scopeName,
      imported.scopeVersion,
    ]);
    if (key !== lastKey || request.resourceSpans.length === 0) {
      request.resourceSpans.push({
        resourceAttributes: imported.resourceAttributes,
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: imported.scopeName, version: imported.scopeVersion, attributes: [] },
            spans: [],
            schemaUrl: '',
          },
        ],
      });
      lastKey = key;
    }
    request.resourceSpans.at(-1)!.scopeSpans[0]!.spans.push(imported.span);
  }
  return request;
}

async function* fileLines(
  path: string,
): AsyncGenerator<{ line: string; number: number; fraction: number }> {
  const size = (await stat(path)).size || 1;
  const stream = createReadStream(path, { encoding: 'utf8' });
  let bytes = 0;
  let number = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    number++;
    bytes += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    yield { line, number, fraction: Math.min(1, bytes / size) };
  }
}

async function* jsonlBatches(path: string, batchSpans: number): AsyncGenerator<SourceBatch> {
  let batch: ImportedSpan[] = [];
  let fraction = 0;
  for await (const { line, number, fraction: read } of fileLines(path)) {
    try {
      const json: unknown = JSON.parse(line);
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        throw new ImportLineError('a line must hold one span as a JSON object');
      }
      batch.push(heronSpanJsonToOtlp(json as Record<string, unknown>));
    } catch (error) {
      throw new ImportFileError(`${path}, line ${number}: ${(error as Error).message}`);
    }
    fraction = read;
    if (batch.length >= batchSpans) {
      yield { request: requestOf(batch), fraction };
      batch = [];
    }
  }
  if (batch.length > 0) yield { request: requestOf(batch), fraction: 1 };
}

async function* otlpJsonBatches(path: string, batchSpans: number): AsyncGenerator<SourceBatch> {
  let pending: OtlpExportRequest = { resourceSpans: [] };
  let count = 0;
  for await (const { line, number, fraction } of fileLines(path)) {
    let request: OtlpExportRequest;
    try {
      request = decodeJsonExportRequest(line);
    } catch (error) {
      const why = error instanceof OtlpDecodeError ? error.message : String(error);
      throw new ImportFileError(
        `${path}, line ${number}: not an OTLP/JSON ExportTraceServiceRequest: ${why}`,
      );
    }
    pending.resourceSpans.push(...request.resourceSpans);
    for (const rs of request.resourceSpans)
      for (const ss of rs.scopeSpans) count += ss.spans.length;
    if (count >= batchSpans) {
      yield { request: pending, fraction };
      pending = { resourceSpans: [] };
      count = 0;
    }
  }
  if (pending.resourceSpans.length > 0) yield { request: pending, fraction: 1 };
}

async function* parquetBatches(path: string, batchSpans: number): AsyncGenerator<SourceBatch> {
  let file;
  try {
    file = await openParquetSpanFile(path);
  } catch (error) {
    throw new ImportFileError(
      `${path} is not a readable Parquet file: ${(error as Error).message}`,
    );
  }
  let done = 0;
  for await (const rows of file.rowGroups()) {
    for (let i = 0; i < rows.length; i += batchSpans) {
      const chunk = rows.slice(i, i + batchSpans);
      done += chunk.length;
      yield { request: requestOf(chunk), fraction: file.rowCount === 0 ? 1 : done / file.rowCount };
    }
  }
}
