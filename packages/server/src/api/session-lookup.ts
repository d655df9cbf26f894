/**
 * Resolves a `{session_identifier}`: a ProjectSession GlobalID or the user's `session.id`.
 * Heron keeps sessions per project (the same session id in two projects is two sessions);
 * without a project to look in, the most recently active one is meant.
 */
import type { SessionRow, Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { fromGlobalId } from './global-id.js';

export async function resolveSession(store: Store, identifier: string): Promise<SessionRow> {
  const rowid = fromGlobalId('ProjectSession', identifier);
  const session =
    rowid !== null
      ? await store.getSessionByRowid(rowid)
      : ((await store.findSessionsBySessionId(identifier))[0] ?? null);
  if (!session) throw new ApiError(404, `Session not found: ${identifier}`);
  return session;
}

export async function resolveSessionInProject(
  store: Store,
  projectId: number,
  identifier: string,
): Promise<SessionRow | null> {
  const rowid = fromGlobalId('ProjectSession', identifier);
  if (rowid !== null) {
    const session = await store.getSessionByRowid(rowid);
    return session && session.projectId === projectId ? session : null;
  }
  return store.getSession(projectId, identifier);
}
