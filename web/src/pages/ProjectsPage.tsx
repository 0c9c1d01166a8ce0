// Стройки of the organization: the list to open, create, rename and delete them.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../app/session";
import { NamedList, type NamedListLabels } from "../components/NamedList";
import { notify } from "../components/Toast";
import { ifMatch, staleText, useProjects } from "./queries";

type Project = Schemas["Project"];

const LABELS: NamedListLabels = {
  searchLabel: "Поиск проектов",
  empty: "Проектов пока нет",
  createButton: "Создать проект",
  createTitle: "Новый проект",
  nameLabel: "Название проекта (стройки)",
  renameTitle: "Переименовать проект",
  deleteTitle: "Удалить проект?",
  deleteQuestion: (name) => `Проект «${name}» будет удалён. Удалить можно только проект без объектов.`,
  tableLabel: "Проекты",
};

export function ProjectsPage() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const projects = useProjects();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["projects"] });

  const create = useMutation({
    mutationFn: async (name: string) => unwrap(await api.POST("/api/v1/projects", { body: { name } })),
    onSuccess: (project) => {
      void refresh();
      notify({ text: `Проект «${project.name}» создан`, link: { to: `/projects/${project.id}`, label: "Открыть" } });
    },
  });
  const rename = useMutation({
    mutationFn: async ({ project, name }: { project: Project; name: string }) =>
      unwrap(
        await api.PATCH("/api/v1/projects/{id}", {
          params: { path: { id: project.id }, header: ifMatch(project.version) },
          body: { name },
        }),
      ),
    onSuccess: (project) => queryClient.setQueryData(["project", project.id], project),
    onSettled: () => refresh(),
  });
  const remove = useMutation({
    mutationFn: async (project: Project) =>
      unwrap(await api.DELETE("/api/v1/projects/{id}", { params: { path: { id: project.id } } })),
    onSuccess: (_, project) => {
      queryClient.removeQueries({ queryKey: ["project", project.id] });
      notify(`Проект «${project.name}» удалён`);
    },
    onSettled: () => refresh(),
  });

  return (
    <section className="page" aria-labelledby="projects-title">
      <h1 id="projects-title" tabIndex={-1}>
        Проекты
      </h1>
      <NamedList<Project>
        items={projects.data}
        loading={projects.isPending}
        error={projects.error}
        onRetry={() => void projects.refetch()}
        testId="projects-table"
        labels={LABELS}
        linkTo={(p) => `/projects/${p.id}`}
        canCreate={can("create_estimate")}
        canRename={can("edit_draft")}
        canDelete={can("delete_draft")}
        onCreate={(name) => create.mutateAsync(name)}
        onRename={(project, name) => rename.mutateAsync({ project, name }).catch((e) => staleText(e, "Проект уже изменён"))}
        onDelete={(project) => remove.mutateAsync(project).catch((e) => staleText(e, "Проект уже изменён"))}
      />
    </section>
  );
}
