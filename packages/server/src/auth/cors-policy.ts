/**
 * CORS (@fastify/cors): closed by default — no Access-Control-* headers, so a page on another
 * origin cannot read Heron's answers. HERON_ALLOWED_ORIGINS lists the origins that may
 * (`*` for any, without cookies). The login cookies are SameSite=Lax, so even an allowed origin
 * calls the API with an API key, not a browser session.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export async function registerCors(app: FastifyInstance, allowedOrigins: string[]): Promise<void> {
  if (allowedOrigins.length === 0) return;
  const any = allowedOrigins.includes('*');
  await app.register(cors, {
    origin: any ? '*' : allowedOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    credentials: !any,
    maxAge: 600,
  });
}
