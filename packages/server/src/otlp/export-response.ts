/**
 * ExportTraceServiceResponse and error Status bodies, in the encoding of the request
 * (OTLP/HTTP spec: "the response MUST use the same Content-Type as the request").
 */
import { ExportTraceServiceResponseType, StatusType } from './otlp-proto-root.js';
import type { OtlpEncoding } from './request-body.js';

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export function encodeExportResponse(
  encoding: OtlpEncoding,
  partialSuccess: PartialSuccess | null,
): Buffer | string {
  if (encoding === 'json') {
    return JSON.stringify(
      partialSuccess
        ? {
            partialSuccess: {
              rejectedSpans: String(partialSuccess.rejectedSpans),
              errorMessage: partialSuccess.errorMessage,
            },
          }
        : {},
    );
  }
  const message = ExportTraceServiceResponseType.create(partialSuccess ? { partialSuccess } : {});
  return Buffer.from(ExportTraceServiceResponseType.encode(message).finish());
}

/** gRPC status codes used in OTLP error bodies. */
export const GRPC_CODE = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  INTERNAL: 13,
} as const;

/** A google.rpc.Status body for an error response. */
export function encodeErrorStatus(
  encoding: OtlpEncoding,
  code: number,
  message: string,
): Buffer | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return Buffer.from(StatusType.encode(StatusType.create({ code, message })).finish());
}

export function contentTypeOf(encoding: OtlpEncoding): string {
  return encoding === 'json' ? 'application/json' : 'application/x-protobuf';
}
