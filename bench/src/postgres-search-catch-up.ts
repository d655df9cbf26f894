/**
 * After a PostgreSQL ingest run: how far behind the full-text index was when the load stopped
 * (spans whose search text still waited in span_search_queue: the servers index only when their
 * ingestion pauses), how long the servers took to catch up, and the PostgreSQL CPU that took.
 * Ingest throughput alone would hide this work; with it, a run says what rate the machine can
 * sustain with the index kept current.
 */
import { quoteIdent } from '../../packages/server/dist/store/postgres/postgres-connection.js';
import { PostgresCpuSampler, type PostgresCpu } from './postgres-cpu-sampler.js';
import { withDatabase } from './postgres-bench-schema.js';

export interface SearchCatchUp {
  /** Spans queued for the index when the load stopped. */
  backlogSpans: number;
  /** Seconds until the queue was empty (or until the limit). */
  seconds: number;
  caughtUp: boolean;
  /** PostgreSQL's CPU meanwhile (the servers' backends do the indexing). */
  postgres?: PostgresCpu;
}

const POLL_MS = 250;

export async function measureSearchCatchUp(options: {
  url: string;
  schema: string;
  serverPids: number[];
  limitSeconds: number;
  log: (message: string) => void;
}): Promise<SearchCatchUp> {
  const { url, schema, log } = options;
  return withDatabase(url, async (client) => {
    const queued = async () =>
      Number(
        (
          await client.query<{ n: string }>(
            `SELECT COUNT(*) AS n FROM ${quoteIdent(schema)}.span_search_queue`,
          )
        ).rows[0]!.n,
      );
    const sampler = new PostgresCpuSampler(url, options.serverPids);
    sampler.start();
    const started = performance.now();
    const backlogSpans = await queued();
    log(`  search index backlog when the load stopped: ${backlogSpans} spans; waiting for it…`);
    let left = backlogSpans;
    while (left > 0 && performance.now() - started < options.limitSeconds * 1000) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      left = await queued();
    }
    const seconds = (performance.now() - started) / 1000;
    const postgres = await sampler.stop();
    log(
      left === 0
        ? `  caught up in ${seconds.toFixed(1)} s`
        : `  ${left} spans still queued after ${seconds.toFixed(0)} s`,
    );
    return { backlogSpans, seconds, caughtUp: left === 0, postgres };
  });
}
