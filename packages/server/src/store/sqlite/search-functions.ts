/**
 * SQL functions the full-text conditions use on SQLite read connections (see
 * query/full-text-condition.ts): the exact scan for spans the index has not reached yet.
 */
import type Database from 'better-sqlite3';
import { SPAN_TEXT_CONTAINS_FUNCTION } from '../../query/full-text-condition.js';
import { foldForSearch, spanSearchText } from '../../spans/span-search-text.js';

export function registerSearchFunctions(db: Database.Database, maxChars: number): void {
  db.function(
    SPAN_TEXT_CONTAINS_FUNCTION,
    { deterministic: true },
    (attributesJson: unknown, field: unknown, needle: unknown) => {
      if (typeof attributesJson !== 'string' || typeof needle !== 'string') return 0;
      const text = spanSearchText(JSON.parse(attributesJson), maxChars);
      const haystack = field === 'output' ? text.output : text.input;
      return foldForSearch(haystack).includes(foldForSearch(needle)) ? 1 : 0;
    },
  );
}
