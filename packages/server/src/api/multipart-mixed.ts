/**
 * A `multipart/mixed` body (RFC 2046 §5.1.3) as Phoenix frames span-query answers: each part is
 * `--boundary CRLF Content-Type: … CRLF CRLF body CRLF`, and `--boundary-- CRLF` closes.
 *
 * Phoenix's clients split the text on `--boundary` and take what follows the first blank line
 * of a part, so the boundary must never occur inside a part: it is 64 random bytes, base64url
 * (what Phoenix's `token_urlsafe(64)` makes), which JSON of any size will not contain by chance.
 */
import { randomBytes } from 'node:crypto';

export interface MimePart {
  contentType: string;
  body: string | Uint8Array;
}

export function newBoundary(): string {
  return randomBytes(64).toString('base64url');
}

export function multipartMixedContentType(boundary: string): string {
  return `multipart/mixed; boundary=${boundary}`;
}

export function encodeMultipartMixed(parts: readonly MimePart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${part.contentType}\r\n\r\n`));
    chunks.push(typeof part.body === 'string' ? Buffer.from(part.body) : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
