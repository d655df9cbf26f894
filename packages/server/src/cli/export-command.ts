/**
 * `heron export`: a project's spans to a file or stdout, in the export order (start time, then
 * row id), with a progress line on a terminal. A file is written under `<file>.partial` and
 * renamed when complete, so an interrupted export leaves no truncated file behind: Ctrl-C stops
 * after the page being written and removes the partial file (a second Ctrl-C quits at once and
 * removes it too).
 */
import { createWriteStream, rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig, type ConfigFlags } from '../config.js';
import { unixNanoFromIso } from '../api/timestamps.js';
import type { SpanExportQuery } from '../export/export-span-pages.js';
import {
  ExportStoppedError,
  textExportChunks,
  writeParquetExport,
} from '../export/export-spans.js';
import { EXPORT_FORMATS, isExportFormat } from '../export/span-export-format.js';
import type { FilterLimits } from '../query/filter-limits.js';
import { FilterSyntaxError } from '../query/filter-syntax-error.js';
import { compileSpanFilter } from '../query/span-filter-compiler.js';
import type { Store } from '../store/store.js';
import { CliError, INTERRUPTED_EXIT_CODE } from './cli-error.js';
import { openCliStore } from './cli-store.js';
import { ProgressLine } from './progress-line.js';

export interface ExportFlags extends ConfigFlags {
  project: string;
  since?: string;
  until?: string;
  filter?: string;
  format: string;
  output?: string;
}

function time(flag: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const ns = unixNanoFromIso(value);
  if (ns === null) {
    throw new CliError(`${flag} "${value}" is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)`);
  }
  return ns;
}

export async function exportCommand(flags: ExportFlags): Promise<void> {
  if (!isExportFormat(flags.format)) {
    throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  }
  const format = flags.format;
  if (format === 'parquet' && flags.output === undefined) {
    throw new CliError('Parquet is a binary format: name the file with -o FILE.parquet');
  }
  const startTime = time('--since', flags.since);
  const endTime = time('--until', flags.until);
  const config = loadConfig({ workingDir: flags.workingDir, databaseUrl: flags.databaseUrl });
  const store = await openCliStore(config);
  const partial = flags.output === undefined ? undefined : `${flags.output}.partial`;
  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) {
      if (partial !== undefined) rmSync(partial, { force: true });
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    stopRequested = true;
    console.error('\nheron: stopping the export (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSigint);
  const progress = new ProgressLine('heron: exported');
  try {
    const query = await exportQuery(store, flags, startTime, endTime, config.filterLimits);
    const total = await knownTotal(store, query, flags);
    let count = 0;
    const options = {
      onProgress: (done: number) => {
        count = done;
        progress.update(done, total);
      },
      pageSpans: config.exportPageSpans,
      shouldStop: () => stopRequested,
    };
    if (format === 'parquet') {
      count = await writeParquetExport(store, query, flags.output!, options);
    } else {
      const chunks = textExportChunks(store, query, format, options);
      if (partial === undefined) {
        await pipeline(Readable.from(chunks), process.stdout, { end: false });
      } else {
        try {
          await pipeline(Readable.from(chunks), createWriteStream(partial));
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
        await rename(partial, flags.output!);
      }
    }
    progress.finish();
    if (flags.output !== undefined) {
      console.error(`heron: exported ${count} span${count === 1 ? '' : 's'} to ${flags.output}`);
    }
  } catch (error) {
    progress.finish();
    if (error instanceof ExportStoppedError) {
      throw new CliError(
        flags.output === undefined
          ? `export stopped by Ctrl-C after ${error.spansDone} spans: the output is incomplete`
          : `export stopped by Ctrl-C after ${error.spansDone} spans; ${flags.output} was not ` +
              'written (nothing is left behind); run the export again for the whole file',
        INTERRUPTED_EXIT_CODE,
      );
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await store.close();
  }
}

async function exportQuery(
  store: Store,
  flags: ExportFlags,
  startTime: bigint | undefined,
  endTime: bigint | undefined,
  filterLimits: FilterLimits,
): Promise<SpanExportQuery> {
  const project = await store.getProjectByName(flags.project);
  if (!project) {
    const known = (await store.listProjects({ limit: 20 })).items.map((p) => p.name);
    throw new CliError(
      `there is no project named "${flags.project}"` +
        (known.length > 0
          ? `; projects: ${known.join(', ')}`
          : '; the database has no projects yet'),
    );
  }
  let filter;
  if (flags.filter !== undefined && flags.filter.trim() !== '') {
    try {
      filter = compileSpanFilter(flags.filter, store.dialect, { limits: filterLimits });
    } catch (error) {
      if (error instanceof FilterSyntaxError) {
        throw new CliError(`--filter: ${error.message}`);
      }
      throw error;
    }
  }
  return { projectId: project.rowid, startTime, endTime, filter };
}

/** The span count for the progress line, when it is cheap and exact (no filter, no window). */
async function knownTotal(
  store: Store,
  query: SpanExportQuery,
  flags: ExportFlags,
): Promise<number | undefined> {
  if (!process.stderr.isTTY || flags.filter || flags.since || flags.until) return undefined;
  return (await store.projectSummary(query.projectId)).spanCount;
}
