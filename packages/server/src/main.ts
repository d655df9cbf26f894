#!/usr/bin/env node
/**
 * The `heron` command. `heron serve` starts the collector, API and (later) UI in one process.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type ConfigFlags } from './config.js';
import { startServer } from './server.js';

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
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const server = await startServer(config);
    server.app.log.info(
      `Heron is listening: OTLP/HTTP and API on http://${config.host}:${server.httpPort} ` +
        `(POST /v1/traces), OTLP/gRPC on ${config.host}:${server.grpcPort}, ` +
        `database ${config.sqlitePath}`,
    );
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.app.log.info(`${signal} received: finishing queued commits and shutting down`);
      server.close().then(
        () => process.exit(0),
        (error: Error) => {
          server.app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('a port is an integer between 0 and 65535');
  }
  return n;
}

program.parseAsync().catch((error: Error) => {
  if (error instanceof ConfigError) {
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
