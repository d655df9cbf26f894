/**
 * Live updates over Server-Sent Events (Heron): `GET /v1/live` streams the changes of every
 * project, `GET /v1/projects/{id}/live` those of one. Events (live/live-hub.ts):
 *   event: spans    data: {project_id, project_name, trace_ids, span_count}  (after the commit)
 *   event: deleted  data: {project_id, project_name, trace_ids}  ([] = anything may have changed)
 * plus `retry: 3000` first and a `: ping` comment every HERON_LIVE_PING_SECONDS.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeFeed } from '../live/change-feed.js';
import { LiveHub } from '../live/live-hub.js';
import type { LiveSettings } from '../live/live-settings.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { resolveProject } from './project-lookup.js';
import { PHOENIX_COMPATIBLE_VERSION, PHOENIX_VERSION_HEADER } from './server-version.js';

export interface LiveRouteDeps {
  store: Store;
  feed: ChangeFeed;
  settings: LiveSettings;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx would otherwise buffer the stream.
  'x-accel-buffering': 'no',
  [PHOENIX_VERSION_HEADER]: PHOENIX_COMPATIBLE_VERSION,
};

export function registerLiveRoutes(app: FastifyInstance, deps: LiveRouteDeps): LiveHub {
  const hub = new LiveHub(deps.feed, deps.settings, app.log);
  // Open streams would keep the HTTP server from closing: end them first.
  app.addHook('preClose', async () => hub.close());

  const stream = (request: FastifyRequest, reply: FastifyReply, projectId: number | null) => {
    if (request.method === 'HEAD') return reply.headers(SSE_HEADERS).send();
    if (!hub.hasRoom) {
      void reply.header('retry-after', '5');
      throw new ApiError(
        503,
        `Too many live clients: ${hub.clientCount} are connected and the limit is ` +
          `${deps.settings.maxClients} (HERON_LIVE_MAX_CLIENTS); retry later`,
      );
    }
    reply.hijack();
    request.raw.socket.setNoDelay(true);
    // `connection: close`: once the stream ends (shutdown) the socket goes too.
    reply.raw.writeHead(200, { ...SSE_HEADERS, connection: 'close' });
    hub.connect(reply.raw, projectId);
    return reply;
  };

  app.get('/v1/live', async (request, reply) => stream(request, reply, null));

  app.get('/v1/projects/:project_identifier/live', async (request, reply) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const project = await resolveProject(deps.store, project_identifier);
    return stream(request, reply, project.rowid);
  });

  return hub;
}
