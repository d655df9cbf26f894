/**
 * One fuzz campaign against a running `heron serve`: for a bounded time, random and mutated
 * OTLP exports over HTTP (protobuf and JSON) and gRPC, random filter expressions and REST
 * parameters. It checks, as an operator would: no answer is a 5xx except 503 with Retry-After
 * (gRPC: no INTERNAL/UNKNOWN), the process stays up, its memory stays bounded, nothing of a
 * rejected request is stored, and the valid spans of a partly invalid request are.
 *
 * Each case is drawn from its own seed (campaign seed + case number), so a failure names a seed
 * that replays exactly that case.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { HeronProcess } from '../../../packages/server/dist/testing/spawn-heron.js';
import { listAllSpans } from '../support/heron-api.js';
import { SeededRandom } from '../support/seeded-random.js';
import {
  encodeQueryValue,
  filterExpression,
  jsonCase,
  mutatedProtobufCase,
  protobufCase,
  restRequest,
  type ExportCase,
} from './otlp-fuzz-cases.js';

export const FUZZ_PROJECT = 'fuzz';

export interface CampaignOptions {
  seed: number;
  seconds: number;
  /** Stop after this many cases (a replay of one case: --cases 1). */
  maxCases?: number;
  /** Largest allowed growth of the server's resident memory over the campaign (bytes). */
  maxRssGrowthBytes?: number;
  log?: (line: string) => void;
}

export interface CampaignResult {
  cases: number;
  statuses: Record<string, number>;
  failures: string[];
  rssBeforeBytes: number;
  rssAfterBytes: number;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

const identity = (b: Buffer) => b;

function grpcExport(client: grpc.Client, body: Buffer): Promise<grpc.status> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      identity,
      identity,
      body,
      new grpc.Metadata(),
      { deadline: Date.now() + 30_000 },
      (error) => resolve(error ? (error.code ?? grpc.status.UNKNOWN) : grpc.status.OK),
    );
  });
}

/** How to replay one case by hand. */
function reproducer(seed: number, caseSeed: number, description: string): string {
  const shown = description.length > 400 ? `${description.slice(0, 400)}…` : description;
  return (
    `case seed ${caseSeed} (campaign seed ${seed}): ${shown}\n` +
    `  replay: npm run fuzz -- --seed ${caseSeed} --cases 1`
  );
}

export async function runCampaign(
  heron: HeronProcess,
  options: CampaignOptions,
): Promise<CampaignResult> {
  const log = options.log ?? (() => {});
  const client = new grpc.Client(`127.0.0.1:${heron.grpcPort}`, grpc.credentials.createInsecure());
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  const mustBeStored = new Map<string, string>();
  const mustBeAbsent = new Map<string, string>();
  const count = (key: string) => (statuses[key] = (statuses[key] ?? 0) + 1);
  const pid = heron.child.pid!;
  const rssBeforeBytes = rssOf(pid);
  let rssPeak = rssBeforeBytes;
  const deadline = Date.now() + options.seconds * 1000;
  let cases = 0;
  const projects = [FUZZ_PROJECT, 'default'];

  async function exportCase(random: SeededRandom, caseSeed: number, c: ExportCase) {
    const overGrpc = c.encoding === 'protobuf' && random.chance(0.3);
    let accepted: boolean;
    if (overGrpc) {
      const code = await grpcExport(client, c.body);
      count(`grpc ${grpc.status[code]}`);
      if (code === grpc.status.INTERNAL || code === grpc.status.UNKNOWN) {
        failures.push(
          reproducer(options.seed, caseSeed, `gRPC ${grpc.status[code]} for ${c.name}`),
        );
      }
      accepted = code === grpc.status.OK;
    } else {
      const response = await fetch(`${heron.baseUrl}/v1/traces`, {
        method: 'POST',
        headers: {
          'content-type': c.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
          'x-project-name': FUZZ_PROJECT,
        },
        body: c.body,
      });
      await response.arrayBuffer();
      count(`http ${response.status}`);
      const retryable = response.status === 503 && response.headers.has('retry-after');
      if (response.status >= 500 && !retryable) {
        failures.push(reproducer(options.seed, caseSeed, `HTTP ${response.status} for ${c.name}`));
      }
      accepted = response.status === 200;
    }
    const where = `${c.name} (case seed ${caseSeed})`;
    for (const key of c.invalidKeys) mustBeAbsent.set(key, where);
    if (accepted && c.exact) for (const key of c.validKeys) mustBeStored.set(key, where);
    if (!accepted) for (const key of c.validKeys) mustBeAbsent.set(key, `${where}, rejected`);
  }

  async function readCase(random: SeededRandom, caseSeed: number) {
    const path = random.chance(0.5)
      ? `/v1/projects/${FUZZ_PROJECT}/spans?filter=${encodeQueryValue(filterExpression(random))}`
      : restRequest(random, projects);
    const response = await fetch(`${heron.baseUrl}${path}`);
    await response.arrayBuffer();
    count(`rest ${response.status}`);
    const retryable = response.status === 503 && response.headers.has('retry-after');
    if (response.status >= 500 && !retryable) {
      failures.push(reproducer(options.seed, caseSeed, `HTTP ${response.status} for GET ${path}`));
    }
  }

  try {
    const maxCases = options.maxCases ?? Infinity;
    while (Date.now() < deadline && cases < maxCases && failures.length === 0) {
      const caseSeed = (options.seed + cases) >>> 0;
      const random = new SeededRandom(caseSeed);
      cases++;
      const kind = random.int(0, 3);
      if (kind === 0) await exportCase(random, caseSeed, protobufCase(random));
      else if (kind === 1) await exportCase(random, caseSeed, mutatedProtobufCase(random));
      else if (kind === 2) await exportCase(random, caseSeed, jsonCase(random));
      else await readCase(random, caseSeed);
      if (heron.child.exitCode !== null || heron.child.signalCode !== null) {
        failures.push(`the server died (case seed ${caseSeed}):\n${heron.output().slice(-4000)}`);
        break;
      }
      if (cases % 50 === 0) {
        rssPeak = Math.max(rssPeak, rssOf(pid));
        log(`${cases} cases, RSS ${(rssPeak / 2 ** 20).toFixed(0)} MiB`);
      }
    }
  } finally {
    client.close();
  }

  const rssAfterBytes = rssOf(pid);
  rssPeak = Math.max(rssPeak, rssAfterBytes);
  const allowed = options.maxRssGrowthBytes ?? 512 * 2 ** 20;
  if (rssPeak - rssBeforeBytes > allowed) {
    failures.push(
      `memory grew from ${rssBeforeBytes >> 20} MiB to a peak of ${rssPeak >> 20} MiB ` +
        `(more than ${allowed >> 20} MiB; campaign seed ${options.seed})`,
    );
  }

  const stored = new Set(
    (await listAllSpans(heron.baseUrl)).map((s) => `${s.context.trace_id}/${s.context.span_id}`),
  );
  for (const [key, where] of mustBeStored) {
    if (!stored.has(key)) failures.push(`accepted span ${key} is missing: ${where}`);
  }
  for (const [key, where] of mustBeAbsent) {
    if (stored.has(key))
      failures.push(`span ${key} of a rejected request/span was stored: ${where}`);
  }
  return { cases, statuses, failures, rssBeforeBytes, rssAfterBytes };
}
