/**
 * The filter bar's suggestions on SQLite (store/filter-suggestions.ts), run in a reader thread.
 * Attribute keys are walked in SQL (json_each, recursing into objects only) over the newest
 * spans of the project, so no attribute text crosses into JavaScript.
 */
import type Database from 'better-sqlite3';
import { NOTE_ANNOTATION_NAME } from '../annotation-store.js';
import type { FilterSuggestions, FilterSuggestionsQuery } from '../filter-suggestions.js';
import { SPAN_KINDS } from '../../spans/span-record.js';

export function filterSuggestions(
  db: Database.Database,
  projectId: number,
  query: FilterSuggestionsQuery,
): FilterSuggestions {
  // Arrays are leaves: `llm.input_messages` is suggested, not every message's every field.
  const attributeKeys = db
    .prepare(
      `WITH RECURSIVE
         sample(attributes) AS (
           SELECT attributes FROM spans WHERE project_id = ? ORDER BY id DESC LIMIT ?
         ),
         walk(path, value, type) AS (
           SELECT e.key, e.value, e.type FROM sample, json_each(sample.attributes) AS e
           UNION ALL
           SELECT walk.path || '.' || e.key, e.value, e.type
           FROM walk, json_each(CASE WHEN walk.type = 'object' THEN walk.value ELSE '{}' END) AS e
         )
       SELECT DISTINCT path FROM walk WHERE type <> 'object' ORDER BY path LIMIT ?`,
    )
    .pluck()
    .all(projectId, query.sampleSpans, query.maxKeys) as string[];

  const annotationNames = db
    .prepare(
      `SELECT name FROM (
         SELECT a.name FROM span_annotations a JOIN spans s ON s.id = a.span_rowid
         WHERE s.project_id = ?
         UNION
         SELECT a.name FROM trace_annotations a JOIN traces t ON t.id = a.trace_rowid
         WHERE t.project_id = ?
         UNION
         SELECT a.name FROM session_annotations a JOIN sessions s ON s.id = a.session_rowid
         WHERE s.project_id = ?
       ) WHERE name <> ? ORDER BY name LIMIT ?`,
    )
    .pluck()
    .all(projectId, projectId, projectId, NOTE_ANNOTATION_NAME, query.maxKeys) as string[];

  // One index seek per kind instead of a scan of the project's spans.
  const hasKind = db
    .prepare('SELECT 1 FROM spans WHERE project_id = ? AND span_kind = ? LIMIT 1')
    .pluck();
  const spanKinds = SPAN_KINDS.filter((kind) => hasKind.get(projectId, kind) !== undefined);

  return { attributeKeys, annotationNames, spanKinds };
}
