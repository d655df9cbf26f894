/**
 * How much CPU the machine really delivers. On some virtual machines a vCPU is descheduled by the
 * host for hundreds of milliseconds at a time, which the guest cannot see in its own CPU
 * accounting. Throughput figures from such a machine mean little without this measurement.
 *
 * One worker thread per core runs equal chunks of pure computation (no allocation, no I/O) for a
 * few seconds. A chunk's median time is its undisturbed cost; every chunk took at least that, so
 * (chunks × median) / wall time is the share of the wall clock the core actually computed.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface CpuDelivery {
  threads: number;
  /** Mean over threads of (chunks × median chunk time) / wall time, 0–1. */
  deliveredShare: number;
  /** Longest single chunk minus the median: the worst stall seen, in ms. */
  worstStallMs: number;
  /** Chunks that took more than 10× the median (stalls), per second per thread. */
  stallsPerSecond: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const times = [];
const end = Date.now() + workerData.ms;
let sink = 0;
while (Date.now() < end) {
  const t = performance.now();
  for (let j = 0; j < 200000; j++) sink += Math.sqrt(j);
  times.push(performance.now() - t);
}
parentPort.postMessage({ times, sink });
`;

export async function measureCpuDelivery(seconds = 4): Promise<CpuDelivery> {
  const threads = availableParallelism();
  const ms = seconds * 1000;
  const results = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number[]>((resolve, reject) => {
          const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ms } });
          worker.once('message', (message: { times: number[] }) => resolve(message.times));
          worker.once('error', reject);
        }),
    ),
  );
  let share = 0;
  let worst = 0;
  let stalls = 0;
  for (const times of results) {
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const wall = times.reduce((sum, t) => sum + t, 0);
    share += wall > 0 ? (times.length * median) / wall : 0;
    worst = Math.max(worst, (sorted[sorted.length - 1] ?? 0) - median);
    stalls += times.filter((t) => t > 10 * median).length;
  }
  return {
    threads,
    deliveredShare: share / threads,
    worstStallMs: worst,
    stallsPerSecond: stalls / threads / seconds,
  };
}
