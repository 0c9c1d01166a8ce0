import { describe, expect, it } from "vitest";
import { ExportCancelled, ExportFailed, runExport, type ExportJob } from "../../src/lib/exportJob";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const job = (over: Partial<ExportJob>): ExportJob => ({
  id: 7,
  kind: "export",
  status: "running",
  progress: 0,
  format: "pdf",
  file_name: "ЛСР 1.pdf",
  content_type: "application/pdf",
  created_at: "2026-01-01T00:00:00.000Z",
  finished_at: null,
  ...over,
});

// A service whose job goes through `states` one poll at a time.
function service(states: ExportJob[], opts: { sync?: boolean } = {}) {
  const log: string[] = [];
  let polls = 0;
  const fetch = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    log.push(`${request.method} ${path}${request.headers.get("Prefer") ? " prefer" : ""}`);
    if (path.endsWith("/export")) {
      if (opts.sync) return new Response("%PDF-", { status: 200 });
      return json(202, job({ status: "queued" }), { Location: "/api/v1/jobs/7" });
    }
    if (path === "/api/v1/jobs/7" && request.method === "DELETE") return new Response(null, { status: 204 });
    if (path === "/api/v1/jobs/7") return json(200, states[Math.min(polls++, states.length - 1)]);
    if (path === "/api/v1/jobs/7/file") return new Response("%PDF-job", { status: 200 });
    return json(404, { title: "Not Found", status: 404, detail: path });
  };
  return { fetch, log };
}

describe("runExport", () => {
  it("polls the job, reports its progress and fetches the file when done", async () => {
    const s = service([job({ progress: 42 }), job({ status: "done", progress: 100, file_url: "/api/v1/jobs/7/file" })]);
    const seen: number[] = [];
    const file = await runExport({ fetch: s.fetch, path: "/api/v1/estimates/1/export?format=pdf", preferAsync: true, pollMs: 1, onJob: (j) => seen.push(j.progress) });
    expect(await file.text()).toBe("%PDF-job");
    expect(seen).toEqual([0, 42, 100]);
    expect(s.log[0]).toBe("GET /api/v1/estimates/1/export prefer");
    expect(s.log.at(-1)).toBe("GET /api/v1/jobs/7/file");
  });

  it("takes a file answered at once", async () => {
    const s = service([], { sync: true });
    const file = await runExport({ fetch: s.fetch, path: "/api/v1/estimates/1/export?format=gge", preferAsync: false });
    expect(await file.text()).toBe("%PDF-");
    expect(s.log).toEqual(["GET /api/v1/estimates/1/export"]);
  });

  it("cancels the job when the signal aborts", async () => {
    const s = service([job({ progress: 10 })]);
    const controller = new AbortController();
    const run = runExport({ fetch: s.fetch, path: "/api/v1/estimates/1/export?format=pdf", preferAsync: true, pollMs: 5, signal: controller.signal, onJob: (j) => j.progress === 10 && controller.abort() });
    await expect(run).rejects.toBeInstanceOf(ExportCancelled);
    expect(s.log).toContain("DELETE /api/v1/jobs/7");
    expect(s.log).not.toContain("GET /api/v1/jobs/7/file");
  });

  it("says why a job failed", async () => {
    const s = service([job({ status: "failed", error: { type: "about:blank", title: "Conflict", status: 409, detail: "estimate: the figures are not computed" } })]);
    const run = runExport({ fetch: s.fetch, path: "/api/v1/estimates/1/export?format=pdf", preferAsync: true, pollMs: 1 });
    await expect(run).rejects.toBeInstanceOf(ExportFailed);
    await expect(run).rejects.toMatchObject({ status: 409, message: "estimate: the figures are not computed" });
  });
});
