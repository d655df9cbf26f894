import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import type { StoreChange } from '../store/store-change.js';
import { ChangeCoalescer } from './change-coalescer.js';

const spans = (projectId: number, traceIds: string[], spanCount = 1): StoreChange => ({
  type: 'spans',
  projectId,
  projectName: `p${projectId}`,
  traceIds,
  spanCount,
});
const deleted = (projectId: number, traceIds: string[]): StoreChange => ({
  type: 'deleted',
  projectId,
  projectName: `p${projectId}`,
  traceIds,
});

describe('ChangeCoalescer', () => {
  let coalescer: ChangeCoalescer | undefined;
  afterEach(() => coalescer?.clear());

  const start = (intervalMs: number, maxTraceIds = 100) => {
    const out: StoreChange[] = [];
    coalescer = new ChangeCoalescer({ intervalMs, maxTraceIds }, (c) => out.push(c));
    return { coalescer, out };
  };

  it('sends the first change at once, merges the rest of the interval into one event', async () => {
    const { coalescer, out } = start(80);
    coalescer.add(spans(1, ['a'], 2));
    assert.deepEqual(out, [spans(1, ['a'], 2)]);
    coalescer.add(spans(1, ['b', 'c'], 3));
    coalescer.add(spans(1, ['c', 'd'], 4));
    assert.equal(out.length, 1, 'nothing more within the interval');
    await sleep(130);
    assert.deepEqual(out[1], spans(1, ['b', 'c', 'd'], 7));
    // The next interval was quiet: a later change goes out at once again.
    await sleep(120);
    coalescer.add(spans(1, ['e']));
    assert.deepEqual(out[2], spans(1, ['e']));
    assert.equal(out.length, 3);
  });

  it('keeps projects and kinds apart', () => {
    const { coalescer, out } = start(1000);
    coalescer.add(spans(1, ['a']));
    coalescer.add(spans(2, ['b']));
    coalescer.add(deleted(1, ['a']));
    coalescer.add(spans(1, ['c'])); // held back: project 1's spans interval runs
    assert.deepEqual(out, [spans(1, ['a']), spans(2, ['b']), deleted(1, ['a'])]);
  });

  it('caps and de-duplicates trace ids; span counts stay exact', async () => {
    const { coalescer, out } = start(50, 3);
    coalescer.add(spans(1, ['a', 'a', 'b', 'c', 'd', 'e'], 6));
    assert.deepEqual(out[0], spans(1, ['a', 'b', 'c'], 6));
    coalescer.add(spans(1, ['x', 'y'], 2));
    coalescer.add(spans(1, ['x', 'z', 'w'], 3));
    await sleep(90);
    assert.deepEqual(out[1], spans(1, ['x', 'y', 'z'], 5));
  });

  it('a deletion naming too many traces, or merged with one naming none, names none', async () => {
    const { coalescer, out } = start(50, 2);
    coalescer.add(deleted(1, ['a', 'b', 'c']));
    assert.deepEqual(out[0], deleted(1, []));
    coalescer.add(deleted(1, ['d']));
    coalescer.add(deleted(1, []));
    await sleep(90);
    assert.deepEqual(out[1], deleted(1, []));
    coalescer.add(deleted(1, ['e', 'e']));
    await sleep(90);
    assert.deepEqual(out[2], deleted(1, ['e']));
  });

  it('with interval 0 sends every change as it comes', () => {
    const { coalescer, out } = start(0);
    coalescer.add(spans(1, ['a']));
    coalescer.add(spans(1, ['b']));
    assert.deepEqual(out, [spans(1, ['a']), spans(1, ['b'])]);
  });

  it('clear() drops what is pending', async () => {
    const { coalescer, out } = start(40);
    coalescer.add(spans(1, ['a']));
    coalescer.add(spans(1, ['b']));
    coalescer.clear();
    await sleep(80);
    assert.equal(out.length, 1);
  });
});
