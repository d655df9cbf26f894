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
  const writer = new ArrayWriter(estimateBytes(type, values));
  let hasNull = 0;
  for (const value of values) {
    if (value === null || value === undefined) {
      writer.int32(-1);
      hasNull = 1;
      continue;
    }
    switch (type) {
      case 'text':
        writer.text(String(value), false);
        break;
      case 'jsonb':
        writer.text(String(value), true);
        break;
      case 'bigint':
        writer.int32(8);
        writer.int64(value);
        break;
      case 'integer':
        writer.int32(4);
        writer.int32(checkedInt32(value));
        break;
      case 'double precision':
        writer.int32(8);
        writer.float64(Number(value));
        break;
    }
  }
  return writer.finish(ELEMENT_OID[type], hasNull, values.length);
}

/** Bytes for the fixed parts and one byte per string character (grown when text needs more). */
function estimateBytes(type: PgBinaryElementType, values: readonly PgBinaryValue[]): number {
  let bytes = HEADER_BYTES + values.length * 4;
  if (type === 'text' || type === 'jsonb') {
    for (const value of values) if (typeof value === 'string') bytes += value.length + 1;
  } else {
    bytes += values.length * 8;
  }
  return bytes;
}

function checkedInt32(value: string | number | bigint): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
    throw new RangeError(`value ${String(value)} is out of range for type integer`);
  }
  return n;
}

class ArrayWriter {
  private buffer: Buffer;
  private offset = HEADER_BYTES;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, HEADER_BYTES));
  }

  int32(value: number): void {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
  }

  int64(value: string | number | bigint): void {
    this.ensure(8);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) {
        throw new RangeError(`value ${value} is not an integer for type bigint`);
      }
      // Two's complement halves; exact for every safe integer, negative ones included.
      this.buffer.writeInt32BE(Math.floor(value / TWO_32), this.offset);
      this.buffer.writeUInt32BE(value >>> 0, this.offset + 4);
    } else {
      const big = BigInt(value);
      if (big < INT64_MIN || big > INT64_MAX) {
        throw new RangeError(`value ${big} is out of range for type bigint`);
      }
      this.buffer.writeBigInt64BE(big, this.offset);
    }
    this.offset += 8;
  }

  float64(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleBE(value, this.offset);
    this.offset += 8;
  }

  /** Length-prefixed UTF-8 (after jsonb's version byte when `json`). */
  text(value: string, json: boolean): void {
    // At most 3 bytes per UTF-16 code unit; strings are usually short enough not to grow.
    this.ensure(4 + 1 + value.length * 3);
    const start = this.offset;
    let at = start + 4;
    if (json) this.buffer[at++] = JSONB_VERSION;
    const written = this.buffer.write(value, at, 'utf8');
    this.buffer.writeInt32BE(at + written - start - 4, start);
    this.offset = at + written;
  }

  finish(elementOid: number, hasNull: number, length: number): Buffer {
    const b = this.buffer;
    b.writeInt32BE(1, 0);
    b.writeInt32BE(hasNull, 4);
    b.writeInt32BE(elementOid, 8);
    b.writeInt32BE(length, 12);
    b.writeInt32BE(1, 16);
    return b.subarray(0, this.offset);
  }

  private ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
