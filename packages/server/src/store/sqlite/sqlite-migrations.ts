/**
 * Versioned schema migrations for SQLite: numbered `.sql` files in `migrations/`, applied in
 * order at start, each in its own transaction, recorded in `heron_migrations`.
 */
import type Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((file) => /^\d{4}-.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(join(migrationsDir, file), 'utf8'),
    }));
}

/** Applies pending migrations; `onApply` is told about each one (progress for the CLI/log). */
export function migrateSqlite(
  db: Database.Database,
  onApply: (migration: Migration) => void = () => {},
): Migration[] {
  db.exec(`CREATE TABLE IF NOT EXISTS heron_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM heron_migrations').all() as { version: number }[]).map(
      (row) => row.version,
    ),
  );
  const pending = listMigrations().filter((m) => !applied.has(m.version));
  // A migration may rebuild a table (SQLite cannot change constraints in place): with foreign
  // keys on, dropping the old table would cascade into the rows that reference it. So they run
  // with foreign keys off (the pragma cannot change inside a transaction), and each one must
  // leave every reference intact before it commits.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of pending) {
      onApply(migration);
      db.transaction(() => {
        db.exec(migration.sql);
        const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
        if (broken.length > 0) {
          const first = broken[0]!;
          throw new Error(
            `migration ${migration.name} left ${broken.length} rows of ${first.table} ` +
              `pointing at missing ${first.parent} rows; nothing was changed`,
          );
        }
        db.prepare('INSERT INTO heron_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          new Date().toISOString(),
        );
      }).immediate();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return pending;
}
