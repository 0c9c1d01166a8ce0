// Buttons that download a document in each format its endpoint offers (?format=…), with the
// session's token. PDF and XLSX are made as a job with its progress and a cancel button
// (useExport). A refusal (a document the XSD rejects, no estimates) is said in a notice.
import { errorText } from "./errors";
import { ExportProgress } from "./ExportProgress";
import { EXPORT_TEXT } from "./messages";
import { notifyError } from "./Toast";
import { useExport } from "./useExport";

export interface ExportFormat {
  format: string;
  label: string;
}

export function ExportButtons({
  path,
  formats,
  params,
  fileName,
  label = "Выгрузить",
}: {
  /** The endpoint, e.g. /api/v1/projects/1/summary-estimate */
  path: string;
  formats: readonly ExportFormat[];
  /** Further query parameters the document is made with. */
  params?: Record<string, string | undefined>;
  /** The name when the service gives none (without extension). */
  fileName: string;
  label?: string;
}) {
  const { state, start, cancel } = useExport();
  const busy = state?.format ?? null;

  const run = async (format: string) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) if (v) query.set(k, v);
    query.set("format", format);
    try {
      await start(`${path}?${query}`, format, `${fileName}.${format === "gge" ? "xml" : format}`);
    } catch (err) {
      notifyError(EXPORT_TEXT.failed(errorText(err)));
    }
  };

  return (
    <div className="export-buttons" role="group" aria-label={label}>
      <span className="muted">{label}:</span>
      {formats.map((f) => (
        <button key={f.format} type="button" onClick={() => void run(f.format)} disabled={busy !== null} aria-busy={busy === f.format}>
          {busy === f.format ? `${f.label}…` : f.label}
        </button>
      ))}
      {state && state.job && (
        <ExportProgress state={state} label={formats.find((f) => f.format === state.format)?.label ?? state.format} onCancel={cancel} />
      )}
    </div>
  );
}
