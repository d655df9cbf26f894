/**
 * The SQLite `AnnotationStore`. Writes go to the writer thread as named operations
 * (sqlite-annotation-writes.ts); reads run on the query-only reader connection, each bounded
 * by a LIMIT over the annotation rowid order.
 */
import type Database from 'better-sqlite3';
import type {
  AnnotationConfigData,
  AnnotationConfigListQuery,
  AnnotationConfigRow,
  AnnotationConfigWriteResult,
  AnnotationDeleteFilter,
  AnnotationListQuery,
  AnnotationSource,
  AnnotationStore,
  AnnotationTargetKind,
  AnnotationUpsert,
  AnnotatorKind,
  ListableTargetKind,
  NoteInput,
  SetProjectConfigsResult,
  StoredAnnotation,
  UpsertAnnotationsOptions,
  UpsertAnnotationsResult,
} from '../annotation-store.js';
import type { Page } from '../store.js';
import { fromAnnotationConfigDbRow, type AnnotationConfigDbRow } from './annotation-config-row.js';
import { ANNOTATION_TABLES } from './annotation-tables.js';
import type { AnnotationWriteOperations } from './sqlite-annotation-writes.js';

/** What this store needs from SqliteStore (kept narrow so the two modules do not import each other). */
export interface SqliteAccess {
  readonly readConnection: Database.Database;
  write<T>(name: string, args: unknown): Promise<T>;
}

type OperationName = keyof AnnotationWriteOperations;
type ArgsOf<K extends OperationName> = Parameters<AnnotationWriteOperations[K]>[1];
type ResultOf<K extends OperationName> = ReturnType<AnnotationWriteOperations[K]>;

interface AnnotationDbRow {
  id: bigint;
  target_id: string;
  document_position?: bigint;
  name: string;
  label: string | null;
  score: number | null;
  explanation: string | null;
  metadata: string;
  annotator_kind: AnnotatorKind;
  identifier: string;
  source: AnnotationSource;
  user_id: string | null;
  created_at: bigint;
  updated_at: bigint;
}

function fromAnnotationDbRow(kind: AnnotationTargetKind, row: AnnotationDbRow): StoredAnnotation {
  return {
    rowid: Number(row.id),
    targetKind: kind,
    targetId: row.target_id,
    documentPosition: row.document_position === undefined ? null : Number(row.document_position),
    name: row.name,
    annotatorKind: row.annotator_kind,
    label: row.label,
    score: row.score === null ? null : Number(row.score),
    explanation: row.explanation,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    identifier: row.identifier,
    source: row.source,
    userId: row.user_id,
    createdAtUnixNano: row.created_at,
    updatedAtUnixNano: row.updated_at,
  };
}

function placeholders(values: unknown[]): string {
  return values.map(() => '?').join(', ');
}

export class SqliteAnnotationStore implements AnnotationStore {
  // SqliteStore creates this before its reader connection exists, so the connection is looked
  // up at each call rather than kept.
  constructor(private readonly sqlite: SqliteAccess) {}

  private get reader(): Database.Database {
    return this.sqlite.readConnection;
  }

  private run<K extends OperationName>(name: K, args: ArgsOf<K>): Promise<ResultOf<K>> {
    return this.sqlite.write<ResultOf<K>>(name, args);
  }

  upsertAnnotations(
    kind: AnnotationTargetKind,
    items: AnnotationUpsert[],
    options: UpsertAnnotationsOptions,
  ): Promise<UpsertAnnotationsResult> {
    if (items.length === 0) return Promise.resolve({ rowids: [], missingTargets: [] });
    return this.run('upsertAnnotations', { kind, items, ...options });
  }

  addNote(kind: ListableTargetKind, note: NoteInput): Promise<number | null> {
    return this.run('addAnnotationNote', { kind, note });
  }

  async listAnnotations(
    kind: ListableTargetKind,
    projectId: number,
    query: AnnotationListQuery,
  ): Promise<Page<StoredAnnotation>> {
    const table = ANNOTATION_TABLES[kind];
    // With target ids, the targets are found by id; the unary + keeps SQLite (which has no
    // statistics) from walking every target of the project instead.
    const byTarget = query.targetIds !== undefined && query.targetIds.length > 0;
    const where = [byTarget ? '+t.project_id = ?' : 't.project_id = ?'];
    const params: unknown[] = [projectId];
    const filters: [string, string[] | undefined][] = [
      [`t.${table.targetIdColumn}`, query.targetIds],
      ['a.identifier', query.identifiers],
      ['a.name', query.includeNames],
    ];
    for (const [column, values] of filters) {
      if (values && values.length > 0) {
        where.push(`${column} IN (${placeholders(values)})`);
        params.push(...values);
      }
    }
    if (query.excludeNames && query.excludeNames.length > 0) {
      where.push(`a.name NOT IN (${placeholders(query.excludeNames)})`);
      params.push(...query.excludeNames);
    }
    if (query.cursor !== undefined) {
      where.push('a.id <= ?');
      params.push(query.cursor);
    }
    const sql = `SELECT a.*, t.${table.targetIdColumn} AS target_id
      FROM ${table.table} a JOIN ${table.targetTable} t ON t.id = a.${table.targetColumn}
      WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT ?`;
    const rows = this.reader
      .prepare(sql)
      .safeIntegers(true)
      .all(...params, query.limit + 1) as AnnotationDbRow[];
    const items = rows.map((row) => fromAnnotationDbRow(kind, row));
    if (items.length <= query.limit) return { items, nextCursor: null };
    return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
  }

  async anyTargetExists(
    kind: ListableTargetKind,
    projectId: number,
    targetIds: string[],
  ): Promise<boolean> {
    if (targetIds.length === 0) return false;
    const table = ANNOTATION_TABLES[kind];
    // Found by id (the unary + keeps SQLite from walking the project instead; see above).
    const row = this.reader
      .prepare(
        `SELECT 1 FROM ${table.targetTable}
         WHERE ${table.targetIdColumn} IN (${placeholders(targetIds)}) AND +project_id = ? LIMIT 1`,
      )
      .get(...targetIds, projectId);
    return row !== undefined;
  }

  deleteAnnotations(
    kind: ListableTargetKind,
    projectId: number,
    filter: AnnotationDeleteFilter,
  ): Promise<number> {
    return this.run('deleteAnnotations', { kind, projectId, filter });
  }

  async listAnnotationConfigs(
    query: AnnotationConfigListQuery,
  ): Promise<Page<AnnotationConfigRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.projectId !== undefined) {
      where.push(
        `id IN (SELECT annotation_config_id FROM project_annotation_configs WHERE project_id = ?)`,
      );
      params.push(query.projectId);
    }
    if (query.cursor !== undefined) {
      where.push('id <= ?');
      params.push(query.cursor);
    }
    const rows = this.reader
      .prepare(
        `SELECT * FROM annotation_configs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id DESC LIMIT ?`,
      )
      .all(...params, query.limit + 1) as AnnotationConfigDbRow[];
    const items = rows.map(fromAnnotationConfigDbRow);
    if (items.length <= query.limit) return { items, nextCursor: null };
    return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
  }

  async getAnnotationConfig(rowid: number): Promise<AnnotationConfigRow | null> {
    const row = this.reader.prepare('SELECT * FROM annotation_configs WHERE id = ?').get(rowid);
    return row ? fromAnnotationConfigDbRow(row as AnnotationConfigDbRow) : null;
  }

  async getAnnotationConfigByName(name: string): Promise<AnnotationConfigRow | null> {
    const row = this.reader.prepare('SELECT * FROM annotation_configs WHERE name = ?').get(name);
    return row ? fromAnnotationConfigDbRow(row as AnnotationConfigDbRow) : null;
  }

  createAnnotationConfig(data: AnnotationConfigData): Promise<AnnotationConfigWriteResult> {
    return this.run('createAnnotationConfig', data);
  }

  updateAnnotationConfig(
    rowid: number,
    data: AnnotationConfigData,
  ): Promise<AnnotationConfigWriteResult> {
    return this.run('updateAnnotationConfig', { rowid, data });
  }

  deleteAnnotationConfig(rowid: number): Promise<AnnotationConfigRow | null> {
    return this.run('deleteAnnotationConfig', rowid);
  }

  setProjectAnnotationConfigs(
    projectId: number,
    configRowids: number[],
  ): Promise<SetProjectConfigsResult> {
    return this.run('setProjectAnnotationConfigs', { projectId, configRowids });
  }

  async assignAnnotationConfig(projectId: number, configRowid: number): Promise<void> {
    await this.run('assignAnnotationConfig', { projectId, configRowid });
  }

  async unassignAnnotationConfig(projectId: number, configRowid: number): Promise<void> {
    await this.run('unassignAnnotationConfig', { projectId, configRowid });
  }
}
