/**
 * TLS: with HERON_TLS_CERT_FILE / HERON_TLS_KEY_FILE (a self-signed certificate made by openssl
 * for this test) the REST API answers over https and the stock OTLP exporters deliver over
 * https and grpcs — with an API key, auth being on — while plain http gets nothing.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { credentials as grpcCredentials, Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { freePort } from '../../packages/server/dist/testing/spawn-heron.js';
import { ADMIN_SECRET, authEnv } from './support/auth-server.js';
import { exportOneSpan } from './support/one-span-export.js';

const MAIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'server',
  'dist',
  'main.js',
);

function httpsGet(
  url: string,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS for HTTP and gRPC', () => {
  let child: ChildProcess;
  let ca: Buffer;
  let httpPort: number;
  let grpcPort: number;
  let output = '';

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heron-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'));
    httpPort = await freePort();
    grpcPort = await freePort();
    const schema = process.env['HERON_E2E_DATABASE_URL']
      ? {
          HERON_SQL_DATABASE_URL: process.env['HERON_E2E_DATABASE_URL'],
          HERON_SQL_DATABASE_SCHEMA: `e2e_tls_${process.pid}`,
        }
      : {};
    child = spawn(
      process.execPath,
      [MAIN, 'serve', '--port', String(httpPort), '--grpc-port', String(grpcPort)],
      {
        env: {
          ...process.env,
          HERON_WORKING_DIR: dir,
          HERON_LOG_LEVEL: 'warn',
          ...schema,
          ...authEnv({
            HERON_TLS_CERT_FILE: join(dir, 'cert.pem'),
            HERON_TLS_KEY_FILE: join(dir, 'key.pem'),
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`heron exited:\n${output}`);
      try {
        if ((await httpsGet(`https://127.0.0.1:${httpPort}/readyz`, ca)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`heron not ready over https:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('the REST API answers over https, with the key; plain http gets no answer', async () => {
    const answer = await httpsGet(`https://127.0.0.1:${httpPort}/v1/projects`, ca, {
      authorization: `Bearer ${ADMIN_SECRET}`,
    });
    assert.equal(answer.status, 200);
    await assert.rejects(fetch(`http://127.0.0.1:${httpPort}/readyz`));
  });

  test('the stock exporters deliver over https and grpcs', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${ADMIN_SECRET}`);
    const grpc = await exportOneSpan(
      new GrpcExporter({
        url: `https://127.0.0.1:${grpcPort}`,
        credentials: grpcCredentials.createSsl(ca),
        metadata,
      }),
      'tls',
      'over-grpcs',
    );
    assert.equal(grpc.ok, true, grpc.error);
    const http = await exportOneSpan(
      new ProtoExporter({
        url: `https://127.0.0.1:${httpPort}/v1/traces`,
        headers: { authorization: `Bearer ${ADMIN_SECRET}` },
        httpAgentOptions: { ca },
      }),
      'tls',
      'over-https',
    );
    assert.equal(http.ok, true, http.error);
    const spans = await httpsGet(`https://127.0.0.1:${httpPort}/v1/projects/tls/spans`, ca, {
      authorization: `Bearer ${ADMIN_SECRET}`,
    });
    assert.equal(spans.status, 200);
    const names = (JSON.parse(spans.body) as { data: { name: string }[] }).data.map((s) => s.name);
    assert.deepEqual(names.sort(), ['over-grpcs', 'over-https']);
    // A plaintext gRPC client is refused.
    const plain = await exportOneSpan(
      new GrpcExporter({
        url: `http://127.0.0.1:${grpcPort}`,
        credentials: grpcCredentials.createInsecure(),
        metadata,
        timeoutMillis: 3000,
      }),
      'tls',
      'plaintext',
    );
    assert.equal(plain.ok, false);
  });
});
