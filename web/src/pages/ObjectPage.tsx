// An object of a стройка: its local estimates (ЛСР) and its object estimate (ОСР).
import { useParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { Crumbs } from "../components/Crumbs";
import { LoadError } from "../components/QueryState";
import { Tabs, useTabParam, type TabSpec } from "../components/Tabs";
import { NotFoundPage } from "./NotFoundPage";
import { BoqTab } from "./object/BoqTab";
import { EstimatesTab } from "./object/EstimatesTab";
import { ObjectEstimateTab } from "./object/ObjectEstimateTab";
import { routeId, useObject, useProject } from "./queries";

const TABS: readonly TabSpec<"estimates" | "object-estimate" | "boq">[] = [
  { key: "estimates", label: "Локальные сметы" },
  { key: "object-estimate", label: "Объектная смета (ОСР)" },
  { key: "boq", label: "ВОР → черновик" },
];

export function ObjectPage() {
  const { objectId } = useParams();
  const id = routeId(objectId);
  const object = useObject(id);
  const projectId = object.data?.project_id ?? NaN;
  const project = useProject(projectId);
  const [tab, setTab] = useTabParam(TABS);

  if (Number.isNaN(id) || (object.error instanceof ApiError && object.error.status === 404)) return <NotFoundPage />;
  const name = object.data?.name ?? "…";

  return (
    <section className="page" aria-labelledby="object-title">
      <Crumbs
        items={[
          { label: "Проекты", to: "/projects" },
          { label: project.data?.name ?? "…", to: object.data ? `/projects/${object.data.project_id}` : undefined },
          { label: name },
        ]}
      />
      <h1 id="object-title" tabIndex={-1}>
        {name}
      </h1>
      {object.error && <LoadError error={object.error} onRetry={() => void object.refetch()} />}
      <Tabs tabs={TABS} current={tab} onSelect={setTab} label="Разделы объекта">
        {tab === "estimates" ? (
          <EstimatesTab objectId={id} projectId={object.data?.project_id} />
        ) : tab === "boq" ? (
          <BoqTab objectId={id} objectName={object.data?.name} />
        ) : (
          <ObjectEstimateTab objectId={id} objectName={object.data?.name} />
        )}
      </Tabs>
    </section>
  );
}
