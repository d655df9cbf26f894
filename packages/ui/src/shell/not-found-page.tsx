/** A client route that matches no page. */
import { Link, useLocation } from 'react-router-dom';

export function NotFoundPage() {
  const location = useLocation();
  return (
    <div className="empty">
      <h2>Nothing here</h2>
      <p>
        No page at <code>{location.pathname}</code>. <Link to="/projects">Go to the projects</Link>.
      </p>
    </div>
  );
}
