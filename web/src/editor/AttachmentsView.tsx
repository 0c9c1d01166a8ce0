// Files of the estimate: the original it was imported from and the exported documents kept with
// it (to hand over, or to compare with later). Downloading, keeping a new export (a PDF or Excel
// through a job, with its progress bar and a cancel button) and deleting one's own files (an
// admin: anyone's). The service checks every call; this screen only hides what a role cannot do.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api, authFetch, saveFile, unwrap, type Schemas } from "../api/client";
import { useSession } from "../app/session";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { errorText } from "../components/errors";
import { ExportProgress } from "../components/ExportProgress";
import { formatBytes, formatDateTime } from "../components/format";
import { JOB_FORMATS, type ExportState } from "../components/useExport";
import { ExportCancelled, ExportFailed, type ExportJob } from "../lib/exportJob";

type Attachment = Schemas["Attachment"];

const FORMATS: { format: string; label: string }[] = [
  { format: "pdf", label: "PDF" },
  { format: "xlsx", label: "Excel" },
  { format: "gge", label: "ГГЭ XML" },
  { format: "gge-3.02", label: "ГГЭ XML 3.02" },
  { format: "arps", label: "АРПС" },
];

const KIND_NAMES: Record<Attachment["kind"], string> = {
  import: "исходный файл импорта",
  export: "сохранённая выгрузка",
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

async function failure(response: Response): Promise<ExportFailed> {
  let body: Partial<Schemas["Problem"]> | undefined;
  try {
    body = (await response.json()) as Partial<Schemas["Problem"]>;
  } catch {
    body = undefined;
  }
  return new ExportFailed(response.status, body);
}

/**
 * What to POST to keep an export of `format`: a slow format is made as a job first (its progress
 * through `onJob`), then kept by its id; a quick one is written by the keeping call itself.
 */
async function keepBody(estimateId: number, format: string, signal: AbortSignal, onJob: (job: ExportJob) => void): Promise<Schemas["KeepAttachmentRequest"]> {
  if (!JOB_FORMATS.has(format)) return { format };
  const first = await authFetch(new Request(`/api/v1/estimates/${estimateId}/export?format=${encodeURIComponent(format)}`, { headers: { Prefer: "respond-async" } }));
  if (first.status !== 202) {
    if (!first.ok) throw await failure(first);
    return { format }; // made at once after all: small enough to write again while keeping
  }
  let job = (await first.json()) as ExportJob;
  onJob(job);
  while (job.status === "queued" || job.status === "running") {
    await sleep(500, signal);
    if (signal.aborted) {
      await authFetch(new Request(`/api/v1/jobs/${job.id}`, { method: "DELETE" })).catch(() => undefined);
      throw new ExportCancelled();
    }
    const polled = await authFetch(new Request(`/api/v1/jobs/${job.id}`));
    if (!polled.ok) throw await failure(polled);
    job = (await polled.json()) as ExportJob;
    onJob(job);
  }
  if (job.status === "cancelled") throw new ExportCancelled();
  if (job.status === "failed") throw new ExportFailed(job.error?.status ?? 500, job.error);
  return { job_id: job.id };
}

export function AttachmentsView({ estimateId }: { estimateId: number }) {
  const { can, me } = useSession();
  const queryClient = useQueryClient();
  const key = ["attachments", estimateId];
  const list = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET("/api/v1/estimates/{id}/attachments", { params: { path: { id: estimateId } } })),
  });
  const [format, setFormat] = useState("pdf");
  const [keeping, setKeeping] = useState<ExportState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Attachment | null>(null);
  const abort = useRef<AbortController | null>(null);
  // Leaving the tab stops a keeping in progress (its job is cancelled, nothing is kept).
  useEffect(() => () => abort.current?.abort(), []);
  const canKeep = can("comment");
  const mayDelete = (a: Attachment) => canKeep && (a.created_by === me?.user.id || can("manage_users"));
  const label = (f: string) => FORMATS.find((x) => x.format === f)?.label ?? f;

  const keep = async () => {
    const controller = new AbortController();
    abort.current = controller;
    const trigger = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setKeeping({ format, job: null, trigger });
    setError(null);
    setNotice(null);
    try {
      const body = await keepBody(estimateId, format, controller.signal, (job) => setKeeping({ format, job, trigger }));
      if (controller.signal.aborted) throw new ExportCancelled();
      const kept = unwrap(await api.POST("/api/v1/estimates/{id}/attachments", { params: { path: { id: estimateId } }, body }));
      setNotice(`Сохранено в смете: ${kept.file_name}`);
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (err) {
      if (!(err instanceof ExportCancelled)) setError(errorText(err));
    } finally {
      abort.current = null;
      setKeeping(null);
    }
  };

  const download = async (a: Attachment) => {
    setError(null);
    try {
      const response = await authFetch(new Request(a.url));
      if (!response.ok) throw await failure(response);
      await saveFile(response, a.file_name);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const items = list.data ?? [];
  return (
    <section className="attachments page" aria-labelledby="attachments-title">
      <h2 id="attachments-title">Файлы сметы</h2>
      <p className="muted">Исходный файл, из которого смета импортирована, и выгрузки, сохранённые для передачи заказчику или экспертизе.</p>
      {canKeep && (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            if (!keeping) void keep();
          }}
        >
          <label htmlFor="keep-format">Сохранить выгрузку в смете:</label>
          <select id="keep-format" value={format} onChange={(e) => setFormat(e.target.value)} disabled={keeping !== null}>
            {FORMATS.map((f) => (
              <option key={f.format} value={f.format}>
                {f.label}
              </option>
            ))}
          </select>
          <button type="submit" disabled={keeping !== null} aria-busy={keeping !== null}>
            Сохранить
          </button>
          {keeping?.job && <ExportProgress state={keeping} label={label(keeping.format)} onCancel={() => abort.current?.abort()} />}
        </form>
      )}
      {notice && (
        <p className="ok-note" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list.isLoading && <p className="loading">Загрузка…</p>}
      {list.error && (
        <p className="error" role="alert">
          {errorText(list.error)}
        </p>
      )}
      {list.data && items.length === 0 && <p className="muted empty">Файлов пока нет. Импорт сохраняет исходный файл здесь; выгрузку можно сохранить кнопкой выше.</p>}
      {items.length > 0 && (
        <table className="list attachments-table">
          <thead>
            <tr>
              <th scope="col">Файл</th>
              <th scope="col">Что это</th>
              <th scope="col" className="num">
                Размер
              </th>
              <th scope="col">Кто сохранил</th>
              <th scope="col">Когда</th>
              <th scope="col">
                <span className="visually-hidden">Действия</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id} data-attachment={a.id}>
                <td>{a.file_name}</td>
                <td>{KIND_NAMES[a.kind]}</td>
                <td className="num">{formatBytes(a.size)}</td>
                <td>{a.created_by_name || "—"}</td>
                <td>{formatDateTime(a.created_at)}</td>
                <td className="actions">
                  <div className="row-actions">
                  <button type="button" onClick={() => void download(a)} aria-label={`Скачать ${a.file_name}`}>
                    Скачать
                  </button>
                  {mayDelete(a) && (
                    <button type="button" className="danger" onClick={() => setDeleting(a)} aria-label={`Удалить ${a.file_name}`}>
                      Удалить
                    </button>
                  )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          title="Удалить файл?"
          message={
            <p>
              Файл «{deleting.file_name}» будет удалён из сметы и из хранилища. Саму смету это не меняет.
            </p>
          }
          confirmLabel="Удалить"
          onConfirm={async () => {
            unwrap(await api.DELETE("/api/v1/estimates/{id}/attachments/{attachment_id}", { params: { path: { id: estimateId, attachment_id: deleting.id } } }));
            await queryClient.invalidateQueries({ queryKey: key });
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
