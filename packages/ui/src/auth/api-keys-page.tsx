/**
 * Settings › API keys (`/settings/api-keys`): your keys (admins: every key, and system keys
 * with a role of their own). A new key is shown once, right after it is created.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiGet, apiSend } from '../api/heron-api';
import { useAuth } from './auth-context';
import type { ApiKey, Role } from './auth-types';

function NewKeyForm(props: { admin: boolean; onCreated: (key: string) => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'user' | 'system'>('user');
  const [role, setRole] = useState<Role>('member');
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      apiSend<{ data: { key: string } }>('POST', '/v1/api_keys', {
        name,
        kind,
        ...(kind === 'system' ? { role } : {}),
        expires_at: expires === '' ? null : new Date(`${expires}T23:59:59`).toISOString(),
      }),
    onSuccess: (answer) => {
      setName('');
      props.onCreated(answer.data.key);
      void client.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="auth-form" onSubmit={submit} aria-label="New API key">
      <label>
        Name
        <input name="key-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      {props.admin && (
        <label>
          Kind
          <select
            name="key-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as 'user' | 'system')}
          >
            <option value="user">mine</option>
            <option value="system">system</option>
          </select>
        </label>
      )}
      {kind === 'system' && (
        <label>
          Role
          <select name="key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option>viewer</option>
            <option>member</option>
            <option>admin</option>
          </select>
        </label>
      )}
      <label>
        Expires (optional)
        <input
          name="key-expires"
          type="date"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
        />
      </label>
      <button type="submit" className="button primary" disabled={create.isPending}>
        Create key
      </button>
      {create.error && <div className="error-text">{create.error.message}</div>}
    </form>
  );
}

export function ApiKeysPage() {
  const { me } = useAuth();
  const client = useQueryClient();
  const [created, setCreated] = useState<string | null>(null);
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: () => apiGet<{ data: ApiKey[] }>('/v1/api_keys').then((r) => r.data),
  });
  const revoke = useMutation({
    mutationFn: (id: number) => apiSend('DELETE', `/v1/api_keys/${id}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  return (
    <div className="page">
      <div className="page-narrow">
        <h1>API keys</h1>
        <p className="muted">
          Send a key as <code>Authorization: Bearer &lt;key&gt;</code> (REST, OTLP/HTTP headers,
          gRPC metadata). Your keys act with your role.
        </p>
        <NewKeyForm admin={me?.role === 'admin'} onCreated={setCreated} />
        {created && (
          <div className="secret-once" data-testid="new-api-key">
            Copy this key now — it is not shown again:
            <div className="mono">{created}</div>
          </div>
        )}
        {(keys.error ?? revoke.error) && (
          <div className="error-text">{(keys.error ?? revoke.error)!.message}</div>
        )}
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Kind</th>
                <th>Expires</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data?.map((key) => (
                <tr key={key.id} data-testid="api-key-row" data-name={key.name}>
                  <td>{key.name}</td>
                  <td className="mono">{key.prefix}…</td>
                  <td>{key.kind === 'system' ? `system (${key.role})` : 'user'}</td>
                  <td>{key.expires_at?.slice(0, 10) ?? <span className="muted">never</span>}</td>
                  <td>{key.revoked_at ? 'revoked' : 'active'}</td>
                  <td>
                    {!key.revoked_at && (
                      <button
                        type="button"
                        className="button danger"
                        onClick={() => revoke.mutate(key.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
