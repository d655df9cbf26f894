/**
 * Choosing a new password: forced at first login (the initial admin password, or one an admin
 * set), and reachable from the account menu.
 */
import { useState, type FormEvent } from 'react';
import { apiSend } from '../api/heron-api';

export function ChangePasswordPage(props: { forced: boolean; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next !== repeat) {
      setError('The new passwords do not match');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await apiSend('PUT', '/v1/auth/password', { current_password: current, new_password: next });
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-label="Change password">
        <h1>Choose a new password</h1>
        {props.forced && (
          <p className="muted">This password was set for you; pick your own to continue.</p>
        )}
        <label>
          Current password
          <input
            name="current-password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label>
          New password (at least 8 characters)
          <input
            name="new-password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </label>
        <label>
          New password again
          <input
            name="repeat-password"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            required
          />
        </label>
        {error && (
          <div className="error-text" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="button primary" disabled={busy}>
          Save password
        </button>
      </form>
    </div>
  );
}
