/**
 * Saved views on PostgreSQL (store/saved-view-store.ts), safe with several Heron processes:
 * creates and renames lock the project row (FOR NO KEY UPDATE, which span ingestion's foreign
 * key checks do not wait for), so the per-project limit and the name check cannot race.
 */
import type pg from 'pg';
import type {
  SavedViewFields,
  SavedViewRow,
  SavedViewStore,
  SavedViewTable,
  SavedViewWriteResult,
} from '../saved-view-store.js';
import { DEFAULT_WRITE_ATTEMPTS, inWriteTransaction } from './postgres-transaction.js';

interface SavedViewDbRow {
  id: string;
  project_id: string;
  name: string;
  table_name: SavedViewTable;
  filter: string | null;
  q: string | null;
  columns: string[];
  sort: string | null;
  sort_order: 'asc' | 'desc' | null;
  root_spans_only: boolean | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, project_id, name, table_name, filter, q, columns, sort, sort_order,
  root_spans_only, created_at, updated_at`;

function fromSavedViewDbRow(row: SavedViewDbRow): SavedViewRow {
  return {
    rowid: Number(row.id),
    projectId: Number(row.project_id),
    name: row.name,
    table: row.table_name,
    filter: row.filter,
    q: row.q,
    columns: row.columns,
    sort: row.sort,
    order: row.sort_order,
    rootSpansOnly: row.root_spans_only,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The fields as statement values $n … $n+7, in the order of FIELD_COLUMNS. */
const FIELD_COLUMNS = 'name, table_name, filter, q, columns, sort, sort_order, root_spans_only';
function fieldValues(fields: SavedViewFields): unknown[] {
  return [
    fields.name,
    fields.table,
    fields.filter,
    fields.q,
    JSON.stringify(fields.columns),
    fields.sort,
    fields.order,
    fields.rootSpansOnly,
  ];
}

async function lockProject(client: pg.PoolClient, projectId: number): Promise<boolean> {
  const { rowCount } = await client.query(
    'SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE',
    [projectId],
  );
  return rowCount === 1;
}

async function nameTaken(
  client: pg.PoolClient,
  projectId: number,
  name: string,
  except: number,
): Promise<boolean> {
  const { rowCount } = await client.query(
    'SELECT 1 FROM saved_views WHERE project_id = $1 AND name = $2 AND id <> $3',
    [projectId, name, except],
  );
  return rowCount !== 0;
}

export class PostgresSavedViewStore implements SavedViewStore {
  constructor(private readonly pool: pg.Pool) {}

  private write<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inWriteTransaction(this.pool, { maxAttempts: DEFAULT_WRITE_ATTEMPTS }, work);
  }

  async listSavedViews(projectId: number): Promise<SavedViewRow[]> {
    const { rows } = await this.pool.query<SavedViewDbRow>(
      `SELECT ${COLUMNS} FROM saved_views WHERE project_id = $1 ORDER BY name COLLATE "C", id`,
      [projectId],
    );
    return rows.map(fromSavedViewDbRow);
  }

  async getSavedView(projectId: number, rowid: number): Promise<SavedViewRow | null> {
    const { rows } = await this.pool.query<SavedViewDbRow>(
      `SELECT ${COLUMNS} FROM saved_views WHERE id = $1 AND project_id = $2`,
      [rowid, projectId],
    );
    return rows[0] ? fromSavedViewDbRow(rows[0]) : null;
  }

  createSavedView(
    projectId: number,
    fields: SavedViewFields,
    maxPerProject: number,
  ): Promise<SavedViewWriteResult> {
    return this.write(async (client): Promise<SavedViewWriteResult> => {
      if (!(await lockProject(client, projectId))) return { ok: false, reason: 'not-found' };
      if (await nameTaken(client, projectId, fields.name, 0)) {
        return { ok: false, reason: 'name-taken' };
      }
      const { rows: counted } = await client.query<{ count: string }>(
        'SELECT COUNT(*) AS count FROM saved_views WHERE project_id = $1',
        [projectId],
      );
      if (Number(counted[0]!.count) >= maxPerProject) {
        return { ok: false, reason: 'limit-reached' };
      }
      const { rows } = await client.query<SavedViewDbRow>(
        `INSERT INTO saved_views (project_id, ${FIELD_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [projectId, ...fieldValues(fields)],
      );
      return { ok: true, view: fromSavedViewDbRow(rows[0]!) };
    });
  }

  updateSavedView(
    projectId: number,
    rowid: number,
    fields: SavedViewFields,
  ): Promise<SavedViewWriteResult> {
    return this.write(async (client): Promise<SavedViewWriteResult> => {
      if (!(await lockProject(client, projectId))) return { ok: false, reason: 'not-found' };
      if (await nameTaken(client, projectId, fields.name, rowid)) {
        return { ok: false, reason: 'name-taken' };
      }
      const { rows } = await client.query<SavedViewDbRow>(
        `UPDATE saved_views SET (${FIELD_COLUMNS}, updated_at) =
           ($3, $4, $5, $6, $7, $8, $9, $10, now())
         WHERE id = $1 AND project_id = $2 RETURNING ${COLUMNS}`,
        [rowid, projectId, ...fieldValues(fields)],
      );
      return rows[0]
        ? { ok: true, view: fromSavedViewDbRow(rows[0]) }
        : { ok: false, reason: 'not-found' };
    });
  }

  async deleteSavedView(projectId: number, rowid: number): Promise<boolean> {
    const result = await this.pool.query(
      'DELETE FROM saved_views WHERE id = $1 AND project_id = $2',
      [rowid, projectId],
    );
    return result.rowCount === 1;
  }
}
