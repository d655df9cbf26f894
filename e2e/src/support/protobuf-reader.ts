/**
 * Just enough protobuf decoding to read the bodies Heron answers with: google.rpc.Status
 * {1 code, 2 message} for errors. (ExportTraceServiceResponse is read with the OTel serializer.)
 */
interface Field {
  number: number;
  varint?: bigint;
  bytes?: Buffer;
}

function readVarint(buffer: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (offset >= buffer.length) throw new Error('truncated varint');
    const byte = buffer[offset++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, offset];
    shift += 7n;
  }
}

export function readFields(buffer: Buffer): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, next] = readVarint(buffer, offset);
    offset = next;
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) {
      const [value, after] = readVarint(buffer, offset);
      fields.push({ number, varint: value });
      offset = after;
    } else if (wireType === 2) {
      const [length, after] = readVarint(buffer, offset);
      const end = after + Number(length);
      if (end > buffer.length) throw new Error('truncated length-delimited field');
      fields.push({ number, bytes: buffer.subarray(after, end) });
      offset = end;
    } else if (wireType === 1) {
      fields.push({ number, bytes: buffer.subarray(offset, offset + 8) });
      offset += 8;
    } else if (wireType === 5) {
      fields.push({ number, bytes: buffer.subarray(offset, offset + 4) });
      offset += 4;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

export interface RpcStatus {
  code: number;
  message: string;
}

export function decodeRpcStatus(buffer: Buffer): RpcStatus {
  const status: RpcStatus = { code: 0, message: '' };
  for (const field of readFields(buffer)) {
    if (field.number === 1 && field.varint !== undefined) status.code = Number(field.varint);
    if (field.number === 2 && field.bytes) status.message = field.bytes.toString('utf8');
  }
  return status;
}
