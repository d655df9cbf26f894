/**
 * The PostgreSQL `AnnotationStore`: the rules of annotation-store.ts with the semantics of the
 * SQLite store, safe with several Heron processes writing at once. Writes are in
 * postgres-annotation-writes.ts, reads in postgres-annotation-reads.ts.
 */
import type pg from 'pg';
import type {
  AnnotationConfigData,
  AnnotationConfigListQuery,
  AnnotationConfigRow,
  AnnotationConfigWriteResult,
  AnnotationDeleteFilter,
  AnnotationListQuery,
  AnnotationStore,
  AnnotationTargetKind,
  AnnotationUpsert,
  ListableTargetKind,
  NoteInput,
  SetProjectConfigsResult,
  StoredAnnotation,
  UpsertAnnotationsOptions,
  UpsertAnnotationsResult,
} from '../annotation-store.js';
import type { Page } from '../store.js';
import * as reads from './postgres-annotation-reads.js';
import * as writes from './postgres-annotation-writes.js';

export class PostgresAnnotationStore implements AnnotationStore {
  constructor(private readonly pool: pg.Pool) {}

  upsertAnnotations(
    kind: AnnotationTargetKind,
    items: AnnotationUpsert[],
    options: UpsertAnnotationsOptions,
  ): Promise<UpsertAnnotationsResult> {
    if (items.length === 0) return Promise.resolve({ rowids: [], missingTargets: [] });
    return writes.inTransaction(this.pool, (client) =>
      writes.upsertAnnotations(client, kind, items, options),
    );
  }

  addNote(kind: ListableTargetKind, note: NoteInput): Promise<number | null> {
    return writes.inTransaction(this.pool, (client) => writes.addNote(client, kind, note));
  }

  listAnnotations(
    kind: ListableTargetKind,
    projectId: number,
    query: AnnotationListQuery,
  ): Promise<Page<StoredAnnotation>> {
    return reads.listAnnotations(this.pool, kind, projectId, query);
  }

  anyTargetExists(
    kind: ListableTargetKind,
    projectId: number,
    targetIds: string[],
  ): Promise<boolean> {
    return reads.anyTargetExists(this.pool, kind, projectId, targetIds);
  }

  deleteAnnotations(
    kind: ListableTargetKind,
    projectId: number,
    filter: AnnotationDeleteFilter,
  ): Promise<number> {
    // A transaction of its own only so that a deadlock with a concurrent batch is retried.
    return writes.inTransaction(this.pool, (client) =>
      writes.deleteAnnotations(client, kind, projectId, filter),
    );
  }

  listAnnotationConfigs(query: AnnotationConfigListQuery): Promise<Page<AnnotationConfigRow>> {
    return reads.listAnnotationConfigs(this.pool, query);
  }

  getAnnotationConfig(rowid: number): Promise<AnnotationConfigRow | null> {
    return reads.getAnnotationConfig(this.pool, rowid);
  }

  getAnnotationConfigByName(name: string): Promise<AnnotationConfigRow | null> {
    return reads.getAnnotationConfigByName(this.pool, name);
  }

  createAnnotationConfig(data: AnnotationConfigData): Promise<AnnotationConfigWriteResult> {
    return writes.createAnnotationConfig(this.pool, data);
  }

  updateAnnotationConfig(
    rowid: number,
    data: AnnotationConfigData,
  ): Promise<AnnotationConfigWriteResult> {
    return writes.updateAnnotationConfig(this.pool, rowid, data);
  }

  deleteAnnotationConfig(rowid: number): Promise<AnnotationConfigRow | null> {
    return writes.deleteAnnotationConfig(this.pool, rowid);
  }

  setProjectAnnotationConfigs(
    projectId: number,
    configRowids: number[],
  ): Promise<SetProjectConfigsResult> {
    return writes.inTransaction(this.pool, (client) =>
      writes.setProjectAnnotationConfigs(client, projectId, configRowids),
    );
  }

  assignAnnotationConfig(projectId: number, configRowid: number): Promise<void> {
    return writes.assignAnnotationConfig(this.pool, projectId, configRowid);
  }

  unassignAnnotationConfig(projectId: number, configRowid: number): Promise<void> {
    return writes.unassignAnnotationConfig(this.pool, projectId, configRowid);
  }
}
