/**
 * Recognises errors that mean "the database cannot be used right now" — PostgreSQL down,
 * restarting or unreachable; SQLite's disk full or failing — as opposed to a bug or bad input.
 * Those are answered 503 with Retry-After (clients retry; nothing was half-done) instead of 500,
 * and Heron recovers by itself when the database is back: pg's pool replaces dead connections
 * and SQLite rolls the failed transaction back.
 */

/** Node socket errors of a connection that failed or broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, disk_full, out_of_memory… */
const POSTGRES_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53100', '53200', '53300']);

/** Messages of pg (connection lost or not obtained) and SQLite (full disk, I/O failure). */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /database or disk is full/i,
  /disk I\/O error/i,
  /SQLITE_(FULL|IOERR)/,
  /\bENOSPC\b/,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE_STATES.has(code)) return true;
      if (code.startsWith('08')) return true; // SQLSTATE class 08: connection exception
      if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')) return true;
    }
    const message = e.message;
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** What a client is told while the database is unavailable. */
export function databaseUnavailableMessage(error: Error): string {
  return `The database is unavailable right now (${error.message}); retry shortly`;
}
