// An export in progress: PDF and XLSX go through a job (Prefer: respond-async) so that the
// screen shows how far the file has come and can cancel it; the other formats are quick and
// come at once. One export at a time per set of buttons.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, authFetch, problemText, saveFile } from "../api/client";
import { ExportCancelled, ExportFailed, runExport, type ExportJob } from "../lib/exportJob";

/** The formats made as jobs with progress: the slow ones. */
export const JOB_FORMATS = new Set(["pdf", "xlsx"]);

export interface ExportState {
  format: string;
  /** The job as last polled; null before the service answered or for a file sent at once. */
  job: ExportJob | null;
  /** What had the focus when the export began (its button): the focus goes back there. */
  trigger: HTMLElement | null;
}

export function useExport() {
  const [state, setState] = useState<ExportState | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  /** Runs the export of `path` (with ?format=…); resolves when the file is saved or cancelled. */
  const start = useCallback(async (path: string, format: string, fallbackName: string) => {
    const controller = new AbortController();
    abort.current = controller;
    const trigger = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    setState({ format, job: null, trigger });
    try {
      const response = await runExport({
        fetch: authFetch,
        path,
        preferAsync: JOB_FORMATS.has(format),
        signal: controller.signal,
        onJob: (job) => setState({ format, job, trigger }),
      });
      await saveFile(response, fallbackName);
    } catch (err) {
      if (err instanceof ExportCancelled) return;
      if (err instanceof ExportFailed) throw new ApiError(err.status, problemText(err.status, err.problem), err.problem?.title ?? "");
      throw err;
    } finally {
      if (abort.current === controller) abort.current = null;
      setState(null);
    }
  }, []);

  const cancel = useCallback(() => abort.current?.abort(), []);
  return { state, start, cancel };
}
