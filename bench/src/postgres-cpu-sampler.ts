/**
 * CPU used by the PostgreSQL server during a window, from /proc, so a PostgreSQL ingest run can
 * say where the machine's cores went: every process named `postgres` (the backends, the WAL
 * writer, the checkpointer, … — and the backends of anything else using that server), and of
 * those the backends serving the benchmark's Heron servers, found through the servers' own TCP
 * connections (a backend's pg_stat_activity.client_port is the local port of a server socket).
 * No `postgres` process in /proc means the database runs on another machine: the figure is then
 * unknown, not zero.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { TICKS_PER_SECOND } from './process-sampler.js';
import { withDatabase } from './postgres-bench-schema.js';

export interface PostgresCpu {
  /** `postgres` processes seen on this machine during the window (0: the database is remote). */
  processes: number;
  /** CPU of all of them, in cores (2.0 = both cores busy). */
  allCores: number;
  /** Backends connected to the benchmark's servers, and their CPU in cores. */
  serverBackends: number;
  serverBackendsCores: number;
}

export class PostgresCpuSampler {
  private startTicks = new Map<number, number>();
  private startedAt = 0;

  constructor(
    private readonly url: string,
    private readonly serverPids: number[],
  ) {}

  start(): void {
    this.startTicks = postgresProcessTicks();
    this.startedAt = performance.now();
  }

  async stop(): Promise<PostgresCpu> {
    const end = postgresProcessTicks();
    const seconds = (performance.now() - this.startedAt) / 1000;
    // A process started in the window used all its CPU in it; one that ended is not counted.
    const used = (pid: number) => Math.max(0, end.get(pid)! - (this.startTicks.get(pid) ?? 0));
    let all = 0;
    for (const pid of end.keys()) all += used(pid);
    const backendPids = await this.serverBackendPids();
    let backends = 0;
    let backendCount = 0;
    for (const pid of backendPids) {
      if (!end.has(pid)) continue;
      backends += used(pid);
      backendCount++;
    }
    const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
    return {
      processes: end.size,
      allCores: cores(all),
      serverBackends: backendCount,
      serverBackendsCores: cores(backends),
    };
  }

  private async serverBackendPids(): Promise<number[]> {
    const databasePort = Number(new URL(this.url).port || 5432);
    const ports = this.serverPids.flatMap((pid) => clientPortsTo(pid, databasePort));
    if (ports.length === 0) return [];
    return withDatabase(this.url, async (client) => {
      const result = await client.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])',
        [ports],
      );
      return result.rows.map((row) => row.pid);
    });
  }
}

/** utime + stime ticks of every process whose command name is `postgres`. */
function postgresProcessTicks(): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the name.
      const fields = stat.slice(close + 2).split(' ');
      out.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

/** Local ports of the process's TCP connections whose remote port is `remotePort`. */
export function clientPortsTo(pid: number, remotePort: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10 || !inodes.has(columns[9]!)) continue;
      const localPort = parseInt(columns[1]!.split(':')[1]!, 16);
      const peerPort = parseInt(columns[2]!.split(':')[1]!, 16);
      if (peerPort === remotePort) ports.push(localPort);
    }
  }
  return ports;
}
