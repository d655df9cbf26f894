/**
 * Saved views: a named filter / search / column / sort setup of a project's traces or spans
 * table, kept on the server so everyone using the project sees it. SQLite implements it in
 * sqlite/sqlite-saved-views.ts, PostgreSQL in postgres/postgres-saved-views.ts.
 *
 * Rules every implementation keeps:
 * - Names are unique within a project (exact, case-sensitive); a clash is reported, not thrown.
 * - A project holds at most `maxPerProject` views (the caller's limit); checked in the same
 *   transaction as the insert, so concurrent creates cannot overshoot it.
 * - Deleting a project deletes its views.
 * - The store does not validate the fields (the API does, with the filter compilers); it keeps
 *   them exactly as given.
 */

export const SAVED_VIEW_TABLES = ['traces', 'spans'] as const;
export type SavedViewTable = (typeof SAVED_VIEW_TABLES)[number];

/** The user-given part of a view. */
export interface SavedViewFields {
  name: string;
  table: SavedViewTable;
  filter: string | null;
  q: string | null;
  columns: string[];
  sort: string | null;
  order: 'asc' | 'desc' | null;
  rootSpansOnly: boolean | null;
}

export interface SavedViewRow extends SavedViewFields {
  rowid: number;
  projectId: number;
  createdAt: string; // ISO 8601
  updatedAt: string;
}

/** Why a create or update did not happen, or the row it wrote. */
export type SavedViewWriteResult =
  | { ok: true; view: SavedViewRow }
  | { ok: false; reason: 'name-taken' | 'limit-reached' | 'not-found' };

export interface SavedViewStore {
  /** The project's views, by name. */
  listSavedViews(projectId: number): Promise<SavedViewRow[]>;
  getSavedView(projectId: number, rowid: number): Promise<SavedViewRow | null>;
  createSavedView(
    projectId: number,
    fields: SavedViewFields,
    maxPerProject: number,
  ): Promise<SavedViewWriteResult>;
  /** Replaces every field (the caller merges a partial update first) and bumps updated_at. */
  updateSavedView(
    projectId: number,
    rowid: number,
    fields: SavedViewFields,
  ): Promise<SavedViewWriteResult>;
  /** False when the project has no such view. */
  deleteSavedView(projectId: number, rowid: number): Promise<boolean>;
}
