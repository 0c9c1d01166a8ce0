// The place to drop an estimate made elsewhere (ГГЭ XML, АРПС, a ВОР in Excel/CSV): it becomes a
// new draft of the chosen object, and the report of the import opens. A ВОР is priced for the
// region, zone and quarter given here (optional).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type DragEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { errorText } from "./errors";
import { ImportReportDialog } from "./ImportReport";

type SiteObject = Schemas["SiteObject"];

const ACCEPT = ".gge,.xml,.arp,.txt,.xlsx,.csv";

export function ImportDropZone({
  objects,
  objectId: fixedObjectId,
  projectId,
}: {
  /** The objects to choose from (project page); omit with objectId fixed (object page). */
  objects?: SiteObject[];
  objectId?: number;
  /** To refresh the ССР of the project after the import. */
  projectId?: number;
}) {
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const ids = useId();
  const [over, setOver] = useState(false);
  const [chosen, setChosen] = useState<string>("");
  const [region, setRegion] = useState("");
  const [zone, setZone] = useState("");
  const [quarter, setQuarter] = useState("");
  const [report, setReport] = useState<Schemas["ImportResult"] | null>(null);

  const objectId = fixedObjectId ?? (chosen ? Number(chosen) : objects?.length === 1 ? objects[0].id : undefined);
  const quarterValid = quarter === "" || /^\d{4}-Q[1-4]$/.test(quarter.trim());

  const mutation = useMutation({
    mutationFn: async ({ file, object }: { file: File; object: number }) => {
      const form = new FormData();
      form.append("object_id", String(object));
      if (region.trim()) form.append("region", region.trim());
      if (zone.trim()) form.append("zone", zone.trim());
      if (quarter.trim()) form.append("quarter", quarter.trim());
      form.append("file", file, file.name);
      return unwrap(
        await api.POST("/api/v1/imports", {
          body: { object_id: String(object), file: file.name },
          bodySerializer: () => form,
        }),
      );
    },
    onSuccess: (result, { object }) => {
      void queryClient.invalidateQueries({ queryKey: ["estimates", object] });
      void queryClient.invalidateQueries({ queryKey: ["object-estimate", object] });
      if (projectId !== undefined) void queryClient.invalidateQueries({ queryKey: ["summary", projectId] });
      setReport(result);
    },
  });

  const start = (files: FileList | null) => {
    const file = files?.[0];
    if (!file || objectId === undefined || mutation.isPending || !quarterValid) return;
    mutation.mutate({ file, object: objectId });
  };

  const blocked = objectId === undefined;
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    start(e.dataTransfer.files);
  };

  return (
    <section className="import" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`} className="visually-hidden">
        Импорт сметы
      </h2>
      <div className="import-row">
        {objects && (
          <label className="import-object">
            Объект для импорта
            <select value={chosen || (objectId !== undefined ? String(objectId) : "")} onChange={(e) => setChosen(e.target.value)}>
              {objects.length !== 1 && <option value="">— выберите объект —</option>}
              {objects.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <div
          className={`dropzone${over ? " over" : ""}${blocked ? " blocked" : ""}`}
          data-testid="import-drop"
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = blocked ? "none" : "copy";
            setOver(!blocked);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
          aria-busy={mutation.isPending}
        >
          {mutation.isPending ? (
            <span role="status">Импорт «{mutation.variables?.file.name}»…</span>
          ) : blocked ? (
            <span>{objects && objects.length === 0 ? "Чтобы импортировать смету, сначала создайте объект" : "Выберите объект, куда импортировать смету"}</span>
          ) : (
            <span>
              Перетащите файл сметы (ГГЭ XML, АРПС, Excel) сюда или{" "}
              <button type="button" className="link" onClick={() => inputRef.current?.click()}>
                выберите
              </button>
            </span>
          )}
          <input
            ref={inputRef}
            type="file"
            accept={ACCEPT}
            hidden
            aria-label="Файл сметы"
            onChange={(e) => {
              start(e.target.files);
              e.target.value = "";
            }}
          />
        </div>
      </div>
      <details className="import-options">
        <summary>Цены для ВОР (регион, зона, квартал)</summary>
        <div className="toolbar">
          <label>
            Регион (код)
            <input value={region} onChange={(e) => setRegion(e.target.value)} inputMode="numeric" size={6} placeholder="28" />
          </label>
          <label>
            Ценовая зона
            <input value={zone} onChange={(e) => setZone(e.target.value)} size={6} placeholder="1" />
          </label>
          <label>
            Квартал
            <input
              value={quarter}
              onChange={(e) => setQuarter(e.target.value)}
              size={9}
              placeholder="2025-Q2"
              aria-invalid={!quarterValid}
              aria-describedby={`${ids}-quarter-hint`}
            />
          </label>
          <span id={`${ids}-quarter-hint`} className={quarterValid ? "muted" : "error"}>
            квартал в виде ГГГГ-QN, например 2025-Q2
          </span>
        </div>
      </details>
      {mutation.isError && (
        <p className="error" role="alert">
          Файл «{mutation.variables?.file.name}» не импортирован: {errorText(mutation.error)}
        </p>
      )}
      {report && <ImportReportDialog result={report} onClose={() => setReport(null)} />}
    </section>
  );
}
