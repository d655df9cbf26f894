/**
 * The live clients of this process and what they are sent: changes from the change feed,
 * coalesced (change-coalescer.ts) and formatted once as SSE events, to every client of that
 * project or of all projects; and a `: ping` comment every `pingSeconds` so proxies keep idle
 * streams open.
 *
 * The hub listens to the feed only while it has clients (on SQLite the store then skips
 * describing its changes altogether).
 */
import type { Writable } from 'node:stream';
import { toGlobalId } from '../api/global-id.js';
import type { StoreChange } from '../store/store-change.js';
import type { ChangeFeed } from './change-feed.js';
import { ChangeCoalescer } from './change-coalescer.js';
import type { LiveSettings } from './live-settings.js';
import { SseClient, type SseClientEnd } from './sse-client.js';

/** Milliseconds a browser waits before reconnecting a dropped stream (sent as `retry:`). */
export const SSE_RETRY_MS = 3000;

export class LiveClientLimitError extends Error {
  constructor(readonly maxClients: number) {
    super(
      `Too many live clients: the limit of ${maxClients} connected at once ` +
        '(HERON_LIVE_MAX_CLIENTS) is reached; retry later',
    );
    this.name = 'LiveClientLimitError';
  }
}

export interface LiveHubLog {
  info(message: string): void;
}

/** The SSE text of one event. */
export function sseEventText(change: StoreChange): string {
  const data = {
    project_id: toGlobalId('Project', change.projectId),
    project_name: change.projectName,
    trace_ids: change.traceIds,
    ...(change.type === 'spans' ? { span_count: change.spanCount } : {}),
  };
  return `event: ${change.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class LiveHub {
  private readonly clients = new Set<SseClient>();
  private readonly coalescer: ChangeCoalescer;
  private unsubscribe: (() => void) | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly settings: LiveSettings,
    private readonly log: LiveHubLog,
  ) {
    this.coalescer = new ChangeCoalescer(
      { intervalMs: settings.coalesceMs, maxTraceIds: settings.maxTraceIds },
      (change) => this.broadcast(change),
    );
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Streams events to `stream` (its HTTP headers already sent) until it closes. Throws
   * LiveClientLimitError when `maxClients` are connected (check `hasRoom` before answering).
   */
  connect(stream: Writable, projectId: number | null): SseClient {
    if (!this.hasRoom) throw new LiveClientLimitError(this.settings.maxClients);
    const client = new SseClient(stream, projectId, this.settings.maxBufferedBytes, (c, why) =>
      this.remove(c, why),
    );
    this.clients.add(client);
    client.send(`retry: ${SSE_RETRY_MS}\n\n`);
    if (this.clients.size === 1) this.start();
    return client;
  }

  get hasRoom(): boolean {
    return !this.closed && this.clients.size < this.settings.maxClients;
  }

  /** Ends every stream (so the HTTP server can close) and stops listening. */
  close(): void {
    this.closed = true;
    for (const client of [...this.clients]) client.end();
    this.stop();
  }

  private start(): void {
    this.unsubscribe = this.feed.subscribe((change) => this.coalescer.add(change));
    this.pingTimer = setInterval(() => {
      for (const client of [...this.clients]) client.send(': ping\n\n');
    }, this.settings.pingSeconds * 1000);
    this.pingTimer.unref();
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.coalescer.clear();
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private remove(client: SseClient, why: SseClientEnd): void {
    this.clients.delete(client);
    if (why === 'too slow') {
      this.log.info(
        `live updates: closed a client that fell ${this.settings.maxBufferedBytes} bytes ` +
          'behind (HERON_LIVE_MAX_BUFFERED_BYTES)',
      );
    }
    if (this.clients.size === 0) this.stop();
  }

  private broadcast(change: StoreChange): void {
    const text = sseEventText(change);
    for (const client of [...this.clients]) {
      if (client.projectId === null || client.projectId === change.projectId) client.send(text);
    }
  }
}
