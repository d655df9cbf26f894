/**
 * Users, API keys and sessions on SQLite (store/auth-store.ts): writes run on the writer thread
 * as named operations (registered in write-operations.ts), so "create the first user only
 * while there is none" is one transaction; reads are small keyed lookups on the calling
 * thread's query-only connection.
 */
import type Database from 'better-sqlite3';
import type { Role } from '../../auth/route-access.js';
import type {
  ApiKeyMatch,
  ApiKeyRow,
  AuthStore,
  NewApiKeyRow,
  NewUser,
  SessionMatch,
  UserRow,
  UserWithPassword,
} from '../auth-store.js';
import type { SqliteAccess } from './sqlite-annotation-store.js';

interface UserDbRow {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  password_hash: string;
  must_change_password: number;
  created_at: string;
  updated_at: string;
}

interface ApiKeyDbRow {
  id: number;
  name: string;
  kind: 'system' | 'user';
  user_id: number | null;
  role: Role | null;
  display_prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

function fromUserDbRow(row: UserDbRow): UserRow {
  return {
    rowid: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    mustChangePassword: row.must_change_password === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fromApiKeyDbRow(row: ApiKeyDbRow): ApiKeyRow {
  return {
    rowid: row.id,
    name: row.name,
    kind: row.kind,
    userId: row.user_id,
    role: row.role,
    displayPrefix: row.display_prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function getUser(db: Database.Database, rowid: number): UserRow | null {
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(rowid) as UserDbRow | undefined;
  return row ? fromUserDbRow(row) : null;
}

function getApiKey(db: Database.Database, rowid: number): ApiKeyRow | null {
  const row = db.prepare('SELECT * FROM api_keys WHERE id = ?').get(rowid) as
    ApiKeyDbRow | undefined;
  return row ? fromApiKeyDbRow(row) : null;
}

function insertUser(db: Database.Database, user: NewUser): UserRow {
  const now = new Date().toISOString();
  const result = db
    .prepare(
      `INSERT INTO users (username, email, role, password_hash, must_change_password,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      user.username,
      user.email,
      user.role,
      user.passwordHash,
      Number(user.mustChangePassword),
      now,
      now,
    );
  return getUser(db, Number(result.lastInsertRowid))!;
}

function createUser(db: Database.Database, args: { user: NewUser }): UserRow | null {
  const taken = db.prepare('SELECT 1 FROM users WHERE username = ?').get(args.user.username);
  return taken === undefined ? insertUser(db, args.user) : null;
}

function createFirstUser(db: Database.Database, args: { user: NewUser }): boolean {
  if (db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined) return false;
  insertUser(db, args.user);
  return true;
}

function setUserRole(db: Database.Database, args: { rowid: number; role: Role }): UserRow | null {
  db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?').run(
    args.role,
    new Date().toISOString(),
    args.rowid,
  );
  return getUser(db, args.rowid);
}

function setUserPassword(
  db: Database.Database,
  args: { rowid: number; hash: string; mustChange: boolean; keepSessionHash: string | null },
): boolean {
  const changed = db
    .prepare(
      'UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?',
    )
    .run(args.hash, Number(args.mustChange), new Date().toISOString(), args.rowid).changes;
  db.prepare('DELETE FROM login_sessions WHERE user_id = ? AND id_hash IS NOT ?').run(
    args.rowid,
    args.keepSessionHash,
  );
  return changed === 1;
}

function deleteUser(db: Database.Database, args: { rowid: number }): boolean {
  return db.prepare('DELETE FROM users WHERE id = ?').run(args.rowid).changes === 1;
}

function createApiKey(db: Database.Database, args: { key: NewApiKeyRow }): ApiKeyRow {
  const k = args.key;
  const result = db
    .prepare(
      `INSERT INTO api_keys (name, kind, user_id, role, token_hash, display_prefix, created_at,
         expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      k.name,
      k.kind,
      k.userId,
      k.role,
      k.tokenHash,
      k.displayPrefix,
      new Date().toISOString(),
      k.expiresAt,
    );
  return getApiKey(db, Number(result.lastInsertRowid))!;
}

function revokeApiKey(db: Database.Database, args: { rowid: number }): boolean {
  return (
    db
      .prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(new Date().toISOString(), args.rowid).changes === 1
  );
}

function createSession(
  db: Database.Database,
  args: { userId: number; idHash: string; expiresAt: string },
): void {
  const now = new Date().toISOString();
  // Expired sessions of anyone are cleared as new ones are made, so the table stays small.
  db.prepare('DELETE FROM login_sessions WHERE expires_at <= ?').run(now);
  db.prepare(
    'INSERT INTO login_sessions (user_id, id_hash, created_at, expires_at) VALUES (?, ?, ?, ?)',
  ).run(args.userId, args.idHash, now, args.expiresAt);
}

function deleteSession(db: Database.Database, args: { idHash: string }): void {
  db.prepare('DELETE FROM login_sessions WHERE id_hash = ?').run(args.idHash);
}

export const AUTH_WRITE_OPERATIONS = {
  createUser,
  createFirstUser,
  setUserRole,
  setUserPassword,
  deleteUser,
  createApiKey,
  revokeApiKey,
  createSession,
  deleteSession,
};

export class SqliteAuthStore implements AuthStore {
  constructor(private readonly sqlite: SqliteAccess) {}

  private get reader(): Database.Database {
    return this.sqlite.readConnection;
  }

  async countUsers(): Promise<number> {
    return this.reader.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
  }

  async countAdmins(): Promise<number> {
    return this.reader
      .prepare("SELECT COUNT(*) FROM users WHERE role = 'admin'")
      .pluck()
      .get() as number;
  }

  createUser(user: NewUser): Promise<UserRow | null> {
    return this.sqlite.write('createUser', { user });
  }

  createFirstUser(user: NewUser): Promise<boolean> {
    return this.sqlite.write('createFirstUser', { user });
  }

  async listUsers(): Promise<UserRow[]> {
    const rows = this.reader.prepare('SELECT * FROM users ORDER BY username').all() as UserDbRow[];
    return rows.map(fromUserDbRow);
  }

  async getUser(rowid: number): Promise<UserRow | null> {
    return getUser(this.reader, rowid);
  }

  async getUserByUsername(username: string): Promise<UserWithPassword | null> {
    const row = this.reader.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      UserDbRow | undefined;
    return row ? { ...fromUserDbRow(row), passwordHash: row.password_hash } : null;
  }

  setUserRole(rowid: number, role: Role): Promise<UserRow | null> {
    return this.sqlite.write('setUserRole', { rowid, role });
  }

  setUserPassword(
    rowid: number,
    passwordHash: string,
    mustChangePassword: boolean,
    keepSessionHash: string | null,
  ): Promise<boolean> {
    return this.sqlite.write('setUserPassword', {
      rowid,
      hash: passwordHash,
      mustChange: mustChangePassword,
      keepSessionHash,
    });
  }

  deleteUser(rowid: number): Promise<boolean> {
    return this.sqlite.write('deleteUser', { rowid });
  }

  createApiKey(key: NewApiKeyRow): Promise<ApiKeyRow> {
    return this.sqlite.write('createApiKey', { key });
  }

  async listApiKeys(userId?: number): Promise<ApiKeyRow[]> {
    const rows = (
      userId === undefined
        ? this.reader.prepare('SELECT * FROM api_keys ORDER BY id DESC').all()
        : this.reader
            .prepare('SELECT * FROM api_keys WHERE user_id = ? ORDER BY id DESC')
            .all(userId)
    ) as ApiKeyDbRow[];
    return rows.map(fromApiKeyDbRow);
  }

  async getApiKey(rowid: number): Promise<ApiKeyRow | null> {
    return getApiKey(this.reader, rowid);
  }

  async findApiKey(tokenHash: string): Promise<ApiKeyMatch | null> {
    const row = this.reader
      .prepare('SELECT * FROM api_keys WHERE token_hash = ?')
      .get(tokenHash) as ApiKeyDbRow | undefined;
    if (!row) return null;
    const key = fromApiKeyDbRow(row);
    return { key, owner: key.userId === null ? null : getUser(this.reader, key.userId) };
  }

  revokeApiKey(rowid: number): Promise<boolean> {
    return this.sqlite.write('revokeApiKey', { rowid });
  }

  createSession(userId: number, idHash: string, expiresAt: string): Promise<void> {
    return this.sqlite.write('createSession', { userId, idHash, expiresAt });
  }

  async findSession(idHash: string, now: string): Promise<SessionMatch | null> {
    const row = this.reader
      .prepare(
        `SELECT u.*, s.expires_at AS session_expires_at FROM login_sessions s
           JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?`,
      )
      .get(idHash, now) as (UserDbRow & { session_expires_at: string }) | undefined;
    return row ? { user: fromUserDbRow(row), expiresAt: row.session_expires_at } : null;
  }

  deleteSession(idHash: string): Promise<void> {
    return this.sqlite.write('deleteSession', { idHash });
  }
}
