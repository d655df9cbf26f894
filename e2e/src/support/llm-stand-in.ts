/**
 * A local HTTP server on 127.0.0.1 that answers like an LLM provider's API (OpenAI's chat
 * completions, Anthropic's messages): the one external service the SDK tests cannot reach (no
 * network here). Each test gives the routes and the answers in the shape the provider
 * documents; everything else — the provider's npm client, the instrumentation, the exporter,
 * Heron — is the real thing. Every request is kept, to show the calls really went over HTTP.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** Answers one request (status, headers and body written on `response`). */
export type StandInRoute = (request: StandInRequest, response: ServerResponse) => void;

export interface LlmStandIn {
  /** `http://127.0.0.1:<port>` */
  url: string;
  received: StandInRequest[];
  close(): Promise<void>;
}

/** Starts the server with routes keyed by `METHOD /path`; anything else is a 404 in JSON. */
export async function startLlmStandIn(routes: Record<string, StandInRoute>): Promise<LlmStandIn> {
  const received: StandInRequest[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const path = (request.url ?? '').split('?')[0] ?? '';
      const entry: StandInRequest = {
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      };
      received.push(entry);
      const route = routes[`${entry.method} ${path}`];
      if (!route) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `no route ${entry.method} ${path}` } }));
        return;
      }
      route(entry, response);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Writes `body` as a JSON answer. */
export function answerJson(response: ServerResponse, body: unknown, status = 200): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
