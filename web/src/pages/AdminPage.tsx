// Administration of the organization: members and their roles, the releases of the normative
// base and the report of what a release changes, the data collector's jobs, the audit log.
// Sub-pages are routes (/admin/members, /admin/releases[/:id/diff], /admin/collector[/:id],
// /admin/audit).
import { Navigate, NavLink, Route, Routes } from "react-router-dom";
import { useSession } from "../app/session";
import { AuditTab } from "./admin/AuditTab";
import { CollectorJobPage, CollectorTab } from "./admin/CollectorTab";
import ReleaseDiffPage from "./admin/ReleaseDiffPage";
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
        <NavLink to="/admin/collector">Сбор данных</NavLink>
        {can("read_audit") && <NavLink to="/admin/audit">Журнал действий</NavLink>}
      </nav>
      <Routes>
        <Route index element={<Navigate to="members" replace />} />
        <Route path="members" element={<MembersTab />} />
        <Route path="releases" element={<ReleasesTab />} />
        <Route path="releases/:releaseId/diff" element={<ReleaseDiffPage />} />
        <Route path="collector" element={<CollectorTab />} />
        <Route path="collector/:jobId" element={<CollectorJobPage />} />
        <Route path="audit" element={<AuditTab />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </section>
  );
}
