/**
 * Calls to Heron's own REST API. An error answer becomes a HeronApiError carrying the server's
 * message (which already says what was wrong), so pages can show it as is.
 */
import { csrfHeader, reportUnauthenticated } from '../auth/csrf-header';

export class HeronApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type QueryValue = string | number | boolean | null | undefined | readonly string[];

/** `?a=1&b=x&b=y`; undefined, null and '' are left out, arrays repeat the parameter. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) search.append(name, item);
    else search.append(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      // With auth on, writes made with the login cookie carry the CSRF token.
      ...csrfHeader(method),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // The session ended (or auth was turned on): the auth gate shows the login page.
  if (response.status === 401 && path !== '/v1/auth/me' && path !== '/v1/auth/login') {
    reportUnauthenticated();
  }
  if (!response.ok) {
    let message = `${method} ${path} answered ${response.status}`;
    try {
      const payload = (await response.json()) as { message?: string };
      if (payload.message) message = payload.message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new HeronApiError(response.status, message);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function apiGet<T>(path: string, params: Record<string, QueryValue> = {}): Promise<T> {
  return request<T>('GET', path + queryString(params));
}

export function apiSend<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
) {
  return request<T>(method, path, body);
}

/** A path segment: project names and session ids may hold any character but / ? #. */
export const seg = (value: string) => encodeURIComponent(value);
