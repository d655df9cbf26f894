/**
 * Users, API keys and login sessions (auth/), kept in the same database as the traces so a
 * PostgreSQL deployment with several Heron processes shares them. Secrets are never stored:
 * passwords as scrypt hashes, keys and session ids as SHA-256 (auth/auth-tokens.ts).
 */
import type { Role } from '../auth/route-access.js';

export interface UserRow {
  rowid: number;
  username: string;
  email: string | null;
  role: Role;
  /** Set for the initial admin and for users an admin created: change at next login. */
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UserWithPassword extends UserRow {
  passwordHash: string;
}

export interface NewUser {
  username: string;
  email: string | null;
  role: Role;
  passwordHash: string;
  mustChangePassword: boolean;
}

export type ApiKeyKind = 'system' | 'user';

export interface ApiKeyRow {
  rowid: number;
  name: string;
  kind: ApiKeyKind;
  /** Owner of a user key; null for system keys. */
  userId: number | null;
  /** A system key's role; a user key acts with its owner's current role. */
  role: Role | null;
  /** The first characters of the key, to tell keys apart in lists. */
  displayPrefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface NewApiKeyRow {
  name: string;
  kind: ApiKeyKind;
  userId: number | null;
  role: Role | null;
  tokenHash: string;
  displayPrefix: string;
  expiresAt: string | null;
}

/** A key found by its hash, with what the request may do with it. */
export interface ApiKeyMatch {
  key: ApiKeyRow;
  /** The owner of a user key (null for system keys, or when the owner is gone). */
  owner: UserRow | null;
}

export interface SessionMatch {
  user: UserRow;
  expiresAt: string;
}

export interface AuthStore {
  countUsers(): Promise<number>;
  countAdmins(): Promise<number>;
  /** Null when the username is taken. */
  createUser(user: NewUser): Promise<UserRow | null>;
  /** Creates the user only while there is no user at all; false when there was one. */
  createFirstUser(user: NewUser): Promise<boolean>;
  listUsers(): Promise<UserRow[]>;
  getUser(rowid: number): Promise<UserRow | null>;
  getUserByUsername(username: string): Promise<UserWithPassword | null>;
  setUserRole(rowid: number, role: Role): Promise<UserRow | null>;
  /** Also ends every session of the user except `keepSessionHash`. */
  setUserPassword(
    rowid: number,
    passwordHash: string,
    mustChangePassword: boolean,
    keepSessionHash: string | null,
  ): Promise<boolean>;
  /** Deletes the user with their keys and sessions. */
  deleteUser(rowid: number): Promise<boolean>;

  createApiKey(key: NewApiKeyRow): Promise<ApiKeyRow>;
  /** All keys (userId undefined) or those of one user; newest first. */
  listApiKeys(userId?: number): Promise<ApiKeyRow[]>;
  getApiKey(rowid: number): Promise<ApiKeyRow | null>;
  findApiKey(tokenHash: string): Promise<ApiKeyMatch | null>;
  /** Marks the key revoked; false when it did not exist or was revoked already. */
  revokeApiKey(rowid: number): Promise<boolean>;

  createSession(userId: number, idHash: string, expiresAt: string): Promise<void>;
  /** The session's user while the session exists and has not expired. */
  findSession(idHash: string, now: string): Promise<SessionMatch | null>;
  deleteSession(idHash: string): Promise<void>;
}
