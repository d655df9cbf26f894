import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../config.js';
import { authSettings, DEFAULT_RATE_LIMIT_PER_MINUTE } from './auth-settings.js';

const SECRET = 'q1W5hZx0bN3yT8rK2mP7vC4jL6sD9fG0aE+uI/oQ';

describe('auth settings', () => {
  it('are off by default, with CORS closed and no REST rate limit', () => {
    const s = authSettings({});
    assert.equal(s.enabled, false);
    assert.deepEqual(s.allowedOrigins, []);
    assert.equal(s.tls, undefined);
    assert.equal(s.rateLimitPerMinute, 0);
    assert.equal(s.ingestRateLimitPerMinute, 0);
  });

  it('turn on with HERON_ENABLE_AUTH or PHOENIX_ENABLE_AUTH, limiting REST by default', () => {
    for (const name of ['HERON_ENABLE_AUTH', 'PHOENIX_ENABLE_AUTH']) {
      const s = authSettings({ [name]: 'true', HERON_SECRET: SECRET });
      assert.equal(s.enabled, true);
      assert.equal(s.rateLimitPerMinute, DEFAULT_RATE_LIMIT_PER_MINUTE);
    }
    assert.equal(
      authSettings({
        PHOENIX_ENABLE_AUTH: 'true',
        PHOENIX_SECRET: SECRET,
        PHOENIX_ADMIN_SECRET: SECRET + 'x',
      }).adminSecret,
      SECRET + 'x',
    );
  });

  it('need a strong HERON_SECRET when on, and say so', () => {
    assert.throws(() => authSettings({ HERON_ENABLE_AUTH: 'true' }), /HERON_SECRET is not set/);
    assert.throws(
      () => authSettings({ HERON_ENABLE_AUTH: 'true', HERON_SECRET: 'changeme' }),
      (error: Error) =>
        error instanceof ConfigError && /HERON_SECRET is too weak/.test(error.message),
    );
    assert.throws(() => authSettings({ HERON_ENABLE_AUTH: 'maybe' }), /true or false/);
  });

  it('check allowed origins and the TLS files', () => {
    assert.deepEqual(
      authSettings({ HERON_ALLOWED_ORIGINS: 'https://a.example, http://localhost:3000/' })
        .allowedOrigins,
      ['https://a.example', 'http://localhost:3000'],
    );
    assert.throws(() => authSettings({ HERON_ALLOWED_ORIGINS: 'a.example' }), /not an origin/);
    assert.throws(
      () => authSettings({ HERON_ALLOWED_ORIGINS: 'https://a.example/path' }),
      /did you mean "https:\/\/a.example"/,
    );
    assert.throws(() => authSettings({ HERON_TLS_CERT_FILE: '/x.pem' }), /needs both/);
    assert.throws(
      () => authSettings({ HERON_TLS_CERT_FILE: '/nonexistent.pem', HERON_TLS_KEY_FILE: '/k.pem' }),
      /HERON_TLS_CERT_FILE \(\/nonexistent.pem\) cannot be read/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'heron-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = authSettings({
      HERON_TLS_CERT_FILE: join(dir, 'cert.pem'),
      HERON_TLS_KEY_FILE: join(dir, 'key.pem'),
    }).tls!;
    assert.match(tls.cert.toString(), /BEGIN CERTIFICATE/);
    assert.match(tls.key.toString(), /PRIVATE KEY/);
  });

  it('take rate limits, 0 meaning off', () => {
    const s = authSettings({
      HERON_ENABLE_AUTH: 'true',
      HERON_SECRET: SECRET,
      HERON_RATE_LIMIT_PER_MINUTE: '0',
      HERON_INGEST_RATE_LIMIT_PER_MINUTE: '600',
    });
    assert.equal(s.rateLimitPerMinute, 0);
    assert.equal(s.ingestRateLimitPerMinute, 600);
    assert.throws(() => authSettings({ HERON_RATE_LIMIT_PER_MINUTE: '-1' }), /between 0 and/);
  });
});
