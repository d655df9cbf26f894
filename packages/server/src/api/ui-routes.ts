/**
 * Hosts the web UI (packages/ui, built by Vite into static files) at `/`. Client-side routes
 * (`/projects/…`) fall back to index.html so deep links work; the API keeps its own answers and
 * an unknown `/v1/…` path stays a JSON 404, never an HTML page.
 *
 * Caching: Vite puts content hashes in the names of everything under `assets/`, so those are
 * cached for a year as immutable; index.html names the current hashes, so it is always
 * revalidated (`no-cache`) and a rebuilt UI is picked up on the next load.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** packages/ui/dist, seen from packages/server/dist/api/. */
export const DEFAULT_UI_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'ui',
  'dist',
);

/** Paths that belong to the server, never to the UI's client-side router. */
const SERVER_PATH = /^(v1|docs|openapi\.json|readyz|healthz)(\/|$)/;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Heron — UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The Heron web UI is not built</h1>
<p>This server is running and receiving traces, but it has no UI files to show. Build them from
the repository root, then restart <code>heron serve</code>:</p>
<pre>npm run build</pre>
<p>(or only the UI: <code>npm run build -w packages/ui</code>). The API is at
<a href="/docs">/docs</a>.</p>
</body></html>
`;

export interface UiRouteOptions {
  /** Folder holding index.html and assets/ (default: packages/ui/dist). */
  uiDir?: string;
}

/** A file of the UI build under `path` (relative, from the URL), or null; never outside uiDir. */
function uiFile(uiDir: string, path: string): string | null {
  if (path === '') return null;
  const full = normalize(join(uiDir, path));
  if (!full.startsWith(uiDir + sep)) return null;
  try {
    return statSync(full).isFile() ? full.slice(uiDir.length + 1) : null;
  } catch {
    return null;
  }
}

export async function registerUiRoutes(
  app: FastifyInstance,
  options: UiRouteOptions = {},
): Promise<void> {
  const uiDir = resolve(options.uiDir ?? DEFAULT_UI_DIR);
  const built = () => existsSync(join(uiDir, 'index.html'));
  if (existsSync(uiDir)) {
    // serve: false — only reply.sendFile; the routes below decide what each path gets.
    await app.register(fastifyStatic, { root: uiDir, serve: false });
  }

  const sendIndex = (reply: FastifyReply) => {
    if (!built()) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  };

  app.get('/', async (_request, reply) => sendIndex(reply));

  app.get('/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'] ?? '';
    if (SERVER_PATH.test(path)) return reply.callNotFound();
    const file = built() ? uiFile(uiDir, path) : null;
    if (file !== null) {
      const hashed = file.startsWith(`assets${sep}`);
      return reply.sendFile(
        file,
        hashed ? { maxAge: '365d', immutable: true } : { maxAge: '1h', immutable: false },
      );
    }
    // A missing build file is a 404, not index.html: a browser asking for a script must not
    // get HTML back (stale tabs after a rebuild then fail loudly instead of oddly).
    if (path.startsWith('assets/')) return reply.callNotFound();
    return sendIndex(reply);
  });
}
