// Buttons that download a document in each format its endpoint offers (?format=…), with the
// session's token. A refusal (a document the XSD rejects, no estimates) is said in a notice.
import { useState } from "react";
import { download } from "../api/client";
import { errorText } from "./errors";
import { notifyError } from "./Toast";

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
  const [busy, setBusy] = useState<string | null>(null);

  const run = async (format: string) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) if (v) query.set(k, v);
    query.set("format", format);
    setBusy(format);
    try {
      await download(`${path}?${query}`, `${fileName}.${format === "gge" ? "xml" : format}`);
    } catch (err) {
      notifyError(`Выгрузка не удалась: ${errorText(err)}`);
    } finally {
      setBusy(null);
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
    </div>
  );
}
