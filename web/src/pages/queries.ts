// The service's resources the pages read, each under one query key (the cache is the only copy),
// and the If-Match a change of a versioned thing names.
import { useQuery } from "@tanstack/react-query";
import { api, ApiError, unwrap } from "../api/client";

export function ifMatch(version: number): { "If-Match": string } {
  return { "If-Match": `"${version}"` };
}

/** A 412 on a rename or delete: someone changed the thing since the list was read («Проект уже изменён»). */
export function staleText(error: unknown, changed: string): never {
  if (error instanceof ApiError && error.status === 412) {
    throw new ApiError(412, `${changed} другим пользователем — список обновлён, повторите действие`, error.title);
  }
  throw error;
}

export function useProjects() {
  return useQuery({
    queryKey: ["projects"],
    queryFn: async () => unwrap(await api.GET("/api/v1/projects")),
  });
}

export function useProject(id: number) {
  return useQuery({
    queryKey: ["project", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/projects/{id}", { params: { path: { id } } })),
    enabled: Number.isFinite(id),
  });
}

export function useObjects(projectId: number | undefined) {
  return useQuery({
    queryKey: ["objects", projectId],
    queryFn: async () => unwrap(await api.GET("/api/v1/projects/{id}/objects", { params: { path: { id: projectId! } } })),
    enabled: projectId !== undefined && Number.isFinite(projectId),
  });
}

export function useObject(id: number) {
  return useQuery({
    queryKey: ["object", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/objects/{id}", { params: { path: { id } } })),
    enabled: Number.isFinite(id),
  });
}

export function useEstimates(objectId: number) {
  return useQuery({
    queryKey: ["estimates", objectId],
    queryFn: async () => unwrap(await api.GET("/api/v1/objects/{id}/estimates", { params: { path: { id: objectId } } })),
    enabled: Number.isFinite(objectId),
  });
}

/** The releases of the normative base (the active one prices the estimates). */
export function useReleases() {
  return useQuery({
    queryKey: ["releases"],
    queryFn: async () => unwrap(await api.GET("/api/v1/releases")).items,
  });
}

/** The :id of a route as a number (NaN when it is not one: the page says «не найдено»). */
export function routeId(value: string | undefined): number {
  return value && /^[1-9]\d*$/.test(value) ? Number(value) : NaN;
}
