/**
 * Users, API keys and sessions on PostgreSQL (store/auth-store.ts), shared by every Heron
 * process on the database. "Create the first user only while there is none" takes a
 * transaction-scoped advisory lock so two processes starting at once make one admin.
 */
import type pg from 'pg';
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
import { DEFAULT_WRITE_ATTEMPTS, inWriteTransaction } from './postgres-transaction.js';

interface UserDbRow {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  password_hash: string;
  must_change_password: boolean;
  created_at: Date;
  updated_at: Date;
}

interface ApiKeyDbRow {
  id: string;
  name: string;
  kind: 'system' | 'user';
  user_id: string | null;
  role: Role | null;
  display_prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** Any number; the advisory lock that serialises first-user creation. */
const FIRST_USER_LOCK = 0x68657230;

function fromUserDbRow(row: UserDbRow): UserRow {
  return {
    rowid: Number(row.id),
    username: row.username,
    email: row.email,
    role: row.role,
    mustChangePassword: row.must_change_password,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function fromApiKeyDbRow(row: ApiKeyDbRow): ApiKeyRow {
  return {
    rowid: Number(row.id),
    name: row.name,
    kind: row.kind,
    userId: row.user_id === null ? null : Number(row.user_id),
    role: row.role,
    displayPrefix: row.display_prefix,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

const INSERT_USER = `INSERT INTO users (username, email, role, password_hash, must_change_password)
  VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING *`;

function userValues(user: NewUser): unknown[] {
  return [user.username, user.email, user.role, user.passwordHash, user.mustChangePassword];
}

export class PostgresAuthStore implements AuthStore {
  constructor(private readonly pool: pg.Pool) {}

  async countUsers(): Promise<number> {
    const result = await this.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM users');
    return Number(result.rows[0]!.n);
  }

  async countAdmins(): Promise<number> {
    const result = await this.pool.query<{ n: string }>(
      "SELECT COUNT(*) AS n FROM users WHERE role = 'admin'",
    );
    return Number(result.rows[0]!.n);
  }

  async createUser(user: NewUser): Promise<UserRow | null> {
    const result = await this.pool.query<UserDbRow>(INSERT_USER, userValues(user));
    return result.rows[0] ? fromUserDbRow(result.rows[0]) : null;
  }

  createFirstUser(user: NewUser): Promise<boolean> {
    return inWriteTransaction(
      this.pool,
      { maxAttempts: DEFAULT_WRITE_ATTEMPTS },
      async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [FIRST_USER_LOCK]);
        const any = await client.query('SELECT 1 FROM users LIMIT 1');
        if (any.rowCount !== 0) return false;
        await client.query(INSERT_USER, userValues(user));
        return true;
      },
    );
  }

  async listUsers(): Promise<UserRow[]> {
    const result = await this.pool.query<UserDbRow>('SELECT * FROM users ORDER BY username');
    return result.rows.map(fromUserDbRow);
  }

  async getUser(rowid: number): Promise<UserRow | null> {
    const result = await this.pool.query<UserDbRow>('SELECT * FROM users WHERE id = $1', [rowid]);
    return result.rows[0] ? fromUserDbRow(result.rows[0]) : null;
  }

  async getUserByUsername(username: string): Promise<UserWithPassword | null> {
    const result = await this.pool.query<UserDbRow>('SELECT * FROM users WHERE username = $1', [
      username,
    ]);
    const row = result.rows[0];
    return row ? { ...fromUserDbRow(row), passwordHash: row.password_hash } : null;
  }

  async setUserRole(rowid: number, role: Role): Promise<UserRow | null> {
    const result = await this.pool.query<UserDbRow>(
      'UPDATE users SET role = $2, updated_at = now() WHERE id = $1 RETURNING *',
      [rowid, role],
    );
    return result.rows[0] ? fromUserDbRow(result.rows[0]) : null;
  }

  setUserPassword(
    rowid: number,
    passwordHash: string,
    mustChangePassword: boolean,
    keepSessionHash: string | null,
  ): Promise<boolean> {
    return inWriteTransaction(
      this.pool,
      { maxAttempts: DEFAULT_WRITE_ATTEMPTS },
      async (client) => {
        const updated = await client.query(
          `UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now()
         WHERE id = $1`,
          [rowid, passwordHash, mustChangePassword],
        );
        await client.query(
          'DELETE FROM login_sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2',
          [rowid, keepSessionHash],
        );
        return updated.rowCount === 1;
      },
    );
  }

  async deleteUser(rowid: number): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM users WHERE id = $1', [rowid]);
    return result.rowCount === 1;
  }

  async createApiKey(key: NewApiKeyRow): Promise<ApiKeyRow> {
    const result = await this.pool.query<ApiKeyDbRow>(
      `INSERT INTO api_keys (name, kind, user_id, role, token_hash, display_prefix, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [key.name, key.kind, key.userId, key.role, key.tokenHash, key.displayPrefix, key.expiresAt],
    );
    return fromApiKeyDbRow(result.rows[0]!);
  }

  async listApiKeys(userId?: number): Promise<ApiKeyRow[]> {
    const result =
      userId === undefined
        ? await this.pool.query<ApiKeyDbRow>('SELECT * FROM api_keys ORDER BY id DESC')
        : await this.pool.query<ApiKeyDbRow>(
            'SELECT * FROM api_keys WHERE user_id = $1 ORDER BY id DESC',
            [userId],
          );
    return result.rows.map(fromApiKeyDbRow);
  }

  async getApiKey(rowid: number): Promise<ApiKeyRow | null> {
    const result = await this.pool.query<ApiKeyDbRow>('SELECT * FROM api_keys WHERE id = $1', [
      rowid,
    ]);
    return result.rows[0] ? fromApiKeyDbRow(result.rows[0]) : null;
  }

  async findApiKey(tokenHash: string): Promise<ApiKeyMatch | null> {
    const result = await this.pool.query<ApiKeyDbRow>(
      'SELECT * FROM api_keys WHERE token_hash = $1',
      [tokenHash],
    );
    if (!result.rows[0]) return null;
    const key = fromApiKeyDbRow(result.rows[0]);
    return { key, owner: key.userId === null ? null : await this.getUser(key.userId) };
  }

  async revokeApiKey(rowid: number): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [rowid],
    );
    return result.rowCount === 1;
  }

  async createSession(userId: number, idHash: string, expiresAt: string): Promise<void> {
    // Expired sessions of anyone are cleared as new ones are made, so the table stays small.
    await this.pool.query('DELETE FROM login_sessions WHERE expires_at <= now()');
    await this.pool.query(
      'INSERT INTO login_sessions (user_id, id_hash, expires_at) VALUES ($1, $2, $3)',
      [userId, idHash, expiresAt],
    );
  }

  async findSession(idHash: string, now: string): Promise<SessionMatch | null> {
    const result = await this.pool.query<UserDbRow & { session_expires_at: Date }>(
      `SELECT u.*, s.expires_at AS session_expires_at FROM login_sessions s
         JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2`,
      [idHash, now],
    );
    const row = result.rows[0];
    return row
      ? { user: fromUserDbRow(row), expiresAt: row.session_expires_at.toISOString() }
      : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM login_sessions WHERE id_hash = $1', [idHash]);
  }
}
