/**
 * Reads a Server-Sent Events stream over plain fetch, as a browser's EventSource would, but
 * keeping everything (the `retry:` field and `: ping` comments too) for tests to look at.
 */
export interface SseEvent {
  event: string;
  data: string;
}

export class SseStream {
  /** Everything received so far, as sent. */
  text = '';
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  /** Resolves when the server ends the stream (or it is closed here). */
  readonly ended: Promise<void>;
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.read();
  }

  /** Opens the stream; rejects unless the answer is a 200 event stream. */
  static async open(url: string): Promise<SseStream> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (
      response.status !== 200 ||
      !response.headers.get('content-type')?.startsWith('text/event-stream')
    ) {
      abort.abort();
      throw new Error(`${url}: ${response.status} ${await response.text().catch(() => '')}`);
    }
    return new SseStream(response, abort);
  }

  /** The first event (from the start of the stream) that matches, waiting for it if needed. */
  async find(
    match: (event: SseEvent) => boolean,
    timeoutMs = 10_000,
    what = 'an event',
  ): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; received:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The `data` of every event of this kind, parsed. */
  dataOf<T>(kind: string): T[] {
    return this.events.filter((e) => e.event === kind).map((e) => JSON.parse(e.data) as T);
  }

  close(): void {
    this.abort.abort();
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        this.text += text;
        this.buffer += text;
        this.parse();
      }
    } catch {
      // aborted here, or the connection was cut
    }
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (line.startsWith('retry: ')) this.retry = Number(line.slice(7));
      }
      if (data.length > 0) this.events.push({ event, data: data.join('\n') });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
