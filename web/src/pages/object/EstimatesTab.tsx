// The local estimates (ЛСР) of an object: open, create, copy, delete a draft — and the drop
// zone that imports one made elsewhere into this object.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, unwrap, type Schemas } from "../../api/client";
import { useSession } from "../../app/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorText } from "../../components/errors";
import { formatDate, formatQuarter } from "../../components/format";
import { FormDialog } from "../../components/FormDialog";
import { ImportDropZone } from "../../components/ImportDropZone";
import { COMMON, METHOD_NAMES, STATUS_NAMES } from "../../components/messages";
import { LoadError, Loading } from "../../components/QueryState";
import { SearchBox } from "../../components/SearchBox";
import { useShortcuts } from "../../components/shortcuts";
import { Highlight, matchesSearch, onRowArrowKeys, SortHeader, useSort } from "../../components/sortable";
import { notify, notifyError } from "../../components/Toast";
import { ifMatch, staleText, useEstimates } from "../queries";

type EstimateSummary = Schemas["EstimateSummary"];
type Key = "number" | "name" | "status" | "method" | "price" | "version" | "updated";

const STATUS_ORDER: Record<Schemas["EstimateStatus"], number> = { draft: 0, review: 1, approved: 2 };

/** «28 · зона 1 · II кв. 2025» — where and when the estimate is priced. */
function priceLevel(e: EstimateSummary): string {
  return [e.region && `регион ${e.region}`, e.zone && `зона ${e.zone}`, formatQuarter(e.quarter)].filter(Boolean).join(" · ");
}

function CreateEstimateDialog({ onCreate, onClose }: { onCreate: (name: string, number: string) => Promise<unknown>; onClose: () => void }) {
  const [name, setName] = useState("");
  const [number, setNumber] = useState("");
  return (
    <FormDialog
      title="Новая смета"
      submitLabel={COMMON.create}
      onSubmit={() => onCreate(name.trim(), number.trim())}
      onClose={onClose}
      valid={name.trim() !== ""}
    >
      <label>
        Номер сметы
        <input value={number} onChange={(e) => setNumber(e.target.value)} placeholder="02-01-01" maxLength={100} />
      </label>
      <label>
        Наименование
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={500} data-autofocus />
      </label>
    </FormDialog>
  );
}

export function EstimatesTab({ objectId, projectId }: { objectId: number; projectId?: number }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const estimates = useEstimates(objectId);
  const [query, setQuery] = useState("");
  const [dialog, setDialog] = useState<{ kind: "create" } | { kind: "delete"; estimate: EstimateSummary } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const canCreate = can("create_estimate");
  const canDelete = can("delete_draft");

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["estimates", objectId] });
    void queryClient.invalidateQueries({ queryKey: ["object-estimate", objectId] });
    if (projectId !== undefined) void queryClient.invalidateQueries({ queryKey: ["summary", projectId] });
  };

  const create = useMutation({
    mutationFn: async ({ name, number }: { name: string; number: string }) =>
      unwrap(
        await api.POST("/api/v1/objects/{id}/estimates", {
          params: { path: { id: objectId } },
          body: { name, ...(number ? { number } : {}) },
        }),
      ),
    onSuccess: (estimate) => {
      refresh();
      navigate(`/estimates/${estimate.id}`);
    },
  });
  const duplicate = useMutation({
    mutationFn: async (estimate: EstimateSummary) =>
      unwrap(
        await api.POST("/api/v1/estimates/{id}/duplicate", {
          params: { path: { id: estimate.id } },
          body: { name: `${estimate.name} (копия)` },
        }),
      ),
    onSuccess: (copy) => {
      refresh();
      notify({ text: `Создана копия: «${copy.name}» (черновик)`, link: { to: `/estimates/${copy.id}`, label: "Открыть" } });
    },
    onError: (error, estimate) => notifyError(`Смета «${estimate.name}» не скопирована: ${errorText(error)}`),
  });
  const remove = useMutation({
    mutationFn: async (estimate: EstimateSummary) =>
      unwrap(
        await api.DELETE("/api/v1/estimates/{id}", {
          params: { path: { id: estimate.id }, header: ifMatch(estimate.version) },
        }),
      ),
    onSuccess: (_, estimate) => {
      queryClient.removeQueries({ queryKey: ["estimate", estimate.id] });
      notify(`Смета «${estimate.name}» удалена`);
    },
    onSettled: refresh,
  });

  const filtered = estimates.data?.filter((e) => matchesSearch(query, e.number, e.name));
  const { sorted, sort, toggle } = useSort<EstimateSummary, Key>(
    filtered,
    {
      number: (e) => e.number,
      name: (e) => e.name,
      status: (e) => STATUS_ORDER[e.status],
      method: (e) => METHOD_NAMES[e.method],
      price: (e) => `${e.quarter} ${e.region.padStart(3, "0")} ${e.zone}`,
      version: (e) => e.version,
      updated: (e) => e.updated_at,
    },
    { key: "number", direction: "ascending" },
  );
  useShortcuts({
    search: () => searchRef.current?.focus(),
    create: canCreate ? () => setDialog({ kind: "create" }) : undefined,
  });
  const actions = canCreate || canDelete;

  return (
    <>
      <div className="toolbar">
        <SearchBox ref={searchRef} value={query} onChange={setQuery} label="Поиск смет по номеру или наименованию" placeholder="Поиск смет" />
        <span className="spacer" />
        {canCreate && (
          <button type="button" className="primary" onClick={() => setDialog({ kind: "create" })} aria-keyshortcuts="Alt+N" title="Alt+N">
            Создать смету
          </button>
        )}
      </div>
      {estimates.isPending && <Loading />}
      {estimates.isError && <LoadError error={estimates.error} onRetry={() => void estimates.refetch()} />}
      {estimates.data && (
        <table className="list" data-testid="estimates-table" aria-label="Локальные сметы объекта">
          <thead>
            <tr>
              <SortHeader label="Номер" sortKey="number" sort={sort} onSort={toggle} />
              <SortHeader label="Наименование" sortKey="name" sort={sort} onSort={toggle} />
              <SortHeader label="Статус" sortKey="status" sort={sort} onSort={toggle} />
              <SortHeader label="Метод" sortKey="method" sort={sort} onSort={toggle} />
              <SortHeader label="Регион, квартал" sortKey="price" sort={sort} onSort={toggle} />
              <SortHeader label="Версия" sortKey="version" sort={sort} onSort={toggle} className="num" />
              <SortHeader label="Изменена" sortKey="updated" sort={sort} onSort={toggle} className="col-date" />
              {actions && (
                <th scope="col" className="col-actions">
                  <span className="visually-hidden">Действия</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody onKeyDown={onRowArrowKeys}>
            {sorted.map((e) => (
              <tr key={e.id} data-row>
                <td className="nowrap">
                  <Highlight text={e.number} query={query} />
                </td>
                <td>
                  <Link to={`/estimates/${e.id}`} className="row-link">
                    <Highlight text={e.name || "(без наименования)"} query={query} />
                  </Link>
                </td>
                <td>
                  <span className={`badge ${e.status}`}>{STATUS_NAMES[e.status]}</span>
                </td>
                <td>{METHOD_NAMES[e.method]}</td>
                <td>{priceLevel(e) || <span className="muted">не задан</span>}</td>
                <td className="num">{e.version}</td>
                <td className="col-date">{formatDate(e.updated_at)}</td>
                {actions && (
                  <td className="col-actions">
                    {canCreate && (
                      <button
                        type="button"
                        onClick={() => duplicate.mutate(e)}
                        disabled={duplicate.isPending && duplicate.variables?.id === e.id}
                        aria-label={`Копировать «${e.name}»`}
                      >
                        Копировать
                      </button>
                    )}
                    {canDelete && e.status === "draft" && (
                      <button type="button" className="danger" onClick={() => setDialog({ kind: "delete", estimate: e })} aria-label={`${COMMON.delete} «${e.name}»`}>
                        {COMMON.delete}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
            {sorted.length === 0 && (
              <tr>
                <td colSpan={actions ? 8 : 7} className="muted empty">
                  {estimates.data.length === 0 ? "В объекте пока нет смет" : COMMON.nothingFound}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {canCreate && <ImportDropZone objectId={objectId} projectId={projectId} />}

      {dialog?.kind === "create" && (
        <CreateEstimateDialog onCreate={(name, number) => create.mutateAsync({ name, number })} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title="Удалить смету?"
          message={
            <p>
              Черновик «{dialog.estimate.name}»{dialog.estimate.number ? ` (№ ${dialog.estimate.number})` : ""} будет удалён вместе с историей
              версий.
            </p>
          }
          confirmLabel={COMMON.delete}
          onConfirm={() => remove.mutateAsync(dialog.estimate).catch((e) => staleText(e, "Смета уже изменена"))}
          onClose={() => setDialog(null)}
        />
      )}
    </>
  );
}
