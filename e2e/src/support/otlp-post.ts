/**
 * Raw OTLP/HTTP requests (no exporter in between), so tests control every header and byte,
 * and decoding of what Heron answers: ExportTraceServiceResponse or google.rpc.Status, in the
 * request's encoding.
 */
import { request as httpRequest } from 'node:http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeRpcStatus, type RpcStatus } from './protobuf-reader.js';

export const PROTOBUF = 'application/x-protobuf';
export const JSON_TYPE = 'application/json';

export interface OtlpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface PostOptions {
  contentType?: string;
  contentEncoding?: string;
  headers?: Record<string, string>;
  path?: string;
}

export async function postOtlp(
  baseUrl: string,
  body: Uint8Array | string,
  options: PostOptions = {},
): Promise<OtlpResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.contentEncoding !== undefined) headers['content-encoding'] = options.contentEncoding;
  const response = await fetch(`${baseUrl}${options.path ?? '/v1/traces'}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** POSTs with `Transfer-Encoding: chunked` and no Content-Length, writing `pieces` one by one. */
export function postChunked(
  baseUrl: string,
  pieces: Buffer[],
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  const url = new URL('/v1/traces', baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...headers, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    let i = 0;
    const writeNext = () => {
      if (i >= pieces.length) {
        req.end();
        return;
      }
      req.write(pieces[i++]);
      setTimeout(writeNext, 5);
    };
    writeNext();
  });
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** The partial_success of a 200 answer, or null when the answer says everything was accepted. */
export function exportResponseOf(
  response: OtlpResponse,
  contentType: string,
): PartialSuccess | null {
  if (contentType.startsWith(JSON_TYPE)) {
    const json = JSON.parse(response.body.toString('utf8')) as {
      partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string };
    };
    const partial = json.partialSuccess;
    if (!partial || (Number(partial.rejectedSpans ?? 0) === 0 && !partial.errorMessage))
      return null;
    return {
      rejectedSpans: Number(partial.rejectedSpans ?? 0),
      errorMessage: partial.errorMessage ?? '',
    };
  }
  const decoded = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(response.body));
  const partial = decoded.partialSuccess;
  if (!partial || (Number(partial.rejectedSpans ?? 0) === 0 && !partial.errorMessage)) return null;
  return {
    rejectedSpans: Number(partial.rejectedSpans ?? 0),
    errorMessage: partial.errorMessage ?? '',
  };
}

/** The google.rpc.Status of an error answer, decoded per the answer's Content-Type. */
export function errorStatusOf(response: OtlpResponse): RpcStatus {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith(JSON_TYPE)) {
    const json = JSON.parse(response.body.toString('utf8')) as RpcStatus;
    return { code: json.code, message: json.message };
  }
  return decodeRpcStatus(response.body);
}

export async function healthy(baseUrl: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/healthz`);
  await response.arrayBuffer();
  return response.status === 200;
}

/** The media type of a Content-Type header, without parameters (`; charset=utf-8`). */
export function mediaType(contentType: string | null | undefined): string | null {
  return contentType ? contentType.split(';')[0]!.trim().toLowerCase() : null;
}
