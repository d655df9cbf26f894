-- Users, API keys and login sessions (store/auth-store.ts); `login_sessions` because `sessions`
-- holds trace sessions. No secret is stored: passwords as scrypt hashes, API keys and session
-- ids as SHA-256 hex.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  -- Stored lower-case: names are compared case-insensitively.
  username TEXT NOT NULL UNIQUE,
  email TEXT,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL CHECK (must_change_password IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('system', 'user')),
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  role TEXT CHECK (role IN ('viewer', 'member', 'admin')),
  token_hash TEXT NOT NULL UNIQUE,
  display_prefix TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  CHECK ((kind = 'system' AND user_id IS NULL AND role IS NOT NULL)
      OR (kind = 'user' AND user_id IS NOT NULL AND role IS NULL))
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE login_sessions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  id_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);
