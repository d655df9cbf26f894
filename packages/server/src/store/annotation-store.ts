/**
 * The annotation part of the storage contract: annotations and notes on spans, traces,
 * sessions and retrieved documents, and annotation configs. SQLite implements it
 * (sqlite/sqlite-annotation-store.ts); a PostgreSQL implementation must keep the same rules.
 *
 * Rules every implementation keeps:
 * - Upsert key: (name, target, identifier), and (name, span, document_position, identifier) for
 *   documents. An upsert of an existing key replaces label, score, explanation, metadata,
 *   annotator kind, source and user and bumps `updated_at`; `created_at` and the rowid stay.
 * - Targets are named the way users know them: a span by its OTel span_id, a trace by its
 *   trace_id, a session by its session.id. A span_id stored in several traces, or a session_id
 *   in several projects, names the most recent one (latest start for spans, latest activity for
 *   sessions), so an annotation always lands on exactly one row.
 * - A batch is one transaction: with `onMissingTarget: 'reject'` one unknown target writes
 *   nothing; with 'skip' the unknown ones are left out and the rest are written.
 * - A note is an annotation named `note` with its text in `explanation`; without an identifier
 *   it gets a fresh `px-<kind>-note:<uuid>` one, so each note is a new row.
 * - Deleting a span, trace or session deletes its annotations.
 */
import type { Page } from './store.js';

export const ANNOTATOR_KINDS = ['LLM', 'CODE', 'HUMAN'] as const;
export type AnnotatorKind = (typeof ANNOTATOR_KINDS)[number];
export type AnnotationSource = 'API' | 'APP';

/** What an annotation is attached to. Documents are (span, document_position). */
export type AnnotationTargetKind = 'span' | 'trace' | 'session' | 'document';
/** Targets that can be listed, deleted by filter and given notes (Phoenix's REST surface). */
export type ListableTargetKind = Exclude<AnnotationTargetKind, 'document'>;

/** The reserved annotation name notes are stored under. */
export const NOTE_ANNOTATION_NAME = 'note';

export interface AnnotationUpsert {
  /** span_id (span, document), trace_id (trace) or session.id (session). */
  targetId: string;
  /** 0-based; documents only. */
  documentPosition?: number;
  name: string;
  annotatorKind: AnnotatorKind;
  label: string | null;
  score: number | null;
  explanation: string | null;
  metadata: Record<string, unknown>;
  identifier: string;
  source: AnnotationSource;
  userId: string | null;
}

export interface UpsertAnnotationsOptions {
  onMissingTarget: 'reject' | 'skip';
}

export interface UpsertAnnotationsResult {
  /** Per input item: the annotation rowid, or null when it was not written. */
  rowids: (number | null)[];
  /** Target ids (deduplicated, in input order) that do not exist. */
  missingTargets: string[];
}

export interface NoteInput {
  targetId: string;
  text: string;
  /** Empty or absent: a fresh identifier, so the note is appended. */
  identifier?: string;
  userId?: string | null;
}

export interface StoredAnnotation {
  rowid: number;
  targetKind: AnnotationTargetKind;
  /** span_id, trace_id or session.id of the target. */
  targetId: string;
  documentPosition: number | null;
  name: string;
  annotatorKind: AnnotatorKind;
  label: string | null;
  score: number | null;
  explanation: string | null;
  metadata: Record<string, unknown>;
  identifier: string;
  source: AnnotationSource;
  userId: string | null;
  createdAtUnixNano: bigint;
  updatedAtUnixNano: bigint;
}

export interface AnnotationListQuery {
  /** span_ids / trace_ids / session ids; with `identifiers`, both must match (AND). */
  targetIds?: string[];
  identifiers?: string[];
  includeNames?: string[];
  excludeNames?: string[];
  /** rowid: the page starts at this annotation (inclusive), newest first. */
  cursor?: number;
  limit: number;
}

export interface AnnotationDeleteFilter {
  name?: string;
  identifier?: string;
  annotatorKind?: AnnotatorKind;
  /** `[createdAtStart, createdAtEnd)` on created_at, in ns. */
  createdAtStart?: bigint;
  createdAtEnd?: bigint;
  /**
   * Must be true unless both time bounds are given, so that a filter with nothing set cannot
   * wipe a project's annotations by accident (implementations reject it).
   */
  deleteAll: boolean;
}

export const ANNOTATION_CONFIG_TYPES = ['CATEGORICAL', 'CONTINUOUS', 'FREEFORM'] as const;
export type AnnotationConfigType = (typeof ANNOTATION_CONFIG_TYPES)[number];
export const OPTIMIZATION_DIRECTIONS = ['MINIMIZE', 'MAXIMIZE', 'NONE'] as const;
export type OptimizationDirection = (typeof OPTIMIZATION_DIRECTIONS)[number];

export interface CategoricalValue {
  label: string;
  score: number | null;
}

export type AnnotationConfigData =
  | {
      type: 'CATEGORICAL';
      name: string;
      description: string | null;
      optimizationDirection: OptimizationDirection;
      values: CategoricalValue[];
    }
  | {
      type: 'CONTINUOUS';
      name: string;
      description: string | null;
      optimizationDirection: OptimizationDirection;
      lowerBound: number | null;
      upperBound: number | null;
    }
  | {
      type: 'FREEFORM';
      name: string;
      description: string | null;
      optimizationDirection: OptimizationDirection | null;
      threshold: number | null;
      lowerBound: number | null;
      upperBound: number | null;
    };

export type AnnotationConfigRow = AnnotationConfigData & { rowid: number };

export type AnnotationConfigWriteResult =
  | { status: 'ok'; config: AnnotationConfigRow }
  | { status: 'not-found' }
  | { status: 'name-taken' };

export type SetProjectConfigsResult =
  | { status: 'ok'; configs: AnnotationConfigRow[] }
  | { status: 'configs-not-found'; rowids: number[] };

export interface AnnotationConfigListQuery {
  /** rowid: the page starts at this config (inclusive), newest first. */
  cursor?: number;
  limit: number;
  /** Only the configs assigned to this project. */
  projectId?: number;
}

export interface AnnotationStore {
  upsertAnnotations(
    kind: AnnotationTargetKind,
    items: AnnotationUpsert[],
    options: UpsertAnnotationsOptions,
  ): Promise<UpsertAnnotationsResult>;
  /** The note's rowid, or null when the target does not exist. */
  addNote(kind: ListableTargetKind, note: NoteInput): Promise<number | null>;
  /** Annotations on targets of one project, newest first. */
  listAnnotations(
    kind: ListableTargetKind,
    projectId: number,
    query: AnnotationListQuery,
  ): Promise<Page<StoredAnnotation>>;
  /** Whether any of the targets exists in the project (Phoenix answers 404 when none does). */
  anyTargetExists(
    kind: ListableTargetKind,
    projectId: number,
    targetIds: string[],
  ): Promise<boolean>;
  /** Deletes the matching annotations on targets of the project; resolves with the count. */
  deleteAnnotations(
    kind: ListableTargetKind,
    projectId: number,
    filter: AnnotationDeleteFilter,
  ): Promise<number>;

  listAnnotationConfigs(query: AnnotationConfigListQuery): Promise<Page<AnnotationConfigRow>>;
  getAnnotationConfig(rowid: number): Promise<AnnotationConfigRow | null>;
  getAnnotationConfigByName(name: string): Promise<AnnotationConfigRow | null>;
  createAnnotationConfig(data: AnnotationConfigData): Promise<AnnotationConfigWriteResult>;
  updateAnnotationConfig(
    rowid: number,
    data: AnnotationConfigData,
  ): Promise<AnnotationConfigWriteResult>;
  /** The deleted config, or null when there was none. Assignments go with it. */
  deleteAnnotationConfig(rowid: number): Promise<AnnotationConfigRow | null>;
  /** Replaces the project's assigned configs with exactly these (none: clears them). */
  setProjectAnnotationConfigs(
    projectId: number,
    configRowids: number[],
  ): Promise<SetProjectConfigsResult>;
  /** Idempotent. */
  assignAnnotationConfig(projectId: number, configRowid: number): Promise<void>;
  /** Idempotent. */
  unassignAnnotationConfig(projectId: number, configRowid: number): Promise<void>;
}
