/**
 * Reads a span's row straight from the database a test server writes to (SQLite file in its
 * working directory, or its PostgreSQL schema when HERON_E2E_DATABASE_URL is set), to check
 * what is stored, not only what the API shows.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export interface StoredSpanRow {
  span_id: string;
  parent_id: string | null;
  name: string;
  span_kind: string;
  /** The stored attributes, parsed. */
  attributes: unknown;
  model_name: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
}

const COLUMNS = `span_id, parent_id, name, span_kind, attributes, model_name, prompt_tokens,
  completion_tokens, total_tokens`;

export async function storedSpanRow(
  workingDir: string,
  traceId: string,
  spanId: string,
): Promise<StoredSpanRow | undefined> {
  const url = process.env['HERON_E2E_DATABASE_URL'];
  if (url) {
    const schema = readFileSync(join(workingDir, 'e2e-schema'), 'utf8');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query(
        `SELECT ${COLUMNS} FROM "${schema}".spans WHERE trace_id = $1 AND span_id = $2`,
        [traceId, spanId],
      );
      const row = result.rows[0] as StoredSpanRow | undefined;
      if (!row) return undefined;
      for (const key of ['prompt_tokens', 'completion_tokens', 'total_tokens'] as const) {
        if (row[key] !== null) row[key] = Number(row[key]);
      }
      return row;
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(workingDir, 'heron.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(`SELECT ${COLUMNS} FROM spans WHERE trace_id = ? AND span_id = ?`)
      .get(traceId, spanId) as (StoredSpanRow & { attributes: string }) | undefined;
    return row ? { ...row, attributes: JSON.parse(row.attributes) } : undefined;
  } finally {
    db.close();
  }
}
