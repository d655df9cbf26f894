import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './api-error.js';
import { planBuckets } from './metrics-buckets.js';

const S = 1_000_000_000n;
const at = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

describe('metrics buckets', () => {
  it('chooses a nice width giving 60–120 buckets for the UI’s ranges', () => {
    const end = at('2026-11-24T10:17:23.5Z');
    const expected: [bigint, number][] = [
      [15n * 60n * S, 10], // 15 minutes → 10 s
      [3600n * S, 60], // 1 hour → 1 min (30 s would give 121 once rounded out)
      [12n * 3600n * S, 600], // 12 hours → 10 min
      [86_400n * S, 900], // 1 day → 15 min
      [7n * 86_400n * S, 7200], // 7 days → 2 h
      [30n * 86_400n * S, 43_200], // 30 days → 12 h (21_600 would give 121 once rounded out)
    ];
    for (const [range, width] of expected) {
      const plan = planBuckets(end - range, end, undefined, 1000);
      assert.equal(plan.bucketSeconds, width, `range ${range / S} s`);
      assert.ok(plan.bucketCount >= 30 && plan.bucketCount <= 120, `${plan.bucketCount} buckets`);
    }
  });

  it('rounds the range out to whole buckets counted from the epoch', () => {
    const plan = planBuckets(at('2026-11-24T10:00:30Z'), at('2026-11-24T10:02:30Z'), 60, 1000);
    assert.deepEqual(plan, {
      startTime: at('2026-11-24T10:00:00Z'),
      endTime: at('2026-11-24T10:03:00Z'),
      bucketSeconds: 60,
      bucketCount: 3,
    });
    const exact = planBuckets(at('2026-11-24T10:00:00Z'), at('2026-11-24T10:02:00Z'), 60, 1000);
    assert.equal(exact.bucketCount, 2, 'an aligned end adds no bucket');
  });

  it('uses whole days beyond the nice widths', () => {
    const end = at('2026-11-24T00:00:00Z');
    const plan = planBuckets(end - 5n * 365n * 86_400n * S, end, undefined, 1000);
    assert.equal(plan.bucketSeconds % 86_400, 0);
    assert.ok(plan.bucketCount <= 120 && plan.bucketCount >= 60, `${plan.bucketCount}`);
  });

  it('refuses more buckets than the limit, and keeps automatic widths under it', () => {
    const end = at('2026-11-24T10:00:00Z');
    assert.throws(
      () => planBuckets(end - 3600n * S, end, 1, 1000),
      (error: unknown) =>
        error instanceof ApiError &&
        error.statusCode === 400 &&
        /3600 buckets.*at most 1000/.test(error.message),
    );
    assert.equal(planBuckets(end - 1000n * S, end, 1, 1000).bucketCount, 1000);
    const small = planBuckets(end - 3600n * S, end, undefined, 10);
    assert.ok(small.bucketCount <= 10, `${small.bucketCount}`);
  });
});
