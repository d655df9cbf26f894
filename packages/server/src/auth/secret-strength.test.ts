import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weakSecretReason } from './secret-strength.js';

describe('HERON_SECRET strength', () => {
  it('refuses short secrets', () => {
    assert.match(weakSecretReason('changeme')!, /8 characters; at least 32/);
  });

  it('refuses long but repetitive secrets', () => {
    assert.match(weakSecretReason('a'.repeat(64))!, /too repetitive/);
    assert.match(weakSecretReason('abab'.repeat(16))!, /too repetitive/);
  });

  it('accepts random values such as `openssl rand -base64 48`', () => {
    assert.equal(weakSecretReason('q1W5hZx0bN3yT8rK2mP7vC4jL6sD9fG0aE+uI/oQ'), null);
  });
});
