/** Settings › Users (`/settings/users`, admins): create users, change their role, delete them. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiGet, apiSend } from '../api/heron-api';
import { useAuth } from './auth-context';
import type { Role, User } from './auth-types';

const ROLES: Role[] = ['viewer', 'member', 'admin'];

function UserRow(props: { user: User; self: boolean }) {
  const client = useQueryClient();
  const { user } = props;
  const done = () => void client.invalidateQueries({ queryKey: ['users'] });
  const setRole = useMutation({
    mutationFn: (role: Role) => apiSend('PATCH', `/v1/users/${user.id}`, { role }),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: () => apiSend('DELETE', `/v1/users/${user.id}`),
    onSuccess: done,
  });
  const error = setRole.error ?? remove.error;
  return (
    <tr data-testid="user-row" data-username={user.username}>
      <td>
        {user.username}
        {props.self && <span className="badge">you</span>}
        {user.must_change_password && <span className="badge">must change password</span>}
        {error && <div className="error-text">{error.message}</div>}
      </td>
      <td>{user.email ?? <span className="muted">—</span>}</td>
      <td>
        <select
          aria-label={`Role of ${user.username}`}
          value={user.role}
          onChange={(e) => setRole.mutate(e.target.value as Role)}
        >
          {ROLES.map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
      </td>
      <td>
        <button
          type="button"
          className="button danger"
          disabled={props.self}
          onClick={() => {
            if (window.confirm(`Delete ${user.username} and their API keys?`)) remove.mutate();
          }}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

function NewUserForm() {
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('member');
  const create = useMutation({
    mutationFn: () => apiSend('POST', '/v1/users', { username, password, role }),
    onSuccess: () => {
      setUsername('');
      setPassword('');
      void client.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="auth-form" onSubmit={submit} aria-label="New user">
      <label>
        Username
        <input
          name="new-username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
      </label>
      <label>
        Initial password
        <input
          name="new-user-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <label>
        Role
        <select name="new-user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <button type="submit" className="button primary" disabled={create.isPending}>
        Create user
      </button>
      {create.error && <div className="error-text">{create.error.message}</div>}
    </form>
  );
}

export function UsersPage() {
  const { me } = useAuth();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => apiGet<{ data: User[] }>('/v1/users').then((r) => r.data),
  });
  return (
    <div className="page">
      <div className="page-narrow">
        <h1>Users</h1>
        <p className="muted">
          New users pick their own password at first login. Viewers read; members also send traces
          and annotate; admins also manage users, keys, prices and retention.
        </p>
        <NewUserForm />
        {users.error && <div className="error-text">{users.error.message}</div>}
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Username</th>
                <th>Email</th>
                <th>Role</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {users.data?.map((user) => (
                <UserRow key={user.id} user={user} self={user.id === me?.user?.id} />
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
