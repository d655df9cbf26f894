/**
 * Request ids: every request gets one, used on all its log lines (fastify's `reqId`) and sent
 * back in `x-request-id`. A client's own `x-request-id` is kept, so one id follows a request
 * through a proxy or a caller's logs, when it is a sane token (bounded, printable, no spaces).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTABLE_ID = /^[\x21-\x7e]{1,128}$/;

export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}
