/**
 * OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export.
 *
 * The service is registered with pass-through (de)serialisers so the same protobuf decoder and
 * normalizer as the HTTP path handle the bytes. grpc-js handles `grpc-encoding: gzip`.
 */
import * as grpc from '@grpc/grpc-js';
import type { IngestLimits } from '../config.js';
import type { Authenticator } from '../auth/authenticator.js';
import { roleSatisfies, routeAccess } from '../auth/route-access.js';
import { partialSuccessOf, type ExportIngester } from '../ingest/export-ingester.js';
import { QueueClosedError, QueueFullError } from '../ingest/ingest-queue.js';
import { encodeExportResponse } from './export-response.js';
import { PROJECT_NAME_HEADER } from './http-receiver.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import { decodeProtobufExportRequest } from './protobuf-decoder.js';

const identity = (buffer: Buffer): Buffer => buffer;

const traceServiceDefinition: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** Auth and TLS (auth/): both off by default. */
export interface GrpcSecurity {
  /** Checks `authorization: Bearer …` / `api_key` metadata like POST /v1/traces; null: auth off. */
  authenticator: Authenticator | null;
  tls?: { cert: Buffer; key: Buffer };
}

/** A gRPC status error for a refused call. */
class GrpcDenied extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

async function checkCredentials(
  metadata: grpc.Metadata,
  authenticator: Authenticator | null,
): Promise<void> {
  if (authenticator === null) return;
  const first = (name: string) => {
    const value = metadata.get(name)[0];
    return typeof value === 'string' ? value : undefined;
  };
  const result = await authenticator.authenticate({
    authorization: first('authorization'),
    api_key: first('api_key'),
  });
  if (result.outcome === 'missing') {
    throw new GrpcDenied(
      grpc.status.UNAUTHENTICATED,
      'Authentication required: send "authorization: Bearer <API key>" metadata',
    );
  }
  if (result.outcome === 'invalid') {
    throw new GrpcDenied(grpc.status.UNAUTHENTICATED, `Not authenticated: ${result.reason}`);
  }
  // The same role as OTLP/HTTP ingestion (POST /v1/traces).
  const needed = routeAccess('POST', '/v1/traces')!;
  if (!roleSatisfies(result.principal.role, needed)) {
    throw new GrpcDenied(
      grpc.status.PERMISSION_DENIED,
      `Exporting spans needs the ${needed} role; this credential has ${result.principal.role}`,
    );
  }
}

export interface GrpcReceiver {
  port: number;
  close(): Promise<void>;
}

export async function startGrpcReceiver(
  host: string,
  port: number,
  ingester: ExportIngester,
  limits: IngestLimits,
  security: GrpcSecurity = { authenticator: null },
): Promise<GrpcReceiver> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': limits.maxDecompressedBytes,
  });
  server.addService(traceServiceDefinition, {
    Export: (
      call: grpc.ServerUnaryCall<Buffer, Buffer>,
      callback: grpc.sendUnaryData<Buffer>,
    ): void => {
      void checkCredentials(call.metadata, security.authenticator)
        .then(() => exportCall(call, ingester))
        .then(
          (response) => callback(null, response),
          (error: Error) => {
            ingester.refused('grpc', error);
            callback(toGrpcError(error));
          },
        );
    },
  });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials(security), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        // Let in-flight exports finish (they are waiting for their commit), then stop.
        const timer = setTimeout(() => server.forceShutdown(), 10_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

function credentials(security: GrpcSecurity): grpc.ServerCredentials {
  if (security.tls === undefined) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(
    null,
    [{ cert_chain: security.tls.cert, private_key: security.tls.key }],
    false,
  );
}

/** Not `async`, so the decoded request is not kept until the commit (see ExportIngester.ingest). */
function exportCall(
  call: grpc.ServerUnaryCall<Buffer, Buffer>,
  ingester: ExportIngester,
): Promise<Buffer> {
  const headerProject = call.metadata.get(PROJECT_NAME_HEADER)[0];
  return ingester
    .ingest(
      decodeProtobufExportRequest(call.request),
      typeof headerProject === 'string' ? headerProject : undefined,
      'grpc',
    )
    .then((outcome) => encodeExportResponse('protobuf', partialSuccessOf(outcome)) as Buffer);
}

function toGrpcError(error: Error): Partial<grpc.StatusObject> {
  if (error instanceof GrpcDenied) return { code: error.code, details: error.message };
  if (error instanceof OtlpDecodeError) {
    return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  }
  if (error instanceof QueueFullError) {
    return { code: grpc.status.RESOURCE_EXHAUSTED, details: error.message };
  }
  if (error instanceof QueueClosedError)
    return { code: grpc.status.UNAVAILABLE, details: error.message };
  return { code: grpc.status.UNAVAILABLE, details: `Could not commit spans: ${error.message}` };
}
