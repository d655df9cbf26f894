/**
 * fastify's logger (pino) in the configured format: JSON lines by default — what log shippers
 * read — or pino-pretty's human-readable lines. Either way every line of a request carries its
 * `reqId` (see request-id.ts).
 */
import type { FastifyServerOptions } from 'fastify';
import PinoPretty from 'pino-pretty';
import type { LogFormat } from './observability-settings.js';

export function loggerOptions(level: string, format: LogFormat): FastifyServerOptions['logger'] {
  if (format === 'json') return { level };
  return {
    level,
    // In-process (not a transport thread) so nothing is lost if the process exits abruptly.
    stream: PinoPretty({ colorize: process.stdout.isTTY, sync: true }),
  };
}
