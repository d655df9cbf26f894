/** Who is signed in, for the pages and the top bar (null when the server runs without auth). */
import { createContext, useContext } from 'react';
import type { Me } from './auth-types';

export interface AuthState {
  me: Me | null;
  logout(): Promise<void>;
}

export const AuthContext = createContext<AuthState>({ me: null, logout: async () => {} });

export function useAuth(): AuthState {
  return useContext(AuthContext);
}
