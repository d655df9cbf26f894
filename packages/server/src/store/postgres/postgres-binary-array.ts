/**
 * One-dimensional PostgreSQL arrays in the binary wire format (what `array_recv` reads), for the
 * parameters of bulk statements such as `INSERT … SELECT * FROM unnest($1::text[], …)`.
 *
 * Why: the span writer sends every column of a batch as one array parameter. As text, node-pg
 * builds an array literal (`{"…","…"}`) with every quote and backslash escaped — most of a JSON
 * attribute document — and PostgreSQL parses it back character by character; for ~2 KB spans
 * that was the largest CPU cost on both sides after the search index. In binary each element is
 * a length and its bytes: node-pg sends a Buffer parameter as binary as it is, and PostgreSQL
 * takes the parameter's type from the statement's cast (`$1::text[]`).
 *
 * Values mean what they mean in node-pg's text encoding: null is NULL; strings are UTF-8 (lone
 * surrogates become U+FFFD, as Buffer.from does); integers must be safe integers or bigints in
 * range, else a RangeError (PostgreSQL would refuse the text too).
 */

/** Element types this encoder writes, by their SQL name. */
export type PgBinaryElementType = 'text' | 'jsonb' | 'bigint' | 'integer' | 'double precision';

/** Element type OIDs (pg_type.oid; fixed since PostgreSQL 7.x / 9.4 for jsonb). */
const ELEMENT_OID: Record<PgBinaryElementType, number> = {
  text: 25,
  jsonb: 3802,
  bigint: 20,
  integer: 23,
  'double precision': 701,
};

/** ndim, has-null flag, element type, then (length, lower bound) of the one dimension. */
const HEADER_BYTES = 20;
/** jsonb's binary form is a version byte (1) and then the JSON text. */
const JSONB_VERSION = 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_32 = 4294967296;

export type PgBinaryValue = string | number | bigint | null | undefined;

/**
 * The values as a binary array of `type` (a Buffer node-pg sends as a binary parameter). Strings
 * of text/jsonb arrays are written as they are; numbers of integer arrays must be integers.
 */
export function pgBinaryArray(type: PgBinaryElementType, values: readonly PgBinaryValue[]): Buffer {
  return type === 'text' || type === 'jsonb' ? textArray(type, values) : numberArray(type, values);
}

/**
 * Text in two passes: UTF-8 lengths first, so the buffer is allocated once at its exact size
 * (a batch's column is megabytes; growing it would copy it over and over).
 */
function textArray(type: 'text' | 'jsonb', values: readonly PgBinaryValue[]): Buffer {
  const versionBytes = type === 'jsonb' ? 1 : 0;
  const strings: (string | null)[] = new Array<string | null>(values.length);
  const lengths = new Int32Array(values.length);
  let size = HEADER_BYTES;
  let hasNull = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      strings[i] = null;
      hasNull = 1;
      size += 4;
      continue;
    }
    const text = String(value);
    strings[i] = text;
    lengths[i] = Buffer.byteLength(text, 'utf8');
    size += 4 + versionBytes + lengths[i]!;
  }
  const buffer = Buffer.allocUnsafe(size);
  writeHeader(buffer, ELEMENT_OID[type], hasNull, values.length);
  let at = HEADER_BYTES;
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i];
    if (text === null) {
      buffer.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    buffer.writeInt32BE(lengths[i]! + versionBytes, at);
    at += 4;
    if (versionBytes) buffer[at++] = JSONB_VERSION;
    at += buffer.write(text!, at, lengths[i]!, 'utf8');
  }
  return buffer;
}

/** Numbers: a length and 4 or 8 bytes each, so the size is known up front. */
function numberArray(
  type: 'bigint' | 'integer' | 'double precision',
  values: readonly PgBinaryValue[],
): Buffer {
  const width = type === 'integer' ? 4 : 8;
  let size = HEADER_BYTES;
  let hasNull = 0;
  for (const value of values) {
    if (value === null || value === undefined) {
      hasNull = 1;
      size += 4;
    } else {
      size += 4 + width;
    }
  }
  const buffer = Buffer.allocUnsafe(size);
  writeHeader(buffer, ELEMENT_OID[type], hasNull, values.length);
  let at = HEADER_BYTES;
  for (const value of values) {
    if (value === null || value === undefined) {
      buffer.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    buffer.writeInt32BE(width, at);
    at += 4;
    if (type === 'integer') buffer.writeInt32BE(checkedInt32(value), at);
    else if (type === 'bigint') writeInt64(buffer, at, value);
    else buffer.writeDoubleBE(Number(value), at);
    at += width;
  }
  return buffer;
}

function writeHeader(buffer: Buffer, elementOid: number, hasNull: number, length: number): void {
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNull, 4);
  buffer.writeInt32BE(elementOid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
}

function checkedInt32(value: string | number | bigint): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
    throw new RangeError(`value ${String(value)} is out of range for type integer`);
  }
  return n;
}

function writeInt64(buffer: Buffer, at: number, value: string | number | bigint): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`value ${value} is not an integer for type bigint`);
    }
    // Two's complement halves; exact for every safe integer, negative ones included.
    buffer.writeInt32BE(Math.floor(value / TWO_32), at);
    buffer.writeUInt32BE(value >>> 0, at + 4);
    return;
  }
  const big = BigInt(value);
  if (big < INT64_MIN || big > INT64_MAX) {
    throw new RangeError(`value ${big} is out of range for type bigint`);
  }
  buffer.writeBigInt64BE(big, at);
}
