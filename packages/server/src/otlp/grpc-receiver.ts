/**
 * OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export.
 *
 * The service is registered with pass-through (de)serialisers so the same protobuf decoder and
 * normalizer as the HTTP path handle the bytes. grpc-js handles `grpc-encoding: gzip`.
 */
import * as grpc from '@grpc/grpc-js';
import type { IngestLimits } from '../config.js';
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

export interface GrpcReceiver {
  port: number;
  close(): Promise<void>;
}

export async function startGrpcReceiver(
  host: string,
  port: number,
  ingester: ExportIngester,
  limits: IngestLimits,
): Promise<GrpcReceiver> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': limits.maxDecompressedBytes,
  });
  server.addService(traceServiceDefinition, {
    Export: (
      call: grpc.ServerUnaryCall<Buffer, Buffer>,
      callback: grpc.sendUnaryData<Buffer>,
    ): void => {
      void exportCall(call, ingester).then(
        (response) => callback(null, response),
        (error: Error) => callback(toGrpcError(error)),
      );
    },
  });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) =>
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

async function exportCall(
  call: grpc.ServerUnaryCall<Buffer, Buffer>,
  ingester: ExportIngester,
): Promise<Buffer> {
  const request = decodeProtobufExportRequest(call.request);
  const headerProject = call.metadata.get(PROJECT_NAME_HEADER)[0];
  const outcome = await ingester.ingest(
    request,
    typeof headerProject === 'string' ? headerProject : undefined,
  );
  const partial = partialSuccessOf(outcome);
  return encodeExportResponse('protobuf', partial) as Buffer;
}

function toGrpcError(error: Error): Partial<grpc.StatusObject> {
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
