/** Shapes of the auth API's answers (server: api/auth-json.ts, api/auth-routes.ts). */
export type Role = 'viewer' | 'member' | 'admin';

export interface User {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  must_change_password: boolean;
  created_at: string;
  updated_at: string;
}

export interface Me {
  kind: 'session' | 'api-key' | 'admin-secret';
  role: Role;
  user: User | null;
  must_change_password: boolean;
  csrf_token: string | null;
}

export interface ApiKey {
  id: number;
  name: string;
  kind: 'user' | 'system';
  user_id: number | null;
  role: Role | null;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}
