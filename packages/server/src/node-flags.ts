/**
 * The V8 flags `heron serve` runs with. V8 reads them only at process start, so they are given
 * on the command line: by the `heron` launcher line at the top of main.ts, by `npm start`, and
 * by the spawner of tests and benchmarks (testing/spawn-heron.ts); node-flags.test.ts keeps the
 * three in step. Started without them, Heron works the same, only slower, and says so.
 *
 * --max-semi-space-size=64 (MiB): ingestion allocates a few kilobytes per span (decoded
 * request, span records, row text) that all die within the request. With V8's default young
 * generation (16 MiB semi-spaces) a request of 500 spans outlives several scavenges, so its
 * objects are copied and promoted, and garbage collection took a quarter of the main thread
 * (bench/RESULTS.md, "Ingest"). The young generation grows to this size only under load.
 */
export const HERON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** True when this process was started with every flag (command line or NODE_OPTIONS). */
export function startedWithHeronFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)]);
  return HERON_NODE_FLAGS.every((flag) => given.has(flag));
}
