import { Link, NavLink, Outlet } from "react-router-dom";
import { ROLE_NAMES } from "./permissions";
import { useSession } from "./session";

export function Layout() {
  const { me, signOut, can } = useSession();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/projects" className="brand" aria-label="Estimate Service — к проектам">
          Estimate&nbsp;Service
        </Link>
        <nav aria-label="Разделы">
          <NavLink to="/projects">Проекты</NavLink>
          {can("manage_users") && <NavLink to="/admin/members">Администрирование</NavLink>}
        </nav>
        <div className="who">
          <span title={me?.user.email}>{me?.user.display_name || me?.user.email}</span>
          <span className="muted">
            {me?.organization.name} · {me ? ROLE_NAMES[me.role] : ""}
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Выйти
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
