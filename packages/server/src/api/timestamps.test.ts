import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoFromUnixNano, unixNanoFromIso } from './timestamps.js';

describe('timestamps', () => {
  it('writes ISO 8601 with microseconds and an explicit UTC offset', () => {
    assert.equal(isoFromUnixNano(1_712_345_678_123_456_789n), '2024-04-05T19:34:38.123456+00:00');
    assert.equal(isoFromUnixNano(0n), '1970-01-01T00:00:00.000000+00:00');
  });

  it('reads ISO 8601 keeping sub-millisecond digits, UTC when no offset', () => {
    assert.equal(unixNanoFromIso('2024-04-05T19:34:38.123456789Z'), 1_712_345_678_123_456_789n);
    assert.equal(unixNanoFromIso('2024-04-05T19:34:38.123456+00:00'), 1_712_345_678_123_456_000n);
    assert.equal(unixNanoFromIso('2024-04-05T21:34:38+02:00'), 1_712_345_678_000_000_000n);
    assert.equal(unixNanoFromIso('2024-04-05T19:34:38'), 1_712_345_678_000_000_000n);
    assert.equal(unixNanoFromIso('2024-04-05'), 1_712_275_200_000_000_000n);
    assert.equal(unixNanoFromIso('yesterday'), null);
    assert.equal(unixNanoFromIso('2024-13-45T00:00:00Z'), null);
  });
});
