import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword, weakPasswordReason } from './password-hash.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.match(hash, /^scrypt\$65536\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterY', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same-password'),
      hashPassword('same-password'),
    ]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same-password', b), true);
  });

  it('refuses stored values it did not make instead of throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$aa$bb', 'bcrypt$1$2$3$4$5']) {
      assert.equal(await verifyPassword('anything', stored), false);
    }
  });

  it('names the rule a weak new password breaks', () => {
    assert.match(weakPasswordReason('short')!, /at least 8/);
    assert.match(weakPasswordReason('x'.repeat(1025))!, /at most 1024/);
    assert.equal(weakPasswordReason('long enough'), null);
  });
});
