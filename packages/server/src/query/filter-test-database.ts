/**
 * A real SQLite database for filter tests: the production schema (migrations), the production
 * span writer and search indexer, and spans that went through the production normalizer from
 * OTLP form, so derived columns agree with attributes exactly as they do in a running server.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributeValue, OtlpKeyValue, OtlpSpan } from '../otlp/otlp-types.js';
import { normalizeExportRequest } from '../spans/span-normalizer.js';
import { DEFAULT_SPAN_LIMITS } from '../spans/span-limits.js';
import type { SpanRecord } from '../spans/span-record.js';
import { DEFAULT_SEARCH_TEXT_MAX_CHARS } from '../spans/span-search-text.js';
import { openSqlite } from '../store/sqlite/open-sqlite.js';
import { registerSearchFunctions } from '../store/sqlite/search-functions.js';
import { SearchIndexer } from '../store/sqlite/search-indexer.js';
import { SpanBatchWriter } from '../store/sqlite/span-batch-writer.js';
import { toSpanRow } from '../store/sqlite/span-row.js';
import { migrateSqlite } from '../store/sqlite/sqlite-migrations.js';
import type { CompiledFilter } from './compiled-filter.js';
import { registerSqliteFilterFunctions } from './sqlite-dialect.js';

export const TEST_BASE_TIME = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;

export interface TestSpan {
  /** The span's name, unique across the test database. */
  key: string;
  trace: number;
  span: number;
  parent?: number;
  /** A parent id that is not stored (an orphan). */
  missingParent?: boolean;
  attributes?: Record<string, AttributeValue>;
  startMs?: number;
  durationMs?: number;
  /** 1 OK, 2 ERROR, 0 UNSET. */
  status?: number;
  statusMessage?: string;
  events?: { name: string; attributes?: Record<string, AttributeValue> }[];
  project?: string;
}

export interface AnnotationRow {
  name: string;
  label?: string | null;
  score?: number | null;
  explanation?: string | null;
  identifier?: string;
}

export const traceHex = (n: number): string => n.toString(16).padStart(32, '0');
export const spanHex = (n: number): string => n.toString(16).padStart(16, '0');

export class FilterTestDatabase {
  readonly db: Database.Database;
  private readonly dir: string;
  private readonly writer: SpanBatchWriter;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'heron-filter-'));
    this.db = openSqlite(join(this.dir, 'heron.db'), 'NORMAL');
    migrateSqlite(this.db);
    registerSearchFunctions(this.db, DEFAULT_SEARCH_TEXT_MAX_CHARS);
    registerSqliteFilterFunctions(this.db);
    this.writer = new SpanBatchWriter(this.db);
  }

  insertSpans(spans: readonly TestSpan[]): void {
    this.writer.writeRows(testSpanRecords(spans).map((record) => toSpanRow(record)));
  }

  /** Runs the search indexer over up to `limit` spans (the rest stay on the scan path). */
  indexForSearch(limit = Infinity): void {
    const indexer = new SearchIndexer(this.db, DEFAULT_SEARCH_TEXT_MAX_CHARS);
    let done = 0;
    while (done < limit) {
      const count = indexer.runChunk();
      if (count === 0) break;
      done += count;
    }
  }

  spanRowid(key: string): number {
    const row = this.db.prepare('SELECT id FROM spans WHERE name = ?').pluck().get(key);
    if (typeof row !== 'number') throw new Error(`no span ${key}`);
    return row;
  }

  traceRowid(trace: number): number {
    return this.db
      .prepare('SELECT id FROM traces WHERE trace_id = ?')
      .pluck()
      .get(traceHex(trace)) as number;
  }

  sessionRowid(sessionId: string): number {
    return this.db
      .prepare('SELECT id FROM sessions WHERE session_id = ?')
      .pluck()
      .get(sessionId) as number;
  }

  annotate(
    table: 'span_annotations' | 'trace_annotations' | 'session_annotations',
    targetRowid: number,
    annotation: AnnotationRow,
  ): void {
    const target = {
      span_annotations: 'span_rowid',
      trace_annotations: 'trace_rowid',
      session_annotations: 'session_rowid',
    }[table];
    this.db
      .prepare(
        `INSERT INTO ${table} (${target}, name, label, score, explanation, annotator_kind, identifier, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'HUMAN', ?, 0, 0)`,
      )
      .run(
        targetRowid,
        annotation.name,
        annotation.label ?? null,
        annotation.score ?? null,
        annotation.explanation ?? null,
        annotation.identifier ?? '',
      );
  }

  /** Names of the rows of `table` (alias = table name) the filter selects, sorted. */
  select(table: 'spans' | 'traces' | 'sessions', filter: CompiledFilter): string[] {
    const label = { spans: 'name', traces: 'trace_id', sessions: 'session_id' }[table];
    const rows = this.db
      .prepare(`SELECT ${label} FROM ${table} WHERE ${filter.sql}`)
      .pluck()
      .all(...filter.params) as string[];
    return rows.sort();
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Test spans as the production normalizer makes them from OTLP form. */
export function testSpanRecords(spans: readonly TestSpan[]): SpanRecord[] {
  const request = {
    resourceSpans: spans.map((span) => ({
      resourceAttributes: keyValues({ 'openinference.project.name': span.project ?? 'default' }),
      schemaUrl: '',
      scopeSpans: [
        {
          scope: { name: 'test', version: '1', attributes: [] },
          schemaUrl: '',
          spans: [otlpSpan(span)],
        },
      ],
    })),
  };
  const { spans: records, rejected } = normalizeExportRequest(request, {
    limits: DEFAULT_SPAN_LIMITS,
  });
  if (rejected.length > 0) throw new Error(`test spans rejected: ${JSON.stringify(rejected)}`);
  return records;
}

function keyValues(attributes: Record<string, AttributeValue>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value }));
}

function otlpSpan(span: TestSpan): OtlpSpan {
  const start = TEST_BASE_TIME + BigInt(span.startMs ?? 0) * MS;
  const parent =
    span.missingParent === true
      ? spanHex(0xdead0000 + span.span)
      : span.parent === undefined
        ? ''
        : spanHex(span.parent);
  return {
    traceId: traceHex(span.trace),
    spanId: spanHex(span.span),
    parentSpanId: parent,
    traceState: '',
    name: span.key,
    kind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(span.durationMs ?? 10) * MS,
    attributes: keyValues(span.attributes ?? {}),
    droppedAttributesCount: 0,
    events: (span.events ?? []).map((event) => ({
      timeUnixNano: start,
      name: event.name,
      attributes: keyValues(event.attributes ?? {}),
      droppedAttributesCount: 0,
    })),
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: span.status ?? 0, message: span.statusMessage ?? '' },
    flags: 1,
  };
}
