/**
 * REST rate limits (@fastify/rate-limit): each credential (the hash of the bearer / api_key /
 * session cookie value), or the client IP when there is none, may make
 * HERON_RATE_LIMIT_PER_MINUTE requests a minute; beyond that 429 with Retry-After. OTLP
 * ingestion (POST /v1/traces, /v1/logs, /v1/metrics) is not limited unless
 * HERON_INGEST_RATE_LIMIT_PER_MINUTE is set (exporters already back off on 503), and health
 * probes never are.
 *
 * The limiter runs before the credential check (access-control.ts), so guessing keys or
 * passwords is limited too. Counters are per process.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sha256 } from './auth-tokens.js';
import type { AuthSettings } from './auth-settings.js';
import { SESSION_COOKIE, parseCookies } from './authenticator.js';

const INGEST_ROUTES = new Set(['POST /v1/traces', 'POST /v1/logs', 'POST /v1/metrics']);
const NEVER_LIMITED = new Set(['/healthz', '/readyz']);

/** Whose budget a request spends. */
export function rateLimitKey(request: FastifyRequest): string {
  const headers = request.headers;
  const credential =
    (typeof headers.authorization === 'string' && headers.authorization) ||
    (typeof headers['api_key'] === 'string' && headers['api_key']) ||
    parseCookies(typeof headers.cookie === 'string' ? headers.cookie : undefined).get(
      SESSION_COOKIE,
    );
  return credential ? `credential:${sha256(credential).slice(0, 32)}` : `ip:${request.ip}`;
}

export async function registerRateLimits(
  app: FastifyInstance,
  settings: Pick<AuthSettings, 'rateLimitPerMinute' | 'ingestRateLimitPerMinute'>,
): Promise<void> {
  const rest = settings.rateLimitPerMinute;
  const ingest = settings.ingestRateLimitPerMinute;
  if (rest === 0 && ingest === 0) return;
  // Runs before the plugin's own onRoute hook, which reads config.rateLimit.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const isIngest = methods.some((method) => INGEST_ROUTES.has(`${method} ${route.url}`));
    let limit: { max: number; timeWindow: number } | false | undefined;
    if (NEVER_LIMITED.has(route.url)) limit = false;
    else if (isIngest) limit = ingest === 0 ? false : { max: ingest, timeWindow: 60_000 };
    else if (rest === 0) limit = false;
    if (limit !== undefined) route.config = { ...route.config, rateLimit: limit };
  });
  await app.register(rateLimit, {
    global: rest > 0,
    max: Math.max(rest, 1),
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
  });
}
