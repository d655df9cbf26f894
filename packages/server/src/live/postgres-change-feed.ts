/**
 * The change feed of a node on PostgreSQL: one dedicated connection that LISTENs on the
 * schema's channel (store/postgres/postgres-change-payload.ts) and hands every notice, from any
 * node including this one, to the listeners. Writes NOTIFY inside their own transactions
 * (store/postgres/postgres-change-notices.ts), so this is the only way changes reach live
 * clients on PostgreSQL: nothing is delivered twice.
 *
 * When the connection drops (the database restarted, a network cut), it is opened again after
 * a wait that doubles from `reconnectMinMs` up to `reconnectMaxMs`; both are logged. Notices
 * sent while it was down are lost (PostgreSQL keeps none for absent listeners): live clients
 * miss those events, not the data.
 */
import pg from 'pg';
import {
  CONNECT_TIMEOUT_MS,
  describeError,
  quoteIdent,
  redactDatabaseUrl,
} from '../store/postgres/postgres-connection.js';
import {
  changeChannelName,
  decodeChangePayload,
} from '../store/postgres/postgres-change-payload.js';
import { ChangeListeners, type ChangeFeed, type ChangeListener } from './change-feed.js';

/** What the feed logs: connection losses and recoveries. */
export interface ChangeFeedLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface PostgresChangeFeedOptions {
  url: string;
  /** Heron's schema: each schema has its own channel. */
  schema?: string;
  log: ChangeFeedLog;
  /** First wait before reconnecting (ms); doubles after each failure. */
  reconnectMinMs?: number;
  /** Longest wait before reconnecting (ms). */
  reconnectMaxMs?: number;
}

export const DEFAULT_RECONNECT_MIN_MS = 500;
export const DEFAULT_RECONNECT_MAX_MS = 30_000;

export class PostgresChangeFeed implements ChangeFeed {
  readonly channel: string;
  private readonly listeners = new ChangeListeners();
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private delayMs: number;
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private hadFailure = false;
  private closed = false;

  /** Resolves once the first attempt to LISTEN has succeeded or failed (then it keeps trying). */
  static async start(options: PostgresChangeFeedOptions): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(options);
    await feed.connect();
    return feed;
  }

  private constructor(private readonly options: PostgresChangeFeedOptions) {
    this.channel = changeChannelName(options.schema);
    this.minDelayMs = options.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS;
    this.maxDelayMs = options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS;
    this.delayMs = this.minDelayMs;
  }

  /** The server process id of the LISTEN connection; null while it is down. */
  get listenerPid(): number | null {
    return (this.client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  subscribe(listener: ChangeListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.listeners.clear();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'heron-live',
      // A LISTEN connection is idle for long stretches: keepalives notice a silent network cut.
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      if (this.closed) return;
      this.hadFailure = true;
      this.options.log.warn(
        `live updates: no LISTEN connection to PostgreSQL at ${redactDatabaseUrl(this.options.url)} ` +
          `(${error === undefined ? 'connection closed' : describeError(error)}); ` +
          `retrying in ${this.delayMs} ms`,
      );
      this.retryTimer = setTimeout(() => void this.connect(), this.delayMs);
      this.retryTimer.unref();
      this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel !== this.channel) return;
      const change = decodeChangePayload(message.payload);
      if (change === null) return;
      this.listeners.emit(change, (error) =>
        this.options.log.warn(`live updates: a listener failed: ${describeError(error)}`),
      );
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (this.closed || lost) {
      if (!lost) await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.delayMs = this.minDelayMs;
    if (this.hadFailure) {
      this.hadFailure = false;
      this.options.log.info(`live updates: LISTEN ${this.channel} connection restored`);
    }
  }
}
