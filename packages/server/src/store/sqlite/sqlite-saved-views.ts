/**
 * Saved views on SQLite: the writes run on the writer thread as named operations (registered in
 * write-operations.ts), so the per-project limit and the name check happen in the same
 * transaction as the insert; the reads are small keyed lookups on the calling thread's
 * query-only connection.
 */
import type Database from 'better-sqlite3';
import type {
  SavedViewFields,
  SavedViewRow,
  SavedViewStore,
  SavedViewTable,
  SavedViewWriteResult,
} from '../saved-view-store.js';
import type { SqliteAccess } from './sqlite-annotation-store.js';

interface SavedViewDbRow {
  id: number;
  project_id: number;
  name: string;
  table_name: SavedViewTable;
  filter: string | null;
  q: string | null;
  columns: string;
  sort: string | null;
  sort_order: 'asc' | 'desc' | null;
  root_spans_only: number | null;
  created_at: string;
  updated_at: string;
}

function fromSavedViewDbRow(row: SavedViewDbRow): SavedViewRow {
  return {
    rowid: row.id,
    projectId: row.project_id,
    name: row.name,
    table: row.table_name,
    filter: row.filter,
    q: row.q,
    columns: JSON.parse(row.columns) as string[],
    sort: row.sort,
    order: row.sort_order,
    rootSpansOnly: row.root_spans_only === null ? null : row.root_spans_only === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function columnValues(fields: SavedViewFields): unknown[] {
  return [
    fields.name,
    fields.table,
    fields.filter,
    fields.q,
    JSON.stringify(fields.columns),
    fields.sort,
    fields.order,
    fields.rootSpansOnly === null ? null : Number(fields.rootSpansOnly),
  ];
}

function getView(db: Database.Database, projectId: number, rowid: number): SavedViewRow | null {
  const row = db
    .prepare('SELECT * FROM saved_views WHERE id = ? AND project_id = ?')
    .get(rowid, projectId) as SavedViewDbRow | undefined;
  return row ? fromSavedViewDbRow(row) : null;
}

function nameTaken(db: Database.Database, projectId: number, name: string, except: number) {
  return (
    db
      .prepare('SELECT 1 FROM saved_views WHERE project_id = ? AND name = ? AND id <> ?')
      .get(projectId, name, except) !== undefined
  );
}

function createSavedView(
  db: Database.Database,
  args: { projectId: number; fields: SavedViewFields; maxPerProject: number },
): SavedViewWriteResult {
  const { projectId, fields } = args;
  const project = db.prepare('SELECT 1 FROM projects WHERE id = ?').get(projectId);
  if (project === undefined) return { ok: false, reason: 'not-found' };
  if (nameTaken(db, projectId, fields.name, 0)) return { ok: false, reason: 'name-taken' };
  const count = db
    .prepare('SELECT COUNT(*) FROM saved_views WHERE project_id = ?')
    .pluck()
    .get(projectId) as number;
  if (count >= args.maxPerProject) return { ok: false, reason: 'limit-reached' };
  const now = new Date().toISOString();
  const result = db
    .prepare(
      `INSERT INTO saved_views (project_id, name, table_name, filter, q, columns, sort,
         sort_order, root_spans_only, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(projectId, ...columnValues(fields), now, now);
  return { ok: true, view: getView(db, projectId, Number(result.lastInsertRowid))! };
}

function updateSavedView(
  db: Database.Database,
  args: { projectId: number; rowid: number; fields: SavedViewFields },
): SavedViewWriteResult {
  const { projectId, rowid, fields } = args;
  if (getView(db, projectId, rowid) === null) return { ok: false, reason: 'not-found' };
  if (nameTaken(db, projectId, fields.name, rowid)) return { ok: false, reason: 'name-taken' };
  db.prepare(
    `UPDATE saved_views SET name = ?, table_name = ?, filter = ?, q = ?, columns = ?, sort = ?,
       sort_order = ?, root_spans_only = ?, updated_at = ?
     WHERE id = ? AND project_id = ?`,
  ).run(...columnValues(fields), new Date().toISOString(), rowid, projectId);
  return { ok: true, view: getView(db, projectId, rowid)! };
}

function deleteSavedView(
  db: Database.Database,
  args: { projectId: number; rowid: number },
): boolean {
  return (
    db
      .prepare('DELETE FROM saved_views WHERE id = ? AND project_id = ?')
      .run(args.rowid, args.projectId).changes === 1
  );
}

export const SAVED_VIEW_WRITE_OPERATIONS = {
  createSavedView,
  updateSavedView,
  deleteSavedView,
};

export class SqliteSavedViewStore implements SavedViewStore {
  constructor(private readonly sqlite: SqliteAccess) {}

  async listSavedViews(projectId: number): Promise<SavedViewRow[]> {
    const rows = this.sqlite.readConnection
      .prepare('SELECT * FROM saved_views WHERE project_id = ? ORDER BY name, id')
      .all(projectId) as SavedViewDbRow[];
    return rows.map(fromSavedViewDbRow);
  }

  async getSavedView(projectId: number, rowid: number): Promise<SavedViewRow | null> {
    return getView(this.sqlite.readConnection, projectId, rowid);
  }

  createSavedView(
    projectId: number,
    fields: SavedViewFields,
    maxPerProject: number,
  ): Promise<SavedViewWriteResult> {
    return this.sqlite.write('createSavedView', { projectId, fields, maxPerProject });
  }

  updateSavedView(
    projectId: number,
    rowid: number,
    fields: SavedViewFields,
  ): Promise<SavedViewWriteResult> {
    return this.sqlite.write('updateSavedView', { projectId, rowid, fields });
  }

  deleteSavedView(projectId: number, rowid: number): Promise<boolean> {
    return this.sqlite.write('deleteSavedView', { projectId, rowid });
  }
}
