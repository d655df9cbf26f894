/**
 * HTTP content handling for OTLP requests: which encoding the body is in, and decompressing it
 * within a size limit (a gzip bomb stops at the limit instead of filling memory).
 */
import { promisify } from 'node:util';
import { gunzip, inflate, inflateRaw } from 'node:zlib';

export type OtlpEncoding = 'protobuf' | 'json';

/** Maps a Content-Type header to an OTLP encoding; parameters such as `; charset=utf-8` are ignored. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | null {
  if (!contentType) return null;
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') {
    return 'protobuf';
  }
  if (mediaType === 'application/json') return 'json';
  return null;
}

export class BodyError extends Error {
  constructor(
    readonly statusCode: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

/**
 * Undoes Content-Encoding (none, identity, gzip, x-gzip, deflate). Decompression runs on the
 * libuv thread pool, and `maxOutputLength` bounds the memory it may use.
 */
export async function decodeContentEncoding(
  body: Buffer,
  contentEncoding: string | undefined,
  maxDecompressedBytes: number,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  const options = { maxOutputLength: maxDecompressedBytes };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return await gunzipAsync(body, options);
    if (encoding === 'deflate') {
      // HTTP "deflate" is zlib-wrapped, but some clients send raw deflate; accept both.
      try {
        return await inflateAsync(body, options);
      } catch (error) {
        if (isTooLarge(error)) throw error;
        return await inflateRawAsync(body, options);
      }
    }
  } catch (error) {
    if (isTooLarge(error)) {
      throw new BodyError(
        413,
        `Decompressed request body exceeds ${maxDecompressedBytes} bytes (HERON_MAX_DECOMPRESSED_BYTES)`,
      );
    }
    throw new BodyError(
      400,
      `Request body is not valid ${encoding} data: ${(error as Error).message}`,
    );
  }
  throw new BodyError(
    415,
    `Unsupported Content-Encoding "${contentEncoding}"; use gzip, deflate or none`,
  );
}

function isTooLarge(error: unknown): boolean {
  return (
    error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
  );
}
