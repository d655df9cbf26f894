/**
 * The CSRF proof the server asks of cookie-authenticated writes: the `heron_csrf` cookie's value
 * copied into the `x-heron-csrf` header (double submit; see the server's access-control.ts).
 * A page on another site cannot read our cookies, so it cannot make this header.
 */
export const UNAUTHENTICATED_EVENT = 'heron:unauthenticated';

function csrfCookie(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'heron_csrf') return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Headers to add to a request: the CSRF token for anything but GET/HEAD. */
export function csrfHeader(method: string): Record<string, string> {
  if (method === 'GET' || method === 'HEAD') return {};
  const token = csrfCookie();
  return token === null ? {} : { 'x-heron-csrf': token };
}

/** Tells the auth gate that the session ended (a 401 from any call), so it shows the login. */
export function reportUnauthenticated(): void {
  window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
}
