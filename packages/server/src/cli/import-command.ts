/**
 * `heron import FILE`: spans from a jsonl, otlp-json or parquet file into the database through
 * the normal ingest path (import-spans.ts). Ctrl-C stops after the batch being written, so the
 * database holds whole batches only; running the same import again is safe (no duplicates).
 */
import { access } from 'node:fs/promises';
import { loadConfig, type ConfigFlags } from '../config.js';
import { ImportLineError } from '../export/heron-span-json-to-otlp.js';
import { ImportFileError, importSpanFile } from '../export/import-spans.js';
import {
  IMPORT_FORMATS,
  importFormatOfFile,
  isImportFormat,
  type ImportFormat,
} from '../export/span-export-format.js';
import { CliError, INTERRUPTED_EXIT_CODE } from './cli-error.js';
import { openCliStore } from './cli-store.js';
import { ProgressLine } from './progress-line.js';

export interface ImportFlags extends ConfigFlags {
  project?: string;
  format?: string;
  batchSize?: number;
}

function formatOf(file: string, flag: string | undefined): ImportFormat {
  if (flag !== undefined) {
    if (!isImportFormat(flag)) {
      throw new CliError(
        `--format must be one of ${IMPORT_FORMATS.join(', ')}` +
          (flag === 'csv' ? ' (CSV exports are flat and cannot be imported back)' : ''),
      );
    }
    return flag;
  }
  const format = importFormatOfFile(file);
  if (format === null) {
    throw new CliError(
      `cannot tell the format of ${file} from its name: use --format ${IMPORT_FORMATS.join('|')}`,
    );
  }
  return format;
}

export async function importCommand(file: string, flags: ImportFlags): Promise<void> {
  const format = formatOf(file, flags.format);
  try {
    await access(file);
  } catch {
    throw new CliError(`cannot read ${file}: check the path and its permissions`);
  }
  const config = loadConfig({ workingDir: flags.workingDir, databaseUrl: flags.databaseUrl });
  const store = await openCliStore(config);
  let stopRequested = false;
  // A batch is one transaction: the first Ctrl-C lets the batch being written commit; a second
  // one quits at once, and the database rolls that batch back (still whole batches only).
  const onSigint = () => {
    if (stopRequested) process.exit(INTERRUPTED_EXIT_CODE);
    stopRequested = true;
    console.error('\nheron: stopping after the batch being written (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSigint);
  const progress = new ProgressLine('heron: imported');
  try {
    const result = await importSpanFile(store, file, {
      format,
      projectName: flags.project,
      limits: config.spanLimits,
      batchSpans: flags.batchSize,
      onProgress: ({ spansDone, fraction }) => progress.update(spansDone, undefined, fraction),
      shouldStop: () => stopRequested,
    });
    progress.finish();
    console.error(
      `heron: imported ${result.imported} span${result.imported === 1 ? '' : 's'} from ${file}` +
        (result.rejected > 0
          ? `; ${result.rejected} rejected: ${result.rejections.join('; ')}`
          : ''),
    );
    if (result.stopped) {
      throw new CliError(
        'import stopped by Ctrl-C before the end of the file, after whole batches only; run ' +
          'the same import again to finish it (spans already imported are replaced, not duplicated)',
        INTERRUPTED_EXIT_CODE,
      );
    }
  } catch (error) {
    progress.finish();
    if (error instanceof ImportFileError || error instanceof ImportLineError) {
      throw new CliError(
        `${error.message}. Spans before this point were imported; fix the file and run the ` +
          'import again (spans already imported are replaced, not duplicated).',
      );
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await store.close();
  }
}
