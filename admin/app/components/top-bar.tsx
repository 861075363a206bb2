import { Form, Link, NavLink } from '@remix-run/react';
import type { SignedInUser } from '../gateway/vault-types.ts';

/** The shell's header: the pages, the gateway read from, and who is signed in with a way out. */
export function TopBar({ gatewayUrl, user }: { gatewayUrl: string | null; user: SignedInUser | null }) {
  return (
    <header className="top-bar">
      <Link to={user ? '/schema' : '/login'} className="brand">
        Empire Graph
      </Link>
      {user ? (
        <nav aria-label="Main">
          <NavLink to="/schema">Schema</NavLink>
          <NavLink to="/vault">Vault</NavLink>
          <NavLink to="/audit">Audit</NavLink>
          <NavLink to="/admin/db-health">DB health</NavLink>
        </nav>
      ) : null}
      <div className="top-bar-end">
        {gatewayUrl ? (
          <span className="gateway-address" title="Gateway this admin reads from">
            {gatewayUrl}
          </span>
        ) : null}
        {user ? (
          <>
            <span className="signed-in" data-testid="signed-in-user" data-role={user.role}>
              {user.email} <span className="badge role-tag">{user.role}</span>
            </span>
            <Form method="post" action="/logout">
              <button type="submit" className="button nav-button">
                Log out
              </button>
            </Form>
          </>
        ) : null}
      </div>
    </header>
  );
}
