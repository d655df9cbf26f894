/**
 * One write transaction on a pooled PostgreSQL connection, run again from the start when the
 * server reports a deadlock or serialization failure (other writers held what it needed; the
 * transaction was rolled back whole, so running it again is safe).
 */
import type pg from 'pg';

/** Attempts at a transaction when PostgreSQL reports a deadlock or serialization failure. */
export const DEFAULT_WRITE_ATTEMPTS = 5;

/** SQLSTATEs after which the same transaction, run again, may succeed. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);

export function isRetryableWriteError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export interface WriteTransactionOptions {
  /** Tries in all (at least 1). */
  maxAttempts: number;
  /** Told before each retry (diagnostics). */
  onRetry?: () => void;
}

/**
 * Runs `work` between BEGIN and COMMIT (READ COMMITTED) and resolves with its result after the
 * commit; rolls back and rejects on any error, after retrying retryable ones.
 */
export async function inWriteTransaction<T>(
  pool: pg.Pool,
  options: WriteTransactionOptions,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts);
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      if (attempt >= maxAttempts || !isRetryableWriteError(error)) throw error;
      options.onRetry?.();
    } finally {
      // A connection that could not even roll back is not given back to the pool.
      client.release(broken);
    }
    // Jittered backoff, so two writers that collided do not collide again in lockstep.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
  }
}
