// Administration of the organization: members and their roles, the releases of the normative
// base, the audit log. Sub-pages are routes (/admin/members, /admin/releases, /admin/audit).
import { Navigate, NavLink, Route, Routes } from "react-router-dom";
import { useSession } from "../app/session";
import { AuditTab } from "./admin/AuditTab";
import { MembersTab } from "./admin/MembersTab";
import { ReleasesTab } from "./admin/ReleasesTab";
import { NotFoundPage } from "./NotFoundPage";

export default function AdminPage() {
  const { can } = useSession();
  return (
    <section className="page" aria-labelledby="admin-title">
      <h1 id="admin-title" tabIndex={-1}>
        Администрирование
      </h1>
      <nav className="tabs subnav" aria-label="Разделы администрирования">
        <NavLink to="/admin/members">Участники</NavLink>
        <NavLink to="/admin/releases">Релизы базы</NavLink>
        {can("read_audit") && <NavLink to="/admin/audit">Журнал действий</NavLink>}
      </nav>
      <Routes>
        <Route index element={<Navigate to="members" replace />} />
        <Route path="members" element={<MembersTab />} />
        <Route path="releases" element={<ReleasesTab />} />
        <Route path="audit" element={<AuditTab />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </section>
  );
}
