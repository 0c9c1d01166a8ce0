// The objects of a стройка — and the drop zone that imports an estimate into one of them.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { useSession } from "../../app/session";
import { ImportDropZone } from "../../components/ImportDropZone";
import { NamedList, type NamedListLabels } from "../../components/NamedList";
import { notify } from "../../components/Toast";
import { ifMatch, staleText, useObjects } from "../queries";

type SiteObject = Schemas["SiteObject"];

const LABELS: NamedListLabels = {
  searchLabel: "Поиск объектов",
  empty: "В проекте пока нет объектов",
  createButton: "Создать объект",
  createTitle: "Новый объект",
  nameLabel: "Название объекта",
  renameTitle: "Переименовать объект",
  deleteTitle: "Удалить объект?",
  deleteQuestion: (name) => `Объект «${name}» будет удалён. Удалить можно только объект без смет.`,
  tableLabel: "Объекты проекта",
};

export function ObjectsTab({ projectId }: { projectId: number }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const objects = useObjects(projectId);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["objects", projectId] });
    void queryClient.invalidateQueries({ queryKey: ["summary", projectId] });
  };

  const create = useMutation({
    mutationFn: async (name: string) =>
      unwrap(await api.POST("/api/v1/projects/{id}/objects", { params: { path: { id: projectId } }, body: { name } })),
    onSuccess: (object) => {
      refresh();
      notify({ text: `Объект «${object.name}» создан`, link: { to: `/objects/${object.id}`, label: "Открыть" } });
    },
  });
  const rename = useMutation({
    mutationFn: async ({ object, name }: { object: SiteObject; name: string }) =>
      unwrap(
        await api.PATCH("/api/v1/objects/{id}", {
          params: { path: { id: object.id }, header: ifMatch(object.version) },
          body: { name },
        }),
      ),
    onSuccess: (object) => queryClient.setQueryData(["object", object.id], object),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async (object: SiteObject) =>
      unwrap(await api.DELETE("/api/v1/objects/{id}", { params: { path: { id: object.id } } })),
    onSuccess: (_, object) => {
      queryClient.removeQueries({ queryKey: ["object", object.id] });
      notify(`Объект «${object.name}» удалён`);
    },
    onSettled: refresh,
  });

  return (
    <>
      <NamedList<SiteObject>
        items={objects.data}
        loading={objects.isPending}
        error={objects.error}
        onRetry={() => void objects.refetch()}
        testId="objects-table"
        labels={LABELS}
        linkTo={(o) => `/objects/${o.id}`}
        canCreate={can("create_estimate")}
        canRename={can("edit_draft")}
        canDelete={can("delete_draft")}
        onCreate={(name) => create.mutateAsync(name)}
        onRename={(object, name) => rename.mutateAsync({ object, name }).catch((e) => staleText(e, "Объект уже изменён"))}
        onDelete={(object) => remove.mutateAsync(object).catch((e) => staleText(e, "Объект уже изменён"))}
      />
      {can("create_estimate") && objects.data && <ImportDropZone objects={objects.data} projectId={projectId} />}
    </>
  );
}
