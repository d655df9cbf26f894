/** Reads of projects on a SQLite connection. */
import type Database from 'better-sqlite3';
import type { Page, ProjectListQuery, ProjectRow } from '../store.js';

interface ProjectDbRow {
  id: number;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

function fromProjectDbRow(row: ProjectDbRow): ProjectRow {
  return {
    rowid: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listProjects(db: Database.Database, query: ProjectListQuery): Page<ProjectRow> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.cursor !== undefined) {
    where.push('id >= ?');
    params.push(query.cursor);
  }
  if (query.nameContains) {
    where.push('instr(lower(name), lower(?)) > 0');
    params.push(query.nameContains);
  }
  const sql = `SELECT * FROM projects ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY id LIMIT ?`;
  const rows = db.prepare(sql).all(...params, query.limit + 1) as ProjectDbRow[];
  const items = rows.map(fromProjectDbRow);
  if (items.length <= query.limit) return { items, nextCursor: null };
  return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
}

export function getProjectBy(
  db: Database.Database,
  column: 'id' | 'name',
  value: number | string,
): ProjectRow | null {
  const row = db.prepare(`SELECT * FROM projects WHERE ${column} = ?`).get(value);
  return row ? fromProjectDbRow(row as ProjectDbRow) : null;
}
