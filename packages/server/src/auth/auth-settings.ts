/**
 * Settings of authentication, CORS, TLS and rate limits (README "Authentication"). Read by
 * config.ts from the same HERON_* / PHOENIX_* environment as everything else.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { weakSecretReason } from './secret-strength.js';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  certFile: string;
  keyFile: string;
}

export interface AuthSettings {
  /** HERON_ENABLE_AUTH: off by default (a laptop needs no login). */
  enabled: boolean;
  /** HERON_SECRET: signs session cookies and CSRF tokens; required and strong when enabled. */
  secret: string;
  /** HERON_ADMIN_SECRET: a bearer token with admin rights, for automation. */
  adminSecret?: string;
  /** HERON_DEFAULT_ADMIN_INITIAL_PASSWORD: the first admin's password (changed at first login). */
  initialAdminPassword?: string;
  /** HERON_SESSION_HOURS: how long a login lasts. */
  sessionHours: number;
  /** HERON_COOKIE_SECURE: always / never / auto (Secure when the request came over https). */
  cookieSecure: 'always' | 'never' | 'auto';
  /** HERON_ALLOWED_ORIGINS: origins allowed to call the API from a browser (CORS); none by default. */
  allowedOrigins: string[];
  /** HERON_TLS_CERT_FILE / HERON_TLS_KEY_FILE: serve HTTP and gRPC over TLS. */
  tls?: TlsFiles;
  /** HERON_RATE_LIMIT_PER_MINUTE: REST requests per credential (or IP) per minute; 0 = off. */
  rateLimitPerMinute: number;
  /** HERON_INGEST_RATE_LIMIT_PER_MINUTE: OTLP/HTTP export requests per minute; 0 = off. */
  ingestRateLimitPerMinute: number;
}

export const DEFAULT_SESSION_HOURS = 24;
/** REST requests per minute per credential when auth is on (off when auth is off, unless set). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;

type Env = Record<string, string | undefined>;

function fromEnv(env: Env, name: string): string | undefined {
  const value = env[`HERON_${name}`] ?? env[`PHOENIX_${name}`];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function flag(env: Env, name: string): boolean {
  const value = fromEnv(env, name)?.toLowerCase();
  if (value === undefined) return false;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`HERON_${name} must be true or false, got "${value}"`);
}

function count(env: Env, name: string, fallback: number, max: number): number {
  const raw = fromEnv(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ConfigError(`HERON_${name} must be an integer between 0 and ${max}, got "${raw}"`);
  }
  return value;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`${what} (${file}) cannot be read: ${(error as Error).message}`);
  }
}

function tlsFiles(env: Env): TlsFiles | undefined {
  const certFile = fromEnv(env, 'TLS_CERT_FILE');
  const keyFile = fromEnv(env, 'TLS_KEY_FILE');
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError(
      'TLS needs both HERON_TLS_CERT_FILE and HERON_TLS_KEY_FILE (PEM files); only one is set',
    );
  }
  return {
    certFile,
    keyFile,
    cert: readPem(certFile, 'HERON_TLS_CERT_FILE'),
    key: readPem(keyFile, 'HERON_TLS_KEY_FILE'),
  };
}

function origins(env: Env): string[] {
  const raw = fromEnv(env, 'ALLOWED_ORIGINS');
  if (raw === undefined) return [];
  const list = raw
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin !== '');
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(
        `HERON_ALLOWED_ORIGINS: "${origin}" is not an origin (scheme://host[:port], or *)`,
      );
    }
    if (parsed.origin !== origin) {
      throw new ConfigError(
        `HERON_ALLOWED_ORIGINS: "${origin}" is not an origin; did you mean "${parsed.origin}"?`,
      );
    }
  }
  return list;
}

export function authSettings(env: Env): AuthSettings {
  const enabled = flag(env, 'ENABLE_AUTH');
  const secret = fromEnv(env, 'SECRET') ?? '';
  if (enabled) {
    if (secret === '') {
      throw new ConfigError(
        'HERON_ENABLE_AUTH is on but HERON_SECRET is not set: set it to a long random value ' +
          '(e.g. `openssl rand -base64 48`); it signs login sessions',
      );
    }
    const weak = weakSecretReason(secret);
    if (weak !== null) {
      throw new ConfigError(
        `HERON_SECRET is too weak: ${weak}. Use a long random value (e.g. \`openssl rand -base64 48\`)`,
      );
    }
  }
  const adminSecret = fromEnv(env, 'ADMIN_SECRET');
  if (enabled && adminSecret !== undefined) {
    const weak = weakSecretReason(adminSecret);
    if (weak !== null) throw new ConfigError(`HERON_ADMIN_SECRET is too weak: ${weak}`);
  }
  const cookieSecure = (fromEnv(env, 'COOKIE_SECURE') ?? 'auto').toLowerCase();
  if (cookieSecure !== 'always' && cookieSecure !== 'never' && cookieSecure !== 'auto') {
    throw new ConfigError(
      `HERON_COOKIE_SECURE must be always, never or auto, got "${cookieSecure}"`,
    );
  }
  const initialAdminPassword = fromEnv(env, 'DEFAULT_ADMIN_INITIAL_PASSWORD');
  return {
    enabled,
    secret,
    ...(adminSecret === undefined ? {} : { adminSecret }),
    ...(initialAdminPassword === undefined ? {} : { initialAdminPassword }),
    sessionHours: Math.max(1, count(env, 'SESSION_HOURS', DEFAULT_SESSION_HOURS, 24 * 366)),
    cookieSecure,
    allowedOrigins: origins(env),
    ...(() => {
      const tls = tlsFiles(env);
      return tls === undefined ? {} : { tls };
    })(),
    rateLimitPerMinute: count(
      env,
      'RATE_LIMIT_PER_MINUTE',
      enabled ? DEFAULT_RATE_LIMIT_PER_MINUTE : 0,
      10_000_000,
    ),
    ingestRateLimitPerMinute: count(env, 'INGEST_RATE_LIMIT_PER_MINUTE', 0, 10_000_000),
  };
}
