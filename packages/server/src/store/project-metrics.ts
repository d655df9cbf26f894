/**
 * A project's figures over time for the Metrics charts: traces in fixed-width time buckets
 * (counts, errors, latency percentiles, tokens, cost), LLM usage by model, and spans by kind.
 * Both backends answer `Store.projectMetrics` with this shape; the zero-filling of empty buckets
 * is shared here so they cannot differ.
 */

export interface ProjectMetricsQuery {
  /** [start, end) in ns; `end - start` is a whole number of buckets. */
  startTime: bigint;
  endTime: bigint;
  bucketNs: bigint;
  /** How many models to keep, most tokens first. */
  modelLimit: number;
}

export interface MetricsBucket {
  /** Start of the bucket in ns; traces are bucketed by their start time. */
  startTimeUnixNano: bigint;
  traceCount: number;
  /** Traces with at least one ERROR span. */
  errorTraceCount: number;
  /** Nearest-rank percentiles of the bucket's trace latencies (exact); null when empty. */
  latencyMsP50: number | null;
  latencyMsP90: number | null;
  latencyMsP99: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Sum over the bucket's priced traces; null while none has a price. */
  cost: number | null;
}

export interface ModelUsage {
  /** null for LLM spans that name no model. */
  modelName: string | null;
  spanCount: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** null until spans carry their own cost. */
  cost: number | null;
}

export interface SpanKindCount {
  spanKind: string;
  spanCount: number;
}

export interface ProjectMetrics {
  /** Every bucket of the range, in time order, empty ones included. */
  buckets: MetricsBucket[];
  /** LLM spans started in the range, grouped by model, most total tokens first. */
  models: ModelUsage[];
  /** Spans started in the range by kind, most first. */
  spanKinds: SpanKindCount[];
}

/** A bucket with traces in it, as a backend's aggregate query finds it. */
export type FilledBucket = Omit<MetricsBucket, 'startTimeUnixNano'> & { index: number };

/** Every bucket of the query's range: the filled ones as given, the others zero. */
export function allBuckets(query: ProjectMetricsQuery, filled: FilledBucket[]): MetricsBucket[] {
  const count = Number((query.endTime - query.startTime) / query.bucketNs);
  const byIndex = new Map(filled.map((bucket) => [bucket.index, bucket]));
  const buckets: MetricsBucket[] = [];
  for (let i = 0; i < count; i++) {
    const startTimeUnixNano = query.startTime + BigInt(i) * query.bucketNs;
    const found = byIndex.get(i);
    if (found) {
      const { index: _index, ...figures } = found;
      buckets.push({ startTimeUnixNano, ...figures });
    } else {
      buckets.push({
        startTimeUnixNano,
        traceCount: 0,
        errorTraceCount: 0,
        latencyMsP50: null,
        latencyMsP90: null,
        latencyMsP99: null,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        cost: null,
      });
    }
  }
  return buckets;
}

/** Nearest-rank percentile of sorted values (the definition the project summary uses too). */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}
