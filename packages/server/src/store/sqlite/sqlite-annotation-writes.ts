/**
 * Annotation and annotation-config writes, run on the SQLite writer thread (registered in
 * write-operations.ts). Each runs inside the one IMMEDIATE transaction the writer opens for it,
 * so a batch that fails half way writes nothing.
 */
import type Database from 'better-sqlite3';
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
import {
  fromAnnotationConfigDbRow,
  toAnnotationConfigColumns,
  type AnnotationConfigDbRow,
} from './annotation-config-row.js';
import { ANNOTATION_TABLES } from './annotation-tables.js';

// Millisecond wall-clock time, in the ns unit every time column uses.
function nowUnixNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

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

export interface UpsertAnnotationsArgs extends UpsertAnnotationsOptions {
  kind: AnnotationTargetKind;
  items: AnnotationUpsert[];
}

function upsertAnnotations(
  db: Database.Database,
  args: UpsertAnnotationsArgs,
): UpsertAnnotationsResult {
  const table = ANNOTATION_TABLES[args.kind];
  const resolve = db.prepare(table.resolveTargetSql).pluck();
  const targetRowids = new Map<string, number | null>();
  for (const item of args.items) {
    if (!targetRowids.has(item.targetId)) {
      targetRowids.set(item.targetId, (resolve.get(item.targetId) as number | undefined) ?? null);
    }
  }
  const missingTargets = [...targetRowids].filter(([, rowid]) => rowid === null).map(([id]) => id);
  if (missingTargets.length > 0 && args.onMissingTarget === 'reject') {
    return { rowids: args.items.map(() => null), missingTargets };
  }

  const isDocument = args.kind === 'document';
  const columns = [
    table.targetColumn,
    ...(isDocument ? ['document_position'] : []),
    'name',
    'label',
    'score',
    'explanation',
    'metadata',
    'annotator_kind',
    'identifier',
    'source',
    'user_id',
    'created_at',
    'updated_at',
  ];
  const updated = UPDATED_ON_CONFLICT.map((column) => `${column} = excluded.${column}`).join(', ');
  const upsert = db
    .prepare(
      `INSERT INTO ${table.table} (${columns.join(', ')})
       VALUES (${columns.map(() => '?').join(', ')})
       ON CONFLICT (${table.conflictColumns}) DO UPDATE SET ${updated}
       RETURNING id`,
    )
    .pluck();
  const now = nowUnixNano();
  const rowids = args.items.map((item) => {
    const targetRowid = targetRowids.get(item.targetId) ?? null;
    if (targetRowid === null) return null;
    const id = upsert.get(
      targetRowid,
      ...(isDocument ? [item.documentPosition ?? 0] : []),
      item.name,
      item.label,
      item.score,
      item.explanation,
      JSON.stringify(item.metadata),
      item.annotatorKind,
      item.identifier,
      item.source,
      item.userId,
      now,
      now,
    );
    return Number(id);
  });
  return { rowids, missingTargets };
}

export interface AddNoteArgs {
  kind: ListableTargetKind;
  note: NoteInput;
}

function addAnnotationNote(db: Database.Database, args: AddNoteArgs): number | null {
  const { kind, note } = args;
  // A fresh identifier makes every note a new row (Phoenix's px-span-note:<uuid> scheme); a
  // caller-given one makes the note an upsert on (target, 'note', identifier).
  const identifier = note.identifier ? note.identifier : `px-${kind}-note:${randomUUID()}`;
  const result = upsertAnnotations(db, {
    kind,
    onMissingTarget: 'reject',
    items: [
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
  });
  return result.rowids[0] ?? null;
}

export interface DeleteAnnotationsArgs {
  kind: ListableTargetKind;
  projectId: number;
  filter: AnnotationDeleteFilter;
}

function deleteAnnotations(db: Database.Database, args: DeleteAnnotationsArgs): number {
  const table = ANNOTATION_TABLES[args.kind];
  const { filter } = args;
  if (
    !filter.deleteAll &&
    (filter.createdAtStart === undefined || filter.createdAtEnd === undefined)
  ) {
    throw new Error('an annotation delete needs both created_at bounds or deleteAll');
  }
  // A correlated primary-key probe per annotation: cheaper than listing every span of a big
  // project, and annotations are far fewer than spans.
  const where = [
    `EXISTS (SELECT 1 FROM ${table.targetTable} t
             WHERE t.id = ${table.table}.${table.targetColumn} AND t.project_id = ?)`,
  ];
  const params: unknown[] = [args.projectId];
  if (filter.name !== undefined) {
    where.push('name = ?');
    params.push(filter.name);
  }
  if (filter.identifier !== undefined) {
    where.push('identifier = ?');
    params.push(filter.identifier);
  }
  if (filter.annotatorKind !== undefined) {
    where.push('annotator_kind = ?');
    params.push(filter.annotatorKind);
  }
  if (filter.createdAtStart !== undefined) {
    where.push('created_at >= ?');
    params.push(filter.createdAtStart);
  }
  if (filter.createdAtEnd !== undefined) {
    where.push('created_at < ?');
    params.push(filter.createdAtEnd);
  }
  return db.prepare(`DELETE FROM ${table.table} WHERE ${where.join(' AND ')}`).run(...params)
    .changes;
}

function selectConfig(db: Database.Database, rowid: number): AnnotationConfigRow | null {
  const row = db.prepare('SELECT * FROM annotation_configs WHERE id = ?').get(rowid) as
    AnnotationConfigDbRow | undefined;
  return row ? fromAnnotationConfigDbRow(row) : null;
}

function createAnnotationConfig(
  db: Database.Database,
  data: AnnotationConfigData,
): AnnotationConfigWriteResult {
  const c = toAnnotationConfigColumns(data);
  const id = db
    .prepare(
      `INSERT INTO annotation_configs (name, type, description, optimization_direction, config)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`,
    )
    .pluck()
    .get(c.name, c.type, c.description, c.optimization_direction, c.config) as number | undefined;
  if (id === undefined) return { status: 'name-taken' };
  return { status: 'ok', config: selectConfig(db, id)! };
}

export interface UpdateAnnotationConfigArgs {
  rowid: number;
  data: AnnotationConfigData;
}

function updateAnnotationConfig(
  db: Database.Database,
  args: UpdateAnnotationConfigArgs,
): AnnotationConfigWriteResult {
  if (!selectConfig(db, args.rowid)) return { status: 'not-found' };
  const c = toAnnotationConfigColumns(args.data);
  const clash = db
    .prepare('SELECT 1 FROM annotation_configs WHERE name = ? AND id <> ?')
    .get(c.name, args.rowid);
  if (clash) return { status: 'name-taken' };
  db.prepare(
    `UPDATE annotation_configs SET name = ?, type = ?, description = ?,
       optimization_direction = ?, config = ? WHERE id = ?`,
  ).run(c.name, c.type, c.description, c.optimization_direction, c.config, args.rowid);
  return { status: 'ok', config: selectConfig(db, args.rowid)! };
}

function deleteAnnotationConfig(db: Database.Database, rowid: number): AnnotationConfigRow | null {
  const config = selectConfig(db, rowid);
  // project_annotation_configs rows go by ON DELETE CASCADE.
  if (config) db.prepare('DELETE FROM annotation_configs WHERE id = ?').run(rowid);
  return config;
}

export interface ProjectConfigArgs {
  projectId: number;
  configRowid: number;
}

export interface SetProjectConfigsArgs {
  projectId: number;
  configRowids: number[];
}

function setProjectAnnotationConfigs(
  db: Database.Database,
  args: SetProjectConfigsArgs,
): SetProjectConfigsResult {
  const wanted = [...new Set(args.configRowids)];
  const configs = wanted.map((rowid) => selectConfig(db, rowid));
  const missing = wanted.filter((_, i) => configs[i] === null);
  if (missing.length > 0) return { status: 'configs-not-found', rowids: missing };
  const keep = JSON.stringify(wanted);
  db.prepare(
    `DELETE FROM project_annotation_configs WHERE project_id = ?
       AND annotation_config_id NOT IN (SELECT value FROM json_each(?))`,
  ).run(args.projectId, keep);
  const assign = db.prepare(
    `INSERT INTO project_annotation_configs (project_id, annotation_config_id) VALUES (?, ?)
     ON CONFLICT DO NOTHING`,
  );
  for (const rowid of wanted) assign.run(args.projectId, rowid);
  const assigned = (configs as AnnotationConfigRow[]).sort((a, b) => b.rowid - a.rowid);
  return { status: 'ok', configs: assigned };
}

function assignAnnotationConfig(db: Database.Database, args: ProjectConfigArgs): void {
  db.prepare(
    `INSERT INTO project_annotation_configs (project_id, annotation_config_id) VALUES (?, ?)
     ON CONFLICT DO NOTHING`,
  ).run(args.projectId, args.configRowid);
}

function unassignAnnotationConfig(db: Database.Database, args: ProjectConfigArgs): void {
  db.prepare(
    'DELETE FROM project_annotation_configs WHERE project_id = ? AND annotation_config_id = ?',
  ).run(args.projectId, args.configRowid);
}

/** Registered in WRITE_OPERATIONS under these names. */
export const ANNOTATION_WRITE_OPERATIONS = {
  upsertAnnotations,
  addAnnotationNote,
  deleteAnnotations,
  createAnnotationConfig,
  updateAnnotationConfig,
  deleteAnnotationConfig,
  setProjectAnnotationConfigs,
  assignAnnotationConfig,
  unassignAnnotationConfig,
};

export type AnnotationWriteOperations = typeof ANNOTATION_WRITE_OPERATIONS;
