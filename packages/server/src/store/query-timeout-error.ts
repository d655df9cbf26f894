/**
 * A read stopped because it ran longer than the query time limit (HERON_QUERY_TIMEOUT_SECONDS).
 * Both backends raise it; the HTTP layer answers 503 with this advice.
 */
export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(
      `The query ran longer than ${timeoutMs / 1000} s and was abandoned; narrow the time range ` +
        'or make the filter more selective (HERON_QUERY_TIMEOUT_SECONDS sets the limit)',
    );
    this.name = 'QueryTimeoutError';
  }
}
