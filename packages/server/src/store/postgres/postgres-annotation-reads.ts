/**
 * Annotation and annotation-config reads on PostgreSQL, with the semantics of the SQLite ones
 * (sqlite/sqlite-annotation-store.ts): newest (highest rowid) first, inclusive rowid cursors,
 * each bounded by a LIMIT over the rowid order.
 */
import type pg from 'pg';
import type {
  AnnotationConfigListQuery,
  AnnotationConfigRow,
  AnnotationListQuery,
  ListableTargetKind,
  StoredAnnotation,
} from '../annotation-store.js';
import type { Page } from '../store.js';
import {
  annotationColumns,
  CONFIG_COLUMNS,
  fromPgAnnotationConfigRow,
  fromPgAnnotationRow,
  type PgAnnotationConfigRow,
  type PgAnnotationRow,
} from './postgres-annotation-rows.js';
import { PG_ANNOTATION_TABLES } from './postgres-annotation-tables.js';
import { pgText } from './postgres-span-row.js';

/** A page of `limit` items from `limit + 1` rows: the extra row's rowid is the next cursor. */
function pageOf<T extends { rowid: number }>(items: T[], limit: number): Page<T> {
  if (items.length <= limit) return { items, nextCursor: null };
  return { items: items.slice(0, limit), nextCursor: items[limit]!.rowid };
}

export async function listAnnotations(
  pool: pg.Pool,
  kind: ListableTargetKind,
  projectId: number,
  query: AnnotationListQuery,
): Promise<Page<StoredAnnotation>> {
  const table = PG_ANNOTATION_TABLES[kind];
  const params: unknown[] = [projectId];
  const where = ['t.project_id = $1'];
  const add = (condition: string, value: unknown) => {
    params.push(value);
    where.push(condition.replace('$?', `$${params.length}`));
  };
  // Stored text has NUL replaced (PostgreSQL text cannot hold it); so are the values looked for.
  const lists: [string, string[] | undefined][] = [
    [`t.${table.targetIdColumn} = ANY($?::text[])`, query.targetIds],
    ['a.identifier = ANY($?::text[])', query.identifiers],
    ['a.name = ANY($?::text[])', query.includeNames],
    ['a.name <> ALL($?::text[])', query.excludeNames],
  ];
  for (const [condition, values] of lists) {
    if (values && values.length > 0) add(condition, values.map(pgText));
  }
  if (query.cursor !== undefined) add('a.id <= $?', query.cursor);
  params.push(query.limit + 1);
  const { rows } = await pool.query<PgAnnotationRow>(
    `SELECT ${annotationColumns(table.targetIdColumn, (kind as string) === 'document')}
     FROM ${table.table} a JOIN ${table.targetTable} t ON t.id = a.${table.targetColumn}
     WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT $${params.length}`,
    params,
  );
  return pageOf(
    rows.map((row) => fromPgAnnotationRow(kind, row)),
    query.limit,
  );
}

export async function anyTargetExists(
  pool: pg.Pool,
  kind: ListableTargetKind,
  projectId: number,
  targetIds: string[],
): Promise<boolean> {
  if (targetIds.length === 0) return false;
  const table = PG_ANNOTATION_TABLES[kind];
  const { rows } = await pool.query(
    `SELECT 1 FROM ${table.targetTable}
     WHERE ${table.targetIdColumn} = ANY($1::text[]) AND project_id = $2 LIMIT 1`,
    [targetIds.map(pgText), projectId],
  );
  return rows.length > 0;
}

export async function listAnnotationConfigs(
  pool: pg.Pool,
  query: AnnotationConfigListQuery,
): Promise<Page<AnnotationConfigRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.projectId !== undefined) {
    params.push(query.projectId);
    where.push(
      `id IN (SELECT annotation_config_id FROM project_annotation_configs
              WHERE project_id = $${params.length})`,
    );
  }
  if (query.cursor !== undefined) {
    params.push(query.cursor);
    where.push(`id <= $${params.length}`);
  }
  params.push(query.limit + 1);
  const { rows } = await pool.query<PgAnnotationConfigRow>(
    `SELECT ${CONFIG_COLUMNS} FROM annotation_configs
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return pageOf(rows.map(fromPgAnnotationConfigRow), query.limit);
}

export async function getAnnotationConfig(
  pool: pg.Pool,
  rowid: number,
): Promise<AnnotationConfigRow | null> {
  if (!Number.isSafeInteger(rowid)) return null;
  const { rows } = await pool.query<PgAnnotationConfigRow>(
    `SELECT ${CONFIG_COLUMNS} FROM annotation_configs WHERE id = $1`,
    [rowid],
  );
  return rows[0] ? fromPgAnnotationConfigRow(rows[0]) : null;
}

export async function getAnnotationConfigByName(
  pool: pg.Pool,
  name: string,
): Promise<AnnotationConfigRow | null> {
  const { rows } = await pool.query<PgAnnotationConfigRow>(
    `SELECT ${CONFIG_COLUMNS} FROM annotation_configs WHERE name = $1`,
    [pgText(name)],
  );
  return rows[0] ? fromPgAnnotationConfigRow(rows[0]) : null;
}
