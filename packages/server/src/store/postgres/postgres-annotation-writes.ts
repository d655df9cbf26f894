/**
 * Annotation and annotation-config writes on PostgreSQL, with the semantics of the SQLite ones
 * (sqlite/sqlite-annotation-writes.ts). Each runs in one transaction, so a batch that fails half
 * way writes nothing.
 *
 * Several Heron processes may write at once, so every insert is an upsert on a unique key
 * (nothing is looked up first and inserted after), rows are written in a fixed key order (two
 * batches sharing keys queue up instead of deadlocking), and a deadlock or serialization failure
 * against other kinds of writes runs the transaction again.
 *
 * Times come from the database's clock (one clock for every process), at the millisecond, in the
 * ns unit every time column uses, as SQLite stores them. A batch's rows share one time.
 */
import { DEFAULT_WRITE_ATTEMPTS, inWriteTransaction } from './postgres-transaction.js';
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import {
  NOTE_ANNOTATION_NAME,
  type AnnotationConfigData,
  type AnnotationConfigRow,
  type AnnotationConfigWriteResult,
  type AnnotationDeleteFilter,
  type AnnotationTargetKind,
  type AnnotationUpsert,
  type ListableTargetKind,
  type NoteInput,
  type SetProjectConfigsResult,
  type UpsertAnnotationsOptions,
  type UpsertAnnotationsResult,
} from '../annotation-store.js';
import { toAnnotationConfigColumns } from '../sqlite/annotation-config-row.js';
import {
  CONFIG_COLUMNS,
  fromPgAnnotationConfigRow,
  type PgAnnotationConfigRow,
} from './postgres-annotation-rows.js';
import { PG_ANNOTATION_TABLES } from './postgres-annotation-tables.js';
import { pgJson, pgText } from './postgres-span-row.js';

/** Attempts at a transaction when PostgreSQL reports a deadlock or serialization failure. */

/** unique_violation on the config name. */
const CONFIG_NAME_TAKEN = { code: '23505', constraint: 'annotation_configs_name_key' };

/** The transaction's start time, cut to the millisecond, in ns. */
const NOW_NS_SQL = '(floor(extract(epoch FROM now()) * 1000)::bigint * 1000000)';

/** Runs `work` in one transaction, again after a deadlock or serialization failure. */
export function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inWriteTransaction(pool, { maxAttempts: DEFAULT_WRITE_ATTEMPTS }, work);
}

/** target id → target rowid (a decimal string), for the ids that exist. */
async function resolveTargets(
  client: pg.PoolClient,
  kind: AnnotationTargetKind,
  targetIds: string[],
): Promise<Map<string, string>> {
  const sql = PG_ANNOTATION_TABLES[kind].resolveTargetsSql;
  const resolved = new Map<string, string>();
  const resolve = async (ids: string[]) => {
    const { rows } = await client.query<{ target_id: string; id: string }>(sql, [ids]);
    for (const row of rows) resolved.set(row.target_id, row.id);
  };
  await resolve(targetIds);
  // A target deleted by another transaction after this statement's snapshot was taken is skipped
  // by its lock; a second statement sees the delete and finds the next candidate, if any (the
  // same span_id in an older trace, say), as if the delete had come first.
  const unresolved = targetIds.filter((id) => !resolved.has(id));
  if (unresolved.length > 0) await resolve(unresolved);
  return resolved;
}

const ANNOTATION_VALUE_COLUMNS = [
  ['name', 'text'],
  ['label', 'text'],
  ['score', 'double precision'],
  ['explanation', 'text'],
  ['metadata', 'jsonb'],
  ['annotator_kind', 'text'],
  ['identifier', 'text'],
  ['source', 'text'],
  ['user_id', 'text'],
] as const;

// Everything but the key and created_at, which records when the annotation first appeared.
const UPDATED_ON_CONFLICT = [
  'label',
  'score',
  'explanation',
  'metadata',
  'annotator_kind',
  'source',
  'user_id',
  'updated_at',
];

function upsertSql(kind: AnnotationTargetKind): string {
  const table = PG_ANNOTATION_TABLES[kind];
  const isDocument = kind === 'document';
  const inputs: (readonly [string, string])[] = [
    ['target', 'bigint'],
    ...(isDocument ? [['document_position', 'integer'] as const] : []),
    ...ANNOTATION_VALUE_COLUMNS,
  ];
  const names = inputs.map(([name]) => name);
  const columns = [table.targetColumn, ...names.slice(1), 'created_at', 'updated_at'];
  const arrays = inputs.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const updated = UPDATED_ON_CONFLICT.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const position = isDocument ? 'document_position' : 'NULL::integer';
  return `
    INSERT INTO ${table.table} (${columns.join(', ')})
    SELECT ${names.map((n) => `u.${n}`).join(', ')}, n.now_ns, n.now_ns
    FROM unnest(${arrays}) AS u(${names.join(', ')}), (SELECT ${NOW_NS_SQL} AS now_ns) AS n
    ORDER BY u.target, ${isDocument ? 'u.document_position, ' : ''}u.name, u.identifier
    ON CONFLICT (${table.conflictColumns}) DO UPDATE SET ${updated}
    RETURNING id, ${table.targetColumn} AS target, ${position} AS document_position, name,
      identifier`;
}

const UPSERT_SQL = Object.fromEntries(
  (['span', 'document', 'trace', 'session'] as const).map((kind) => [kind, upsertSql(kind)]),
) as Record<AnnotationTargetKind, string>;

function keyOf(
  target: string,
  documentPosition: number | null,
  name: string,
  identifier: string,
): string {
  return [target, documentPosition ?? '', name, identifier].join('\u0000');
}

export async function upsertAnnotations(
  client: pg.PoolClient,
  kind: AnnotationTargetKind,
  items: AnnotationUpsert[],
  options: UpsertAnnotationsOptions,
): Promise<UpsertAnnotationsResult> {
  if (items.length === 0) return { rowids: [], missingTargets: [] };
  // PostgreSQL text cannot hold NUL; ids and keys are stored (and so looked up) as the span
  // writer stores them, with NUL replaced.
  const lookupIds = new Map(items.map((item) => [item.targetId, pgText(item.targetId)]));
  const resolved = await resolveTargets(client, kind, [...new Set(lookupIds.values())]);
  const targetOf = (targetId: string) => resolved.get(lookupIds.get(targetId)!) ?? null;
  const missingTargets = [...lookupIds.keys()].filter((id) => targetOf(id) === null);
  if (missingTargets.length > 0 && options.onMissingTarget === 'reject') {
    return { rowids: items.map(() => null), missingTargets };
  }

  // One statement may not update a row twice, so a key given twice is sent once, with its last
  // version (as SQLite's one-statement-per-item upserts leave it); every item with that key
  // gets that row's id.
  const isDocument = kind === 'document';
  const itemKeys: (string | null)[] = [];
  const rows = new Map<string, unknown[]>();
  for (const item of items) {
    const target = targetOf(item.targetId);
    if (target === null) {
      itemKeys.push(null);
      continue;
    }
    const position = isDocument ? (item.documentPosition ?? 0) : null;
    const name = pgText(item.name);
    const identifier = pgText(item.identifier);
    const key = keyOf(target, position, name, identifier);
    itemKeys.push(key);
    rows.delete(key);
    rows.set(key, [
      target,
      ...(isDocument ? [position] : []),
      name,
      item.label === null ? null : pgText(item.label),
      item.score,
      item.explanation === null ? null : pgText(item.explanation),
      pgJson(item.metadata),
      item.annotatorKind,
      identifier,
      item.source,
      item.userId === null ? null : pgText(item.userId),
    ]);
  }
  const rowidByKey = new Map<string, number>();
  if (rows.size > 0) {
    const width = (isDocument ? 2 : 1) + ANNOTATION_VALUE_COLUMNS.length;
    const values = [...rows.values()];
    const columns = Array.from({ length: width }, (_, i) => values.map((row) => row[i]));
    const result = await client.query<{
      id: string;
      target: string;
      document_position: number | null;
      name: string;
      identifier: string;
    }>(UPSERT_SQL[kind], columns);
    for (const row of result.rows) {
      rowidByKey.set(
        keyOf(row.target, row.document_position, row.name, row.identifier),
        Number(row.id),
      );
    }
  }
  const rowids = itemKeys.map((key) => (key === null ? null : rowidByKey.get(key)!));
  return { rowids, missingTargets };
}

export async function addNote(
  client: pg.PoolClient,
  kind: ListableTargetKind,
  note: NoteInput,
): Promise<number | null> {
  // A fresh identifier makes every note a new row (Phoenix's px-span-note:<uuid> scheme); a
  // caller-given one makes the note an upsert on (target, 'note', identifier).
  const identifier = note.identifier ? note.identifier : `px-${kind}-note:${randomUUID()}`;
  const result = await upsertAnnotations(
    client,
    kind,
    [
      {
        targetId: note.targetId,
        name: NOTE_ANNOTATION_NAME,
        annotatorKind: 'HUMAN',
        label: null,
        score: null,
        explanation: note.text,
        metadata: {},
        identifier,
        source: 'API',
        userId: note.userId ?? null,
      },
    ],
    { onMissingTarget: 'reject' },
  );
  return result.rowids[0] ?? null;
}

export async function deleteAnnotations(
  client: pg.PoolClient,
  kind: ListableTargetKind,
  projectId: number,
  filter: AnnotationDeleteFilter,
): Promise<number> {
  if (
    !filter.deleteAll &&
    (filter.createdAtStart === undefined || filter.createdAtEnd === undefined)
  ) {
    throw new Error('an annotation delete needs both created_at bounds or deleteAll');
  }
  const table = PG_ANNOTATION_TABLES[kind];
  const params: unknown[] = [projectId];
  const where = [
    `EXISTS (SELECT 1 FROM ${table.targetTable} t
             WHERE t.id = a.${table.targetColumn} AND t.project_id = $1)`,
  ];
  const conditions: [string, unknown][] = [
    ['a.name = $?', filter.name === undefined ? undefined : pgText(filter.name)],
    ['a.identifier = $?', filter.identifier === undefined ? undefined : pgText(filter.identifier)],
    ['a.annotator_kind = $?', filter.annotatorKind],
    ['a.created_at >= $?::bigint', filter.createdAtStart?.toString()],
    ['a.created_at < $?::bigint', filter.createdAtEnd?.toString()],
  ];
  for (const [condition, value] of conditions) {
    if (value === undefined) continue;
    params.push(value);
    where.push(condition.replace('$?', `$${params.length}`));
  }
  const result = await client.query(
    `DELETE FROM ${table.table} a WHERE ${where.join(' AND ')}`,
    params,
  );
  return result.rowCount ?? 0;
}

/** Config columns → statement parameters $1…$5 (name, type, description, direction, config). */
function configParams(data: AnnotationConfigData): unknown[] {
  const c = toAnnotationConfigColumns(data);
  return [
    pgText(c.name),
    c.type,
    c.description === null ? null : pgText(c.description),
    c.optimization_direction,
    pgJson(JSON.parse(c.config)),
  ];
}

function isConfigNameTaken(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === CONFIG_NAME_TAKEN.code && constraint === CONFIG_NAME_TAKEN.constraint;
}

export async function createAnnotationConfig(
  pool: pg.Pool,
  data: AnnotationConfigData,
): Promise<AnnotationConfigWriteResult> {
  const { rows } = await pool.query<PgAnnotationConfigRow>(
    `INSERT INTO annotation_configs (name, type, description, optimization_direction, config)
     VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (name) DO NOTHING
     RETURNING ${CONFIG_COLUMNS}`,
    configParams(data),
  );
  const row = rows[0];
  return row ? { status: 'ok', config: fromPgAnnotationConfigRow(row) } : { status: 'name-taken' };
}

export async function updateAnnotationConfig(
  pool: pg.Pool,
  rowid: number,
  data: AnnotationConfigData,
): Promise<AnnotationConfigWriteResult> {
  if (!Number.isSafeInteger(rowid)) return { status: 'not-found' };
  // One statement: a missing row updates nothing, a name held by another row violates the
  // UNIQUE constraint (checked after the row is found, as SQLite's order of checks is).
  try {
    const { rows } = await pool.query<PgAnnotationConfigRow>(
      `UPDATE annotation_configs SET name = $1, type = $2, description = $3,
         optimization_direction = $4, config = $5::jsonb
       WHERE id = $6 RETURNING ${CONFIG_COLUMNS}`,
      [...configParams(data), rowid],
    );
    const row = rows[0];
    return row ? { status: 'ok', config: fromPgAnnotationConfigRow(row) } : { status: 'not-found' };
  } catch (error) {
    if (isConfigNameTaken(error)) return { status: 'name-taken' };
    throw error;
  }
}

export async function deleteAnnotationConfig(
  pool: pg.Pool,
  rowid: number,
): Promise<AnnotationConfigRow | null> {
  if (!Number.isSafeInteger(rowid)) return null;
  // project_annotation_configs rows go by ON DELETE CASCADE.
  const { rows } = await pool.query<PgAnnotationConfigRow>(
    `DELETE FROM annotation_configs WHERE id = $1 RETURNING ${CONFIG_COLUMNS}`,
    [rowid],
  );
  return rows[0] ? fromPgAnnotationConfigRow(rows[0]) : null;
}

export async function setProjectAnnotationConfigs(
  client: pg.PoolClient,
  projectId: number,
  configRowids: number[],
): Promise<SetProjectConfigsResult> {
  const wanted = [...new Set(configRowids)];
  // Two replacements of one project's configs take turns (each would otherwise keep what the
  // other inserted); assignments of single configs and span ingestion are not held up.
  await client.query('SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE', [projectId]);
  // The configs are locked so that none is deleted before it is assigned.
  const { rows } = await client.query<PgAnnotationConfigRow>(
    `SELECT ${CONFIG_COLUMNS} FROM annotation_configs WHERE id = ANY($1::bigint[])
     ORDER BY id DESC FOR KEY SHARE`,
    [wanted.filter(Number.isSafeInteger)],
  );
  const configs = rows.map(fromPgAnnotationConfigRow);
  const found = new Set(configs.map((c) => c.rowid));
  const missing = wanted.filter((rowid) => !found.has(rowid));
  if (missing.length > 0) return { status: 'configs-not-found', rowids: missing };
  await client.query(
    `DELETE FROM project_annotation_configs
     WHERE project_id = $1 AND annotation_config_id <> ALL($2::bigint[])`,
    [projectId, wanted],
  );
  await client.query(
    `INSERT INTO project_annotation_configs (project_id, annotation_config_id)
     SELECT $1, c.id FROM unnest($2::bigint[]) AS c(id) ORDER BY c.id
     ON CONFLICT DO NOTHING`,
    [projectId, wanted],
  );
  return { status: 'ok', configs };
}

export async function assignAnnotationConfig(
  pool: pg.Pool,
  projectId: number,
  configRowid: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO project_annotation_configs (project_id, annotation_config_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING`,
    [projectId, configRowid],
  );
}

export async function unassignAnnotationConfig(
  pool: pg.Pool,
  projectId: number,
  configRowid: number,
): Promise<void> {
  await pool.query(
    'DELETE FROM project_annotation_configs WHERE project_id = $1 AND annotation_config_id = $2',
    [projectId, configRowid],
  );
}
