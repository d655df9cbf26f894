/** Reads of projects on PostgreSQL. */
import type pg from 'pg';
import type { CompiledFilter } from '../../query/compiled-filter.js';
import type { Page, ProjectListQuery, ProjectRow } from '../store.js';
import { toPgStatement, whereStatement } from './postgres-statement.js';

interface ProjectDbRow {
  id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

export const PROJECT_COLUMNS = 'id, name, description, created_at, updated_at';

export function fromProjectDbRow(row: ProjectDbRow): ProjectRow {
  return {
    rowid: Number(row.id),
    name: row.name,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function listProjects(
  db: pg.Pool,
  query: ProjectListQuery,
): Promise<Page<ProjectRow>> {
  const conditions: CompiledFilter[] = [];
  if (query.cursor !== undefined) conditions.push({ sql: 'id >= ?', params: [query.cursor] });
  if (query.nameContains) {
    conditions.push({ sql: 'strpos(lower(name), lower(?)) > 0', params: [query.nameContains] });
  }
  const { rows } = await db.query<ProjectDbRow>(
    whereStatement(`SELECT ${PROJECT_COLUMNS} FROM projects`, conditions, {
      sql: 'ORDER BY id LIMIT ?',
      params: [query.limit + 1],
    }),
  );
  const items = rows.map(fromProjectDbRow);
  if (items.length <= query.limit) return { items, nextCursor: null };
  return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
}

export async function getProjectBy(
  db: pg.Pool,
  column: 'id' | 'name',
  value: number | string,
): Promise<ProjectRow | null> {
  const { rows } = await db.query<ProjectDbRow>(
    toPgStatement({
      sql: `SELECT ${PROJECT_COLUMNS} FROM projects WHERE ${column} = ?`,
      params: [value],
    }),
  );
  return rows[0] ? fromProjectDbRow(rows[0]) : null;
}
