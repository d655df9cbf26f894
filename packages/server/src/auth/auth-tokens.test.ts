import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  csrfTokenFor,
  csrfTokenMatches,
  newApiKey,
  newSession,
  sha256,
  verifySessionCookie,
} from './auth-tokens.js';

const SECRET = 'k3J9vQ2mX8pL5wR1tY7uB4nC6dF0gH2jA9sZ';

describe('API keys', () => {
  it('are random, prefixed, and stored only as their SHA-256', () => {
    const a = newApiKey();
    const b = newApiKey();
    assert.notEqual(a.token, b.token);
    assert.match(a.token, /^heron_[\w-]{43}$/);
    assert.equal(a.tokenHash, sha256(a.token));
    assert.ok(!a.tokenHash.includes(a.token));
    assert.ok(a.token.startsWith(a.displayPrefix));
    assert.ok(a.displayPrefix.length < 16);
  });
});

describe('session cookies', () => {
  it('verify under the secret that signed them', () => {
    const session = newSession(SECRET);
    assert.equal(verifySessionCookie(SECRET, session.cookie), session.idHash);
  });

  it('are refused when forged, altered, or signed with another secret', () => {
    const session = newSession(SECRET);
    const [id, signature] = session.cookie.split('.') as [string, string];
    assert.equal(
      verifySessionCookie('another-secret-of-enough-length-000000', session.cookie),
      null,
    );
    assert.equal(verifySessionCookie(SECRET, `${id}x.${signature}`), null);
    assert.equal(verifySessionCookie(SECRET, `${id}.${signature.slice(1)}`), null);
    assert.equal(verifySessionCookie(SECRET, id), null);
    assert.equal(verifySessionCookie(SECRET, ''), null);
  });
});

describe('CSRF tokens', () => {
  it('are bound to the session', () => {
    const a = newSession(SECRET);
    const b = newSession(SECRET);
    const token = csrfTokenFor(SECRET, a.idHash);
    assert.equal(csrfTokenMatches(SECRET, a.idHash, token), true);
    assert.equal(csrfTokenMatches(SECRET, b.idHash, token), false);
    assert.equal(csrfTokenMatches(SECRET, a.idHash, ''), false);
  });
});
