/**
 * POST /v1/spans from a test, and the two answers read back the way Phoenix's clients read
 * them: multipart JSON split on the boundary with each part's position prefixes stripped
 * (phoenix.client's `_process_span_dataframe`), and concatenated Arrow IPC streams read one
 * after another with apache-arrow (as pyarrow's `open_stream` does for `px.Client`).
 */
import { request as httpRequest } from 'node:http';
import { RecordBatchReader, Table } from 'apache-arrow';

export const ARROW_TYPE = 'application/x-pandas-arrow';

export interface SpanQueryRequest {
  body: unknown;
  accept?: string;
  /** Query parameters, e.g. {project_name: 'x'}. */
  params?: Record<string, string>;
  headers?: Record<string, string>;
  method?: 'POST' | 'GET';
}

export async function querySpans(baseUrl: string, request: SpanQueryRequest): Promise<Response> {
  const url = new URL('/v1/spans', baseUrl);
  for (const [name, value] of Object.entries(request.params ?? {})) {
    url.searchParams.set(name, value);
  }
  const headers = {
    'content-type': 'application/json',
    ...(request.accept ? { accept: request.accept } : {}),
    ...request.headers,
  };
  const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  if (request.method === 'GET') return getWithBody(url, headers, body);
  return fetch(url, { method: 'POST', headers, body });
}

/** fetch refuses a GET with a body; Python's requests and httpx send one, so node:http does. */
function getWithBody(url: URL, headers: Record<string, string>, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    // Node frames a GET body only with an explicit length (it never chunks a GET).
    const framed = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const request = httpRequest(url, { method: 'GET', headers: framed }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === 'string') answerHeaders.set(name, value);
        }
        resolve(
          new Response(Buffer.concat(chunks), {
            status: response.statusCode ?? 0,
            headers: answerHeaders,
          }),
        );
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A dataframe decoded from a pandas table-JSON part, names without their prefixes. */
export interface JsonFrame {
  indexNames: string[];
  columns: string[];
  /** Field types by (unprefixed) name, index levels included. */
  types: Record<string, string>;
  /** Rows keyed by unprefixed name, index levels included. */
  rows: Record<string, unknown>[];
}

export function multipartFrames(contentType: string, body: string): JsonFrame[] {
  const match = /boundary=([^;]+)/.exec(contentType);
  if (!match) throw new Error(`no boundary in ${contentType}`);
  const boundary = `--${match[1]}`;
  return body
    .split(boundary)
    .filter((part) => part.includes('Content-Type: application/json'))
    .map((part) => decodeTableJson(part.split('\r\n\r\n')[1]!.trim()));
}

/** Phoenix's `_decode_df_from_json_string`: everything up to the first `_` is a position. */
function decodeTableJson(text: string): JsonFrame {
  const json = JSON.parse(text) as {
    schema: { fields: { name: string; type: string }[]; primaryKey: string[] };
    data: Record<string, unknown>[];
  };
  const strip = (name: string) => name.split(/_(.*)/s)[1] ?? '';
  const primary = new Set(json.schema.primaryKey);
  return {
    indexNames: json.schema.primaryKey.map(strip),
    columns: json.schema.fields.filter((f) => !primary.has(f.name)).map((f) => strip(f.name)),
    types: Object.fromEntries(json.schema.fields.map((f) => [strip(f.name), f.type])),
    rows: json.data.map((row) =>
      Object.fromEntries(Object.entries(row).map(([name, value]) => [strip(name), value])),
    ),
  };
}

export interface PandasMetadata {
  index_columns: string[];
  columns: { name: string; field_name: string; pandas_type: string }[];
}

export async function arrowTables(body: Uint8Array): Promise<Table[]> {
  const tables: Table[] = [];
  for await (const reader of RecordBatchReader.readAll(body)) {
    tables.push(new Table(await reader.readAll()));
  }
  return tables;
}

export function pandasMetadata(table: Table): PandasMetadata {
  return JSON.parse(table.schema.metadata.get('pandas')!) as PandasMetadata;
}
