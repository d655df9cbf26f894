/**
 * One live client: a Server-Sent Events stream, optionally limited to one project.
 *
 * A client that does not read fast enough must not make the server buffer without bound: when
 * the bytes waiting for its socket would pass `maxBufferedBytes`, the connection is closed (the
 * browser's EventSource reconnects after the `retry` delay and the page reloads what it shows).
 */
import type { Writable } from 'node:stream';

export type SseClientEnd = 'disconnected' | 'too slow' | 'shutdown';

export class SseClient {
  private ended = false;

  constructor(
    private readonly stream: Writable,
    /** Only this project's events (its row id); null: every project's. */
    readonly projectId: number | null,
    private readonly maxBufferedBytes: number,
    private readonly onEnd: (client: SseClient, why: SseClientEnd) => void,
  ) {
    stream.once('close', () => this.finish('disconnected'));
    // A write error is followed by 'close'; the listener keeps it from being thrown.
    stream.on('error', () => {});
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Sends text (whole SSE lines); closes the connection instead if the client is too far behind. */
  send(text: string): void {
    if (this.ended) return;
    if (this.stream.writableLength + Buffer.byteLength(text) > this.maxBufferedBytes) {
      this.finish('too slow');
      this.stream.destroy();
      return;
    }
    this.stream.write(text);
  }

  /** Ends the stream normally (server shutdown). */
  end(): void {
    if (this.ended) return;
    this.finish('shutdown');
    this.stream.end();
  }

  private finish(why: SseClientEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this, why);
  }
}
