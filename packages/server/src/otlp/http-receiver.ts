/**
 * OTLP/HTTP receiver: POST /v1/traces (protobuf or JSON, optionally gzip/deflate), and no-op
 * POST /v1/logs and /v1/metrics so applications exporting all three signals see no errors.
 *
 * Bodies are read as raw bytes (chunked or not) up to HERON_MAX_REQUEST_BYTES; fastify answers
 * 413 beyond that without buffering the rest.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IngestLimits } from '../config.js';
import {
  partialSuccessOf,
  type ExportIngester,
  type ExportOutcome,
} from '../ingest/export-ingester.js';
import { QueueClosedError, QueueFullError } from '../ingest/ingest-queue.js';
import { decodeJsonExportRequest } from './json-decoder.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { decodeProtobufExportRequest } from './protobuf-decoder.js';
import {
  contentTypeOf,
  encodeErrorStatus,
  encodeExportResponse,
  GRPC_CODE,
} from './export-response.js';
import {
  BodyError,
  decodeContentEncoding,
  otlpEncodingOf,
  type OtlpEncoding,
} from './request-body.js';

export const PROJECT_NAME_HEADER = 'x-project-name';

export function registerOtlpHttpReceiver(
  app: FastifyInstance,
  ingester: ExportIngester,
  limits: IngestLimits,
): void {
  void app.register(async (scope) => {
    // OTLP bodies are bytes whatever their Content-Type; the handlers decide how to decode them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: limits.maxRequestBytes },
      (_request, body, done) => done(null, body),
    );

    scope.setErrorHandler((error: Error, request, reply) => {
      const encoding = otlpEncodingOf(request.headers['content-type']) ?? 'json';
      const { status, retryAfter } = ingestErrorStatus(error);
      if (request.url.startsWith('/v1/traces')) ingester.refused('http', error);
      const message =
        status === 413 && !(error instanceof BodyError)
          ? `Request body exceeds ${limits.maxRequestBytes} bytes (HERON_MAX_REQUEST_BYTES)`
          : error.message;
      if (
        status === 503 &&
        !(error instanceof QueueFullError || error instanceof QueueClosedError)
      ) {
        request.log.error({ err: error }, 'committing spans failed');
      }
      if (retryAfter) void reply.header('retry-after', String(limits.retryAfterSeconds));
      void sendError(reply, encoding, status, message);
    });

    scope.post('/v1/traces', async (request, reply) => {
      const encoding = requireEncoding(request);
      const body = await decodeContentEncoding(
        (request.body as Buffer | undefined) ?? Buffer.alloc(0),
        request.headers['content-encoding'],
        limits.maxDecompressedBytes,
      );
      const headerProject = request.headers[PROJECT_NAME_HEADER];
      const outcome = await decodeAndIngest(
        ingester,
        encoding,
        body,
        typeof headerProject === 'string' ? headerProject : undefined,
      );
      const partial = partialSuccessOf(outcome);
      return reply
        .code(200)
        .header('content-type', contentTypeOf(encoding))
        .send(encodeExportResponse(encoding, partial));
    });

    // Accepted so exporters of logs and metrics do not report failures; not stored.
    for (const path of ['/v1/logs', '/v1/metrics']) {
      scope.post(path, async (request, reply) => {
        const encoding = requireEncoding(request);
        return reply
          .code(200)
          .header('content-type', contentTypeOf(encoding))
          .send(encoding === 'json' ? '{}' : Buffer.alloc(0));
      });
    }
  });
}

/**
 * Not `async`, so the decoded request is not kept until the commit (V8 keeps an async function's
 * locals until it ends; see ExportIngester.ingest).
 */
function decodeAndIngest(
  ingester: ExportIngester,
  encoding: OtlpEncoding,
  body: Buffer,
  headerProject: string | undefined,
): Promise<ExportOutcome> {
  const exportRequest =
    encoding === 'protobuf' ? decodeProtobufExportRequest(body) : decodeJsonExportRequest(body);
  return ingester.ingest(exportRequest, headerProject);
}

function requireEncoding(request: FastifyRequest): OtlpEncoding {
  const encoding = otlpEncodingOf(request.headers['content-type']);
  if (!encoding) {
    throw new BodyError(
      415,
      `Unsupported Content-Type "${request.headers['content-type'] ?? ''}"; OTLP/HTTP takes application/x-protobuf or application/json`,
    );
  }
  return encoding;
}

function sendError(reply: FastifyReply, encoding: OtlpEncoding, status: number, message: string) {
  return reply
    .code(status)
    .header('content-type', contentTypeOf(encoding))
    .send(encodeErrorStatus(encoding, grpcCodeFor(status), message));
}

function grpcCodeFor(status: number): number {
  if (status === 503) return GRPC_CODE.UNAVAILABLE;
  if (status >= 500) return GRPC_CODE.INTERNAL;
  return GRPC_CODE.INVALID_ARGUMENT;
}

/**
 * Gives ingest errors their HTTP status: malformed bodies 400, wrong type 415, too large 413,
 * a full queue 503 with Retry-After (OTLP exporters retry on it), and a failed commit 503 too:
 * nothing of the request was acknowledged, so a retry is safe.
 */
export function ingestErrorStatus(error: unknown): { status: number; retryAfter: boolean } {
  if (error instanceof BodyError) return { status: error.statusCode, retryAfter: false };
  if (error instanceof OtlpDecodeError) return { status: 400, retryAfter: false };
  const status = (error as { statusCode?: number }).statusCode;
  // fastify's own client errors (body too large, bad framing) carry their status.
  if (status !== undefined && status >= 400 && status < 500) return { status, retryAfter: false };
  return { status: 503, retryAfter: true };
}
