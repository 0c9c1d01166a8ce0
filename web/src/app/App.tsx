import { lazy, Suspense, useMemo } from "react";
import { Navigate, Route, Routes, useLocation, useParams } from "react-router-dom";
import { prefetchEstimate } from "./prefetch";
import { Layout } from "./Layout";
import { useSession } from "./session";
import { SignInPage } from "../pages/SignInPage";
import { ProjectsPage } from "../pages/ProjectsPage";
import { ProjectPage } from "../pages/ProjectPage";
import { ObjectPage } from "../pages/ObjectPage";
import { NotFoundPage } from "../pages/NotFoundPage";

// The editor and the admin pages load when first opened: the first page stays small.
const EstimatePage = lazy(() => import("../editor/EstimatePage"));
const AdminPage = lazy(() => import("../pages/AdminPage"));

function RequireSession({ children }: { children: JSX.Element }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <p className="loading">Загрузка…</p>;
  if (!me) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

function EstimateRoute() {
  const id = Number(useParams().estimateId);
  // Once per estimate opened, not at every render (a tab change re-renders the route).
  useMemo(() => prefetchEstimate(id), [id]);
  return (
    <Suspense fallback={<p className="loading">Загрузка сметы…</p>}>
      <EstimatePage />
    </Suspense>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/projects" replace />} />
        <Route path="/projects" element={<ProjectsPage />} />
        <Route path="/projects/:projectId" element={<ProjectPage />} />
        <Route path="/objects/:objectId" element={<ObjectPage />} />
        <Route path="/estimates/:estimateId/*" element={<EstimateRoute />} />
        <Route
          path="/admin/*"
          element={
            <Suspense fallback={<p className="loading">Загрузка…</p>}>
              <AdminPage />
            </Suspense>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
