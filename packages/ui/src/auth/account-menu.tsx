/** The top bar's account links: who is signed in, admin pages, log out. Nothing when auth is off. */
import { Link } from 'react-router-dom';
import { useAuth } from './auth-context';

export function AccountMenu() {
  const { me, logout } = useAuth();
  if (me === null) return null;
  return (
    <span className="account-menu" data-testid="account-menu">
      <Link className="muted" to="/settings/api-keys">
        API keys
      </Link>
      {me.role === 'admin' && (
        <Link className="muted" to="/settings/users">
          Users
        </Link>
      )}
      <span className="muted" title={`role: ${me.role}`}>
        {me.user?.username ?? me.kind} · {me.role}
      </span>
      <button type="button" className="button ghost" onClick={() => void logout()}>
        Log out
      </button>
    </span>
  );
}
