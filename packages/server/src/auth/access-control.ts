/**
 * Enforces ROUTE_ACCESS (route-access.ts) on every HTTP request in one onRequest hook, and
 * keeps the inventory of registered routes (GET /v1/auth/routes; the route × credential test
 * walks it, so a route added anywhere is checked without anyone remembering to list it).
 *
 * CSRF: a browser sends the session cookie on its own, so a request authenticated by cookie
 * with an unsafe method must also carry the `x-heron-csrf` header with the token from the
 * `heron_csrf` cookie (double submit, bound to the session by an HMAC). Another site can make
 * the browser send the cookies but cannot read them to copy the token into a header. Bearer
 * and api_key requests need no token: a browser never adds those headers by itself.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from './authenticator.js';
import { CSRF_HEADER } from './authenticator.js';
import { csrfTokenMatches } from './auth-tokens.js';
import { isSafeMethod, roleSatisfies, routeAccess, type Access } from './route-access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; null on public routes and when auth is off. */
    principal: Principal | null;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  /** null: not classified in ROUTE_ACCESS (treated as admin-only). */
  access: Access | null;
}

function deny(reply: FastifyReply, status: 401 | 403, message: string): FastifyReply {
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="heron"');
  return reply.code(status).send({
    statusCode: status,
    error: status === 401 ? 'Unauthorized' : 'Forbidden',
    message,
  });
}

export interface AccessControl {
  /** Every route registered after the hook, with the access it needs. */
  routes(): RegisteredRoute[];
}

export function registerAccessControl(
  app: FastifyInstance,
  authenticator: Authenticator,
  secret: string,
): AccessControl {
  const routes: RegisteredRoute[] = [];
  app.decorateRequest('principal', null);
  const check = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.routeOptions.url!;
    const access = routeAccess(request.method, url) ?? 'admin';
    if (access === 'public') return;
    const result = await authenticator.authenticate(request.headers);
    if (result.outcome === 'missing') {
      return deny(
        reply,
        401,
        'Authentication required: send "Authorization: Bearer <API key>" or log in',
      );
    }
    if (result.outcome === 'invalid')
      return deny(reply, 401, `Not authenticated: ${result.reason}`);
    const principal = result.principal;
    if (principal.mustChangePassword && access !== 'signed-in') {
      return deny(reply, 403, 'Change your initial password first (PUT /v1/auth/password)');
    }
    if (!roleSatisfies(principal.role, access)) {
      return deny(
        reply,
        403,
        `${request.method} ${url} needs the ${access} role; this credential has ${principal.role}`,
      );
    }
    if (principal.kind === 'session' && !isSafeMethod(request.method)) {
      const token = request.headers[CSRF_HEADER];
      if (typeof token !== 'string' || !csrfTokenMatches(secret, principal.sessionIdHash!, token)) {
        return deny(
          reply,
          403,
          `Missing or wrong CSRF token: send the ${CSRF_HEADER} header with the value of the ` +
            'heron_csrf cookie',
        );
      }
    }
    request.principal = principal;
  };

  // The check is attached to each route (not as an app-wide hook) so that it runs after the
  // rate limiter's route hook (rate-limits.ts): floods of bad credentials are limited too.
  // Requests no route matches get the not-found handler's 404 and reveal nothing.
  app.addHook('onRoute', (route) => {
    const hooks = route.onRequest;
    route.onRequest = [...(Array.isArray(hooks) ? hooks : hooks ? [hooks] : []), check];
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const access = routeAccess(method, route.url) ?? null;
      if (routes.some((r) => r.method === method && r.url === route.url)) continue;
      routes.push({ method, url: route.url, access });
      if (access === null) {
        app.log.warn(
          `route ${method} ${route.url} is not classified in auth/route-access.ts: only ` +
            'admins may call it',
        );
      }
    }
  });

  return { routes: () => routes.map((r) => ({ ...r })) };
}
