/**
 * The file formats spans are exported to and imported from, with their file extensions and
 * HTTP content types. A file's format is taken from its extension unless it is named.
 */
export const EXPORT_FORMATS = ['jsonl', 'otlp-json', 'csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** CSV is flat and lossy (no events, links, resource): it is written, never read back. */
export const IMPORT_FORMATS = ['jsonl', 'otlp-json', 'parquet'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const FORMAT_EXTENSIONS: Record<ExportFormat, string> = {
  jsonl: '.jsonl',
  'otlp-json': '.otlp.jsonl',
  csv: '.csv',
  parquet: '.parquet',
};

export const FORMAT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  'otlp-json': 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** The import format a file name implies, or null when its extension says nothing. */
export function importFormatOfFile(fileName: string): ImportFormat | null {
  const name = fileName.toLowerCase();
  if (name.endsWith('.otlp.jsonl') || name.endsWith('.otlp.json')) return 'otlp-json';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.parquet')) return 'parquet';
  return null;
}
