import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusyShare } from './busy-share.js';

describe('BusyShare', () => {
  it('is the part of the window covered by busy intervals', () => {
    const load = new BusyShare(1000);
    assert.equal(load.share(5000), 0);
    load.add(4000, 4100);
    load.add(4500, 4800);
    assert.equal(load.share(5000), 0.4);
  });

  it('counts only the part of an interval inside the window, and forgets older ones', () => {
    const load = new BusyShare(1000);
    load.add(1000, 2000);
    load.add(2500, 2600);
    assert.equal(load.share(2500), 0.5);
    assert.equal(load.share(3000), 0.1);
    assert.equal(load.share(4000), 0);
  });
});
