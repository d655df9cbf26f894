/**
 * The time buckets of a metrics request: the range rounded out to whole buckets counted from
 * the Unix epoch (so a chart's buckets stay put as its window slides, and none is partial), and
 * a bucket width chosen for about 60–120 buckets when the client gives none.
 */
import { ApiError } from './api-error.js';

const NS_PER_SECOND = 1_000_000_000n;
const DAY_SECONDS = 86_400;

/** Widths a chart axis reads well in, smallest first. */
const NICE_BUCKET_SECONDS = [
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  10_800,
  21_600,
  43_200,
  DAY_SECONDS,
  2 * DAY_SECONDS,
  7 * DAY_SECONDS,
];

/** Most buckets an automatically chosen width gives. */
export const AUTO_MAX_BUCKETS = 120;

export interface BucketPlan {
  /** [start, end) in ns, whole buckets. */
  startTime: bigint;
  endTime: bigint;
  bucketSeconds: number;
  bucketCount: number;
}

function aligned(start: bigint, end: bigint, bucketSeconds: number) {
  const width = BigInt(bucketSeconds) * NS_PER_SECOND;
  const first = (start / width) * width;
  const last = ((end + width - 1n) / width) * width;
  return { startTime: first, endTime: last, bucketCount: Number((last - first) / width) };
}

/**
 * Buckets covering [start, end). With `bucketSeconds` given, more than `maxBuckets` is the
 * client's mistake (400); without, the smallest nice width giving at most 120 buckets.
 */
export function planBuckets(
  start: bigint,
  end: bigint,
  bucketSeconds: number | undefined,
  maxBuckets: number,
): BucketPlan {
  if (bucketSeconds !== undefined) {
    const plan = { ...aligned(start, end, bucketSeconds), bucketSeconds };
    if (plan.bucketCount > maxBuckets) {
      throw new ApiError(
        400,
        `bucket_seconds=${bucketSeconds} makes ${plan.bucketCount} buckets over this range; ` +
          `at most ${maxBuckets} are allowed (HERON_MAX_METRICS_BUCKETS): use wider buckets ` +
          'or a shorter range',
      );
    }
    return plan;
  }
  const limit = Math.min(AUTO_MAX_BUCKETS, maxBuckets);
  for (const width of NICE_BUCKET_SECONDS) {
    const plan = aligned(start, end, width);
    if (plan.bucketCount <= limit) return { ...plan, bucketSeconds: width };
  }
  // Longer than 120 weeks: whole days.
  const rangeSeconds = Number((end - start) / NS_PER_SECOND);
  let days = Math.ceil(rangeSeconds / DAY_SECONDS / limit);
  for (;;) {
    const plan = aligned(start, end, days * DAY_SECONDS);
    if (plan.bucketCount <= limit) return { ...plan, bucketSeconds: days * DAY_SECONDS };
    days++;
  }
}
