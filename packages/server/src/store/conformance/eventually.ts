/**
 * Waiting for what a store may do in the background. A backend is free to make some reads
 * catch up with writes after the write has resolved (a search index filled by a background
 * job, say); the suite then polls through the Store API instead of looking at the backend's
 * internals.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';

/** Generous: on a loaded CI machine a background indexer may get little CPU. */
export const EVENTUALLY_DEADLINE_MS = 60_000;
const POLL_INTERVAL_MS = 25;

/**
 * Resolves as soon as `probe()` deep-equals `expected`; after the deadline, fails with the
 * last answer. A store that is always up to date passes on the first probe.
 */
export async function eventuallyEqual<T>(
  probe: () => Promise<T>,
  expected: T,
  message?: string,
): Promise<void> {
  const deadline = Date.now() + EVENTUALLY_DEADLINE_MS;
  for (;;) {
    const actual = await probe();
    if (isDeepStrictEqual(actual, expected)) return;
    if (Date.now() >= deadline) {
      assert.deepEqual(actual, expected, message);
      return;
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
