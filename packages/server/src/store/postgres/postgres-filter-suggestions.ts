/**
 * The filter bar's suggestions on PostgreSQL (store/filter-suggestions.ts), with the semantics
 * of the SQLite ones (sqlite/sqlite-filter-suggestions.ts): attribute keys walked in SQL
 * (jsonb_each, recursing into objects only) over the newest spans of the project.
 */
import type pg from 'pg';
import { NOTE_ANNOTATION_NAME } from '../annotation-store.js';
import type { FilterSuggestions, FilterSuggestionsQuery } from '../filter-suggestions.js';
import { SPAN_KINDS } from '../../spans/span-record.js';

export async function filterSuggestions(
  db: pg.Pool,
  projectId: number,
  query: FilterSuggestionsQuery,
): Promise<FilterSuggestions> {
  const [keys, names, kinds] = await Promise.all([
    // Arrays are leaves: `llm.input_messages` is suggested, not every message's every field.
    db.query<{ path: string }>(
      `WITH RECURSIVE
         sample AS (
           SELECT attributes FROM spans WHERE project_id = $1 ORDER BY id DESC LIMIT $2
         ),
         walk(path, value) AS (
           SELECT e.key, e.value FROM sample, jsonb_each(sample.attributes) AS e
           UNION ALL
           SELECT walk.path || '.' || e.key, e.value
           FROM walk, jsonb_each(
             CASE WHEN jsonb_typeof(walk.value) = 'object' THEN walk.value ELSE '{}'::jsonb END
           ) AS e
         )
       SELECT DISTINCT path COLLATE "C" AS path FROM walk
       WHERE jsonb_typeof(value) <> 'object' ORDER BY 1 LIMIT $3`,
      [projectId, query.sampleSpans, query.maxKeys],
    ),
    db.query<{ name: string }>(
      `SELECT name COLLATE "C" AS name FROM (
         SELECT a.name FROM span_annotations a JOIN spans s ON s.id = a.span_rowid
         WHERE s.project_id = $1
         UNION
         SELECT a.name FROM trace_annotations a JOIN traces t ON t.id = a.trace_rowid
         WHERE t.project_id = $1
         UNION
         SELECT a.name FROM session_annotations a JOIN sessions s ON s.id = a.session_rowid
         WHERE s.project_id = $1
       ) AS used WHERE name <> $2 ORDER BY 1 LIMIT $3`,
      [projectId, NOTE_ANNOTATION_NAME, query.maxKeys],
    ),
    // One index probe per kind instead of a scan of the project's spans.
    db.query<{ kind: string }>(
      `SELECT kind FROM unnest($2::text[]) AS kind
       WHERE EXISTS (SELECT 1 FROM spans WHERE project_id = $1 AND span_kind = kind)`,
      [projectId, [...SPAN_KINDS]],
    ),
  ]);
  const present = new Set(kinds.rows.map((row) => row.kind));
  return {
    attributeKeys: keys.rows.map((row) => row.path),
    annotationNames: names.rows.map((row) => row.name),
    spanKinds: SPAN_KINDS.filter((kind) => present.has(kind)),
  };
}
