// An export through the service's jobs (issue 13): GET …/export with `Prefer: respond-async`
// answers 202 with a job, which is polled until its file is ready and then downloaded; a quick
// export answers the file at once (200) all the same. Cancelling (the signal) sends DELETE of
// the job. Without React: the component shows what `onJob` reports.
import type { components } from "../api/schema";

export type ExportJob = components["schemas"]["ExportJob"];
type Problem = components["schemas"]["Problem"];

/** The export ended because the user cancelled it. */
export class ExportCancelled extends Error {
  constructor() {
    super("cancelled");
  }
}

/** The export failed: the problem the service gave (its status and text). */
export class ExportFailed extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | undefined,
  ) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
  }
}

export interface ExportOptions {
  /** The fetch that signs the call in (authFetch). */
  fetch: (request: Request) => Promise<Response>;
  /** The export's URL with its query (…/export?format=pdf). */
  path: string;
  /** Ask for a job whatever the size (PDF and XLSX: progress and a cancel button). */
  preferAsync: boolean;
  /** Each state of the job as it is polled. */
  onJob?: (job: ExportJob) => void;
  signal?: AbortSignal;
  /** Pause between polls, ms. */
  pollMs?: number;
}

const ACTIVE = new Set<ExportJob["status"]>(["queued", "running"]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

async function problemOf(response: Response): Promise<ExportFailed> {
  let body: Partial<Problem> | undefined;
  try {
    body = (await response.json()) as Partial<Problem>;
  } catch {
    body = undefined;
  }
  return new ExportFailed(response.status, body);
}

/**
 * The file's answer (200 with the bytes and Content-Disposition), after the job when there is
 * one. Throws ExportCancelled when the signal aborted it, ExportFailed with the problem otherwise.
 */
export async function runExport(options: ExportOptions): Promise<Response> {
  const { fetch, path, preferAsync, onJob, signal, pollMs = 500 } = options;
  const url = (p: string) => new URL(p, globalThis.location?.origin ?? "http://localhost");
  const headers: Record<string, string> = preferAsync ? { Prefer: "respond-async" } : {};
  const first = await fetch(new Request(url(path), { headers }));
  if (first.status !== 202) {
    if (!first.ok) throw await problemOf(first);
    return first;
  }
  let job = (await first.json()) as ExportJob;
  const jobPath = first.headers.get("Location") ?? `/api/v1/jobs/${job.id}`;
  onJob?.(job);
  while (ACTIVE.has(job.status)) {
    await sleep(pollMs, signal);
    if (signal?.aborted) {
      // The job ends as cancelled on the service; a job that finished meanwhile answers 409,
      // which changes nothing for the user who no longer wants the file.
      await fetch(new Request(url(jobPath), { method: "DELETE" })).catch(() => undefined);
      throw new ExportCancelled();
    }
    const polled = await fetch(new Request(url(jobPath)));
    if (!polled.ok) throw await problemOf(polled);
    job = (await polled.json()) as ExportJob;
    onJob?.(job);
  }
  if (job.status === "cancelled") throw new ExportCancelled();
  if (job.status === "failed") throw new ExportFailed(job.error?.status ?? 500, job.error);
  const file = await fetch(new Request(url(job.file_url ?? `${jobPath}/file`)));
  if (!file.ok) throw await problemOf(file);
  return file;
}
