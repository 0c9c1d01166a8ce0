// The normative base's releases and the data collector, as the admin pages read and change them:
// each resource under one query key, each change refreshing what it changed.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type CollectorJob = Schemas["CollectorJob"];
export type ReleaseDiff = Schemas["ReleaseDiff"];
export type CollectRequest = Schemas["CollectRequest"];

/** A job worth polling: running, or queued in the last two minutes (a deployment without a
 * collector role leaves it queued; the page does not poll for ever). */
function live(job: CollectorJob): boolean {
  if (job.status === "running") return true;
  return job.status === "queued" && Date.now() - new Date(job.created_at).getTime() < 120_000;
}

/** The collector's jobs, newest first; polled while one is live. */
export function useCollectorJobs() {
  return useQuery({
    queryKey: ["collector-jobs"],
    queryFn: async () => unwrap(await api.GET("/api/v1/collector/jobs", { params: { query: { limit: 50 } } })),
    refetchInterval: (query) => (query.state.data?.items.some(live) ? 1000 : false),
  });
}

/** One job with its log and files; polled until it ends. */
export function useCollectorJob(id: number) {
  return useQuery({
    queryKey: ["collector-job", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/collector/jobs/{id}", { params: { path: { id } } })),
    enabled: Number.isFinite(id),
    refetchInterval: (query) => (query.state.data && live(query.state.data) ? 1000 : false),
  });
}

/** What release `id` changes against `against` (the active one when not given). */
export function useReleaseDiff(id: number, against?: number) {
  return useQuery({
    queryKey: ["release-diff", id, against ?? 0],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/releases/{id}/diff", {
          params: { path: { id }, query: against ? { against } : {} },
        }),
      ),
    enabled: Number.isFinite(id),
  });
}

export function useCollectNow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CollectRequest) => unwrap(await api.POST("/api/v1/collector/jobs", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["collector-jobs"] }),
  });
}

export function useActivateRelease() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.POST("/api/v1/releases/{id}/activate", { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith("release") }),
  });
}

export function useRollbackRelease() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/releases/rollback")),
    onSuccess: () => void client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith("release") }),
  });
}

export const JOB_STATUS: Record<string, { text: string; badge: string }> = {
  queued: { text: "в очереди", badge: "" },
  running: { text: "идёт", badge: "review" },
  succeeded: { text: "готово", badge: "approved" },
  nothing_new: { text: "нового нет", badge: "" },
  failed: { text: "ошибка", badge: "danger" },
  skipped: { text: "пропущено", badge: "" },
};

export const WHAT: Record<string, string> = { all: "база и цены", base: "база ФСНБ", prices: "текущие цены" };
export const ORIGIN: Record<string, string> = { schedule: "по расписанию", manual: "вручную", cli: "командой" };
export const RELEASE_STATE: Record<string, { text: string; badge: string }> = {
  active: { text: "активен", badge: "approved" },
  draft: { text: "черновик", badge: "review" },
  retired: { text: "выведен", badge: "" },
};
export const FAMILY: Record<string, string> = { gesn: "ГЭСН", gesnm: "ГЭСНм", gesnr: "ГЭСНр", gesnp: "ГЭСНп", gesnmr: "ГЭСНмр" };
