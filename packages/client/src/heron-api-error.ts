/** An HTTP error answered by Heron: its status and the server's message. */
export class HeronApiError extends Error {
  override readonly name = 'HeronApiError';
  constructor(
    /** HTTP status (404 unknown project or span, 422 bad filter, 413 too large…). */
    readonly status: number,
    /** The server's `message` (or the body text when it was not JSON). */
    readonly serverMessage: string,
    readonly method: string,
    readonly url: string,
  ) {
    super(`${method} ${url} → ${status}: ${serverMessage}`);
  }
}
