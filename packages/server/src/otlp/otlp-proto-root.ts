/**
 * Loads the OTLP protobuf schema once. protobufjs generates specialised encode/decode functions
 * from it at start, which is what makes decoding fast.
 */
import Long from 'long';
import protobuf from 'protobufjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// 64-bit fields (timestamps in ns) must be decoded without losing precision: with `long`
// configured, protobufjs returns Long objects for them instead of lossy doubles.
protobuf.util.Long = Long;
protobuf.configure();

const protoPath = join(dirname(fileURLToPath(import.meta.url)), 'proto', 'otlp-trace.proto');
const root = protobuf.loadSync(protoPath);

export const ExportTraceServiceRequestType = root.lookupType(
  'opentelemetry.proto.ExportTraceServiceRequest',
);
export const ExportTraceServiceResponseType = root.lookupType(
  'opentelemetry.proto.ExportTraceServiceResponse',
);
export const StatusType = root.lookupType('opentelemetry.proto.RpcStatus');
