/**
 * Samples a server process from /proc: resident memory (peak), and CPU time per thread, so a
 * run can say whether the event loop or the writer worker was the limit. (The machine-wide
 * /proc/stat ticks are not used: on the VMs tried they did not add up to the core count.)
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Linux USER_HZ; the kernel reports utime/stime in these ticks (100 on every common build). */
export const TICKS_PER_SECOND = 100;

export interface ThreadCpu {
  /** Thread name from /proc (e.g. "node", "V8 DefaultWorke", "libuv-worker"). */
  name: string;
  tid: number;
  /** CPU seconds used in the window. */
  cpuSeconds: number;
}

export interface ProcessSample {
  peakRssBytes: number;
  lastRssBytes: number;
  /** CPU seconds of the whole process in the window. */
  cpuSeconds: number;
  /** Busiest threads first. */
  threads: ThreadCpu[];
}

export class ProcessSampler {
  private peakRss = 0;
  private lastRss = 0;
  private timer: NodeJS.Timeout | undefined;
  private startTicks = new Map<number, { name: string; ticks: number }>();

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  /** Starts sampling RSS and takes the CPU baseline. */
  start(): void {
    this.peakRss = 0;
    this.resetCpu();
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), this.intervalMs);
    this.timer.unref();
  }

  /** Resets the CPU baseline (e.g. after warm-up) without losing the RSS peak. */
  resetCpu(): void {
    this.startTicks = threadTicks(this.pid);
  }

  stop(): ProcessSample {
    if (this.timer) clearInterval(this.timer);
    this.sampleRss();
    const end = threadTicks(this.pid);
    const threads: ThreadCpu[] = [];
    let total = 0;
    for (const [tid, { name, ticks }] of end) {
      const used = ticks - (this.startTicks.get(tid)?.ticks ?? 0);
      total += used;
      const label = tid === this.pid ? 'main' : name;
      if (used > 0) threads.push({ name: label, tid, cpuSeconds: used / TICKS_PER_SECOND });
    }
    threads.sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    return {
      peakRssBytes: this.peakRss,
      lastRssBytes: this.lastRss,
      cpuSeconds: total / TICKS_PER_SECOND,
      threads,
    };
  }

  private sampleRss(): void {
    const rss = rssBytes(this.pid);
    if (rss === undefined) return;
    this.lastRss = rss;
    if (rss > this.peakRss) this.peakRss = rss;
  }
}

/** `some avg60` of /proc/pressure/cpu: share of the last minute runnable tasks waited for a CPU. */
export function cpuPressureAvg60(): number | undefined {
  try {
    const match = /^some avg10=[\d.]+ avg60=([\d.]+)/m.exec(
      readFileSync('/proc/pressure/cpu', 'utf8'),
    );
    return match ? Number(match[1]) / 100 : undefined;
  } catch {
    return undefined;
  }
}

export function rssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function threadTicks(pid: number): Map<number, { name: string; ticks: number }> {
  const out = new Map<number, { name: string; ticks: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // The name is in parentheses and may contain spaces; fields after it are space-separated.
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(open + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the name.
      const ticks = Number(fields[11]) + Number(fields[12]);
      out.set(Number(tid), { name, ticks });
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}
