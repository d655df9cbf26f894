/**
 * The AuthStore contract on both backends: real SQLite file (writer thread) and real
 * PostgreSQL schema.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { NewUser } from './auth-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { createTestSchema, postgresUnavailable } from './postgres/postgres-test-database.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

const user = (username: string, role: NewUser['role'] = 'member'): NewUser => ({
  username,
  email: null,
  role,
  passwordHash: `hash-of-${username}`,
  mustChangePassword: false,
});

async function contract(store: Store): Promise<void> {
  const auth = store.auth;
  // The first user is made once, however many processes try at the same time.
  const firsts = await Promise.all(
    [1, 2, 3].map(() => auth.createFirstUser(user('admin', 'admin'))),
  );
  assert.deepEqual(firsts.filter(Boolean).length, 1);
  assert.equal(await auth.createFirstUser(user('other', 'admin')), false);
  assert.equal(await auth.countUsers(), 1);

  const viewer = (await auth.createUser(user('vera', 'viewer')))!;
  assert.equal(viewer.role, 'viewer');
  assert.equal(await auth.createUser(user('vera')), null, 'a taken name');
  assert.deepEqual(
    (await auth.listUsers()).map((u) => u.username),
    ['admin', 'vera'],
  );
  assert.equal((await auth.getUserByUsername('vera'))!.passwordHash, 'hash-of-vera');
  assert.equal(await auth.countAdmins(), 1);
  assert.equal((await auth.setUserRole(viewer.rowid, 'member'))!.role, 'member');

  // Keys: found by hash, revoked once, listed per owner.
  const key = await auth.createApiKey({
    name: 'ci',
    kind: 'user',
    userId: viewer.rowid,
    role: null,
    tokenHash: 'h1',
    displayPrefix: 'heron_abc',
    expiresAt: '2999-01-01T00:00:00.000Z',
  });
  const system = await auth.createApiKey({
    name: 'exporter',
    kind: 'system',
    userId: null,
    role: 'member',
    tokenHash: 'h2',
    displayPrefix: 'heron_def',
    expiresAt: null,
  });
  assert.equal(key.expiresAt, '2999-01-01T00:00:00.000Z');
  const found = (await auth.findApiKey('h1'))!;
  assert.equal(found.key.rowid, key.rowid);
  assert.equal(found.owner!.username, 'vera');
  assert.equal((await auth.findApiKey('h2'))!.owner, null);
  assert.equal(await auth.findApiKey('nope'), null);
  assert.deepEqual(
    (await auth.listApiKeys(viewer.rowid)).map((k) => k.name),
    ['ci'],
  );
  assert.deepEqual(
    (await auth.listApiKeys()).map((k) => k.name),
    ['exporter', 'ci'],
  );
  assert.equal(await auth.revokeApiKey(system.rowid), true);
  assert.equal(await auth.revokeApiKey(system.rowid), false);
  assert.notEqual((await auth.getApiKey(system.rowid))!.revokedAt, null);

  // Sessions: found until expiry; a password change ends the others.
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 3_600_000).toISOString();
  await auth.createSession(viewer.rowid, 's1', later);
  await auth.createSession(viewer.rowid, 's2', later);
  await auth.createSession(viewer.rowid, 'old', new Date(Date.now() - 1000).toISOString());
  assert.equal((await auth.findSession('s1', now))!.user.username, 'vera');
  assert.equal(await auth.findSession('old', now), null);
  assert.equal(await auth.setUserPassword(viewer.rowid, 'new-hash', false, 's2'), true);
  assert.equal(await auth.findSession('s1', now), null);
  assert.notEqual(await auth.findSession('s2', now), null);
  await auth.deleteSession('s2');
  assert.equal(await auth.findSession('s2', now), null);

  // Deleting a user takes their keys and sessions along.
  await auth.createSession(viewer.rowid, 's3', later);
  assert.equal(await auth.deleteUser(viewer.rowid), true);
  assert.equal(await auth.deleteUser(viewer.rowid), false);
  assert.equal(await auth.findApiKey('h1'), null);
  assert.equal(await auth.findSession('s3', now), null);
}

describe('auth store on SQLite', () => {
  it('keeps the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heron-auth-'));
    const store = await SqliteStore.open({ path: join(dir, 'heron.db'), synchronous: 'NORMAL' });
    try {
      await contract(store);
    } finally {
      await store.close();
    }
  });
});

const skip = await postgresUnavailable();

describe('auth store on PostgreSQL', { skip }, () => {
  it('keeps the contract', async () => {
    const db = await createTestSchema();
    try {
      const store = new PostgresStore(db.newPool());
      await contract(store);
    } finally {
      await db.drop();
    }
  });
});
