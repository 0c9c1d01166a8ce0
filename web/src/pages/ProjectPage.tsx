// A стройка: its objects (with the import of estimates into one of them) and its summary
// estimate (ССР).
import { useParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { Crumbs } from "../components/Crumbs";
import { LoadError } from "../components/QueryState";
import { Tabs, useTabParam, type TabSpec } from "../components/Tabs";
import { NotFoundPage } from "./NotFoundPage";
import { ObjectsTab } from "./project/ObjectsTab";
import { SummaryEstimateTab } from "./project/SummaryEstimateTab";
import { routeId, useProject } from "./queries";

const TABS: readonly TabSpec<"objects" | "summary">[] = [
  { key: "objects", label: "Объекты" },
  { key: "summary", label: "Сводный сметный расчёт (ССР)" },
];

export function ProjectPage() {
  const { projectId } = useParams();
  const id = routeId(projectId);
  const project = useProject(id);
  const [tab, setTab] = useTabParam(TABS);

  if (Number.isNaN(id) || (project.error instanceof ApiError && project.error.status === 404)) return <NotFoundPage />;
  const name = project.data?.name ?? "…";

  return (
    <section className="page" aria-labelledby="project-title">
      <Crumbs items={[{ label: "Проекты", to: "/projects" }, { label: name }]} />
      <h1 id="project-title" tabIndex={-1}>
        {name}
      </h1>
      {project.error && <LoadError error={project.error} onRetry={() => void project.refetch()} />}
      <Tabs tabs={TABS} current={tab} onSelect={setTab} label="Разделы проекта">
        {tab === "objects" ? <ObjectsTab projectId={id} /> : <SummaryEstimateTab projectId={id} projectName={project.data?.name} />}
      </Tabs>
    </section>
  );
}
