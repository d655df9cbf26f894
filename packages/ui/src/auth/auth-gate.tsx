/**
 * Decides what the browser shows: the app when the server runs without auth (GET /v1/auth/me
 * answers 404) or someone is signed in; the login page when not; the new-password page while
 * the signed-in user must change the initial password. Any 401 from the API later (session
 * ended) brings the login page back.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { apiGet, apiSend, HeronApiError } from '../api/heron-api';
import { AuthContext } from './auth-context';
import type { Me } from './auth-types';
import { ChangePasswordPage } from './change-password-page';
import { UNAUTHENTICATED_EVENT } from './csrf-header';
import { LoginPage } from './login-page';
import './auth.css';

/** null: auth is off. */
async function whoAmI(): Promise<Me | null | 'signed-out'> {
  try {
    return (await apiGet<{ data: Me }>('/v1/auth/me')).data;
  } catch (error) {
    if (error instanceof HeronApiError && error.status === 404) return null;
    if (error instanceof HeronApiError && error.status === 401) return 'signed-out';
    throw error;
  }
}

export function AuthGate(props: { children: ReactNode }) {
  const client = useQueryClient();
  const me = useQuery({ queryKey: ['auth-me'], queryFn: whoAmI, staleTime: Infinity, retry: 1 });
  const refresh = () => {
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth-me' });
    void client.invalidateQueries({ queryKey: ['auth-me'] });
  };

  useEffect(() => {
    const onUnauthenticated = () => void client.invalidateQueries({ queryKey: ['auth-me'] });
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
  }, [client]);

  if (me.isPending) return <div className="auth-screen muted">Loading…</div>;
  if (me.isError) {
    return (
      <div className="auth-screen">
        <div className="error-text" role="alert">
          Cannot reach the Heron server: {me.error.message}
        </div>
      </div>
    );
  }
  if (me.data === 'signed-out') return <LoginPage onLoggedIn={refresh} />;
  if (me.data?.must_change_password) {
    return <ChangePasswordPage forced onChanged={refresh} />;
  }
  const logout = async () => {
    await apiSend('POST', '/v1/auth/logout');
    refresh();
  };
  return (
    <AuthContext.Provider value={{ me: me.data, logout }}>{props.children}</AuthContext.Provider>
  );
}
