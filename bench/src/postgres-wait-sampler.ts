/**
 * What the PostgreSQL backends serving the benchmark's servers were doing during a window,
 * sampled from pg_stat_activity every 100 ms: idle (waiting for work from Heron), running, or
 * waiting, and on what (a row lock held by another transaction, the WAL flush of a commit, a
 * data page read, Heron's next statement inside a transaction…). This is what says whether a
 * second node was held back by the database's locks and commits or by the CPU.
 */
import type pg from 'pg';
import { connectClient } from '../../packages/server/dist/store/postgres/postgres-connection.js';
import { clientPortsTo } from './postgres-cpu-sampler.js';

export interface PostgresWaits {
  /** Backend observations (one backend in one sample). */
  observations: number;
  /** Share of the observations in which the backend had work (was not idle in the pool). */
  busyShare: number;
  /**
   * What the busy observations were doing, as shares of them, largest first: "running", "in a
   * transaction, waiting for Heron…", or "waiting: <wait_event_type> <wait_event>".
   */
  busy: { state: string; share: number }[];
}

const IDLE = 'idle';

const SAMPLE_MS = 100;

export class PostgresWaitSampler {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private counts = new Map<string, number>();
  private observations = 0;
  private ports: number[] = [];
  private portsAt = 0;

  constructor(
    private readonly url: string,
    private readonly serverPids: number[],
  ) {}

  async start(): Promise<void> {
    this.client = await connectClient(this.url);
    this.counts.clear();
    this.observations = 0;
    this.timer = setInterval(() => {
      // One sample at a time: a slow answer on a busy machine skips ticks instead of piling up.
      this.sampling ??= this.sample().finally(() => (this.sampling = undefined));
    }, SAMPLE_MS);
  }

  async stop(): Promise<PostgresWaits> {
    clearInterval(this.timer);
    await this.sampling;
    await this.client?.end();
    const idle = this.counts.get(IDLE) ?? 0;
    const busyCount = this.observations - idle;
    const busy = [...this.counts]
      .filter(([state]) => state !== IDLE)
      .map(([state, n]) => ({ state, share: n / (busyCount || 1) }))
      .sort((a, b) => b.share - a.share);
    return {
      observations: this.observations,
      busyShare: busyCount / (this.observations || 1),
      busy,
    };
  }

  private async sample(): Promise<void> {
    const now = performance.now();
    // Pools open connections as load grows: look the servers' connections up again each second.
    if (now - this.portsAt > 1000) {
      const databasePort = Number(new URL(this.url).port || 5432);
      this.ports = this.serverPids.flatMap((pid) => clientPortsTo(pid, databasePort));
      this.portsAt = now;
    }
    if (this.ports.length === 0 || !this.client) return;
    try {
      const result = await this.client.query<{
        state: string | null;
        wait_event_type: string | null;
        wait_event: string | null;
      }>(
        // Not this sampler's own backend (when the sampled servers include this process).
        'SELECT state, wait_event_type, wait_event FROM pg_stat_activity ' +
          'WHERE client_port = ANY($1::int[]) AND pid <> pg_backend_pid()',
        [this.ports],
      );
      for (const row of result.rows) {
        this.observations++;
        const state = describe(row.state, row.wait_event_type, row.wait_event);
        this.counts.set(state, (this.counts.get(state) ?? 0) + 1);
      }
    } catch {
      // a sample lost to a busy database is not a result; the next one counts
    }
  }
}

function describe(state: string | null, type: string | null, event: string | null): string {
  // Idle in the pool: Heron had no statement for this connection.
  if (state === 'idle') return IDLE;
  if (state === 'idle in transaction' && type === 'Client') {
    return 'in a transaction, waiting for Heron’s next statement';
  }
  if (type === null) return 'running (on CPU or runnable)';
  return `waiting: ${type} ${event ?? ''}`.trim();
}
