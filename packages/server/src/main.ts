#!/usr/bin/env -S node --max-semi-space-size=64
/**
 * The `heron` command. `heron serve` starts the collector, API and (later) UI in one process;
 * `heron migrate` brings the database schema up to date and exits; `heron export` / `heron import`
 * move spans to and from files (cli/).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type ConfigFlags, type HeronConfig } from './config.js';
import { startServer } from './server.js';
import { HERON_NODE_FLAGS, startedWithHeronFlags } from './node-flags.js';
import { CliError } from './cli/cli-error.js';
import { exportCommand, type ExportFlags } from './cli/export-command.js';
import { importCommand, type ImportFlags } from './cli/import-command.js';
import { shutDownWithin } from './shutdown-deadline.js';
import { DatabaseConnectError, redactDatabaseUrl } from './store/postgres/postgres-connection.js';
import {
  listPostgresMigrations,
  migratePostgres,
  PostgresMigrationError,
} from './store/postgres/postgres-migrations.js';
import { openSqlite } from './store/sqlite/open-sqlite.js';
import { listMigrations, migrateSqlite } from './store/sqlite/sqlite-migrations.js';

const program = new Command()
  .name('heron')
  .description('OpenTelemetry-native tracing server for LLM applications');

program
  .command('serve')
  .description('Start the OTLP collector (HTTP + gRPC) and the REST API')
  .option('--host <host>', 'address to listen on (HERON_HOST, default 127.0.0.1)')
  .option('--port <port>', 'HTTP port for OTLP/HTTP and the API (HERON_PORT, default 6006)', port)
  .option('--grpc-port <port>', 'OTLP/gRPC port (HERON_GRPC_PORT, default 4317)', port)
  .option('--working-dir <dir>', 'where heron.db lives (HERON_WORKING_DIR, default ~/.heron)')
  .option(
    '--database-url <url>',
    'PostgreSQL instead of SQLite, e.g. postgresql://user@host/db (HERON_SQL_DATABASE_URL)',
  )
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const server = await startServer(config);
    server.app.log.info(
      `Heron is listening: OTLP/HTTP and API on http://${config.host}:${server.httpPort} ` +
        `(POST /v1/traces), OTLP/gRPC on ${config.host}:${server.grpcPort}, ` +
        `database ${config.databaseUrl === undefined ? config.sqlitePath : redactDatabaseUrl(config.databaseUrl)}`,
    );
    if (!startedWithHeronFlags()) {
      server.app.log.warn(
        `node was started without ${HERON_NODE_FLAGS.join(' ')}: ingestion runs slower ` +
          `(start Heron with \`heron serve\` or \`npm start\`, or pass the flags to node)`,
      );
    }
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.app.log.info(`${signal} received: finishing queued commits and shutting down`);
      void shutDownWithin(server, config.observability.shutdownTimeoutSeconds).then((outcome) => {
        if (outcome.exitCode === 0) server.app.log.info(outcome.message);
        else server.app.log.error(outcome.message);
        process.exit(outcome.exitCode);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('migrate')
  .description(
    'Apply pending database migrations and exit (SQLite unless a PostgreSQL URL is given)',
  )
  .option(
    '--database-url <url>',
    'PostgreSQL database to migrate (HERON_SQL_DATABASE_URL; default: SQLite in the working directory)',
  )
  .option('--working-dir <dir>', 'where heron.db lives (HERON_WORKING_DIR, default ~/.heron)')
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    if (config.databaseUrl !== undefined) await migratePostgresCommand(config, config.databaseUrl);
    else migrateSqliteCommand(config);
  });

program
  .command('export')
  .description("Write a project's spans to a file or stdout (jsonl, otlp-json, csv, parquet)")
  .requiredOption('--project <name>', 'the project to export')
  .option('--since <iso>', 'only spans that started at or after this time (ISO 8601)')
  .option('--until <iso>', 'only spans that started before this time (ISO 8601)')
  .option('--filter <expr>', 'a span filter expression, as in the UI and the REST API')
  .requiredOption('--format <format>', 'jsonl | otlp-json | csv | parquet')
  .option('-o, --output <file>', 'write to this file (default: stdout; parquet needs a file)')
  .option('--working-dir <dir>', 'where heron.db lives (HERON_WORKING_DIR, default ~/.heron)')
  .option('--database-url <url>', 'PostgreSQL instead of SQLite (HERON_SQL_DATABASE_URL)')
  .action(async (flags: ExportFlags) => exportCommand(flags));

program
  .command('import')
  .description('Read spans from a jsonl, otlp-json or parquet file into the database')
  .argument('<file>', 'the file to import (format from its extension unless --format)')
  .option('--project <name>', "put every span in this project (default: the file's own)")
  .option('--format <format>', 'jsonl | otlp-json | parquet')
  .option('--batch-size <spans>', 'spans per transaction (default 2000)', positiveInteger)
  .option('--working-dir <dir>', 'where heron.db lives (HERON_WORKING_DIR, default ~/.heron)')
  .option('--database-url <url>', 'PostgreSQL instead of SQLite (HERON_SQL_DATABASE_URL)')
  .action(async (file: string, flags: ImportFlags) => importCommand(file, flags));

async function migratePostgresCommand(config: HeronConfig, url: string): Promise<void> {
  console.log(
    `heron: migrating PostgreSQL ${redactDatabaseUrl(url)}, schema "${config.databaseSchema}"`,
  );
  const applied = await migratePostgres(url, {
    schema: config.databaseSchema,
    onWait: () => console.log('heron: another process is migrating this database; waiting for it'),
    onApply: (m) => console.log(`heron: applying migration ${m.name}`),
  });
  reportMigrations(applied.length, listPostgresMigrations().at(-1)?.version ?? 0);
}

function migrateSqliteCommand(config: HeronConfig): void {
  console.log(`heron: migrating SQLite ${config.sqlitePath}`);
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const db = openSqlite(config.sqlitePath, config.sqliteSynchronous);
  try {
    const applied = migrateSqlite(db, (m) => console.log(`heron: applying migration ${m.name}`));
    reportMigrations(applied.length, listMigrations().at(-1)?.version ?? 0);
  } finally {
    db.close();
  }
}

function reportMigrations(applied: number, version: number): void {
  console.log(
    applied === 0
      ? `heron: the database is up to date (schema version ${version}); nothing to apply`
      : `heron: applied ${applied} migration${applied === 1 ? '' : 's'}; ` +
          `the database is at schema version ${version}`,
  );
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('a port is an integer between 0 and 65535');
  }
  return n;
}

program.parseAsync().catch((error: Error) => {
  if (error instanceof CliError) {
    console.error(`heron: ${error.message}`);
    process.exit(error.exitCode);
  } else if (error instanceof ConfigError) {
    console.error(`heron: ${error.message}`);
  } else if (error instanceof DatabaseConnectError) {
    console.error(
      `heron: ${error.message}. Check that PostgreSQL is running and reachable from here, and ` +
        'that the URL (--database-url, HERON_SQL_DATABASE_URL or the PHOENIX_POSTGRES_* ' +
        'settings) names the right host, port, user, password and database.',
    );
  } else if (error instanceof PostgresMigrationError) {
    console.error(`heron: ${error.message}`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `heron: ${error.message}. Another process uses that port: stop it, or pick another with --port / --grpc-port.`,
    );
  } else if (
    /^(SQLITE_|EACCES|EROFS|ENOSPC|EPERM)/.test((error as NodeJS.ErrnoException).code ?? '')
  ) {
    console.error(
      `heron: cannot open or write the database: ${error.message}. ` +
        'Check that HERON_WORKING_DIR (or --working-dir) is a writable directory with free space.',
    );
  } else {
    console.error(`heron: ${error.stack ?? error.message}`);
  }
  process.exit(1);
});
