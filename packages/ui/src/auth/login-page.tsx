/** The login form, shown instead of the app when auth is on and nobody is signed in. */
import { useState, type FormEvent } from 'react';
import { apiSend } from '../api/heron-api';

export function LoginPage(props: { onLoggedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await apiSend('POST', '/v1/auth/login', { username, password });
      props.onLoggedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-label="Log in">
        <h1>
          <span className="brand-mark" aria-hidden>
            ◆
          </span>{' '}
          Heron
        </h1>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <div className="error-text" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="button primary" disabled={busy}>
          Log in
        </button>
      </form>
    </div>
  );
}
