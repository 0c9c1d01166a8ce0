// A bill of quantities (ВОР) made into a draft estimate with the assistant: the file's lines
// each with the suggested norm, its confidence and two alternatives; lines of low confidence are
// marked. The estimator accepts a suggestion, takes an alternative, types another code or leaves
// the line without a norm, then creates the draft. The choices are remembered for the
// organization: the next ВОР with the same work gets them first. Keyboard: ↑/↓ between lines,
// 1/2/3 take the suggestion or an alternative, 0 leaves the line without a norm.
import { useMutation } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, ApiError, authFetch, problemText, type Schemas } from "../../api/client";
import { TerritoryOptions, territoryKey, useTerritories } from "../../editor/HeaderPanel";

type Review = Schemas["BoqReview"];
type Line = Schemas["BoqReviewLine"];
type Choice = Schemas["BoqChoice"];

const CONFIDENCE: Record<Choice["confidence"], string> = { high: "высокая", medium: "средняя", low: "низкая" };
const SOURCE: Record<Choice["source"], string> = { file: "шифр из ВОР", feedback: "выбор организации", assistant: "подбор" };

async function reviewFile(file: File): Promise<Review> {
  const form = new FormData();
  form.append("file", file, file.name);
  // While the release's model is being prepared the service answers 503: ask again.
  for (let attempt = 0; ; attempt++) {
    const response = await authFetch(new Request("/api/v1/ai/boq", { method: "POST", body: form }));
    if (response.ok) return (await response.json()) as Review;
    const problem = await response.json().catch(() => ({}));
    if (response.status === 503 && attempt < 60) {
      await new Promise((r) => setTimeout(r, 3000));
      continue;
    }
    throw new ApiError(response.status, problemText(response.status, problem), "");
  }
}

export function BoqTab({ objectId, objectName }: { objectId: number; objectName?: string }) {
  const navigate = useNavigate();
  const territories = useTerritories();
  const inputRef = useRef<HTMLInputElement>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [fileName, setFileName] = useState("");
  const [choices, setChoices] = useState<Record<number, string>>({});
  const [territory, setTerritory] = useState("");
  const [name, setName] = useState("");

  const read = useMutation({
    mutationFn: reviewFile,
    onSuccess: (r) => {
      setReview(r);
      const initial: Record<number, string> = {};
      r.lines.forEach((l, i) => (initial[i] = l.suggestion?.code ?? ""));
      setChoices(initial);
      setName(`Черновик по ВОР «${fileName.replace(/\.[^.]+$/, "")}»`);
    },
  });
  const chosenTerritory = territory || (territories[0] ? territoryKey(territories[0]) : "");
  const draft = useMutation({
    mutationFn: async () => {
      const [region, zone, quarter] = chosenTerritory.split("|");
      const lines = review!.lines.map((l, i) => ({
        row: l.row,
        number: l.number,
        section: l.section,
        name: l.name,
        unit: l.unit,
        quantity: l.quantity,
        code: choices[i] ? choices[i] : null,
        suggested: l.suggestion?.code ?? null,
      }));
      const { data, error, response } = await api.POST("/api/v1/ai/boq/draft", {
        body: { object_id: objectId, name, region: region ?? "", zone: zone ?? "", quarter: quarter ?? "", lines },
      });
      if (!response.ok || !data) throw new ApiError(response.status, problemText(response.status, error), "");
      return data;
    },
    onSuccess: (d) => navigate(`/estimates/${d.estimate_id}`),
  });

  const pick = (i: number, code: string) => setChoices((c) => ({ ...c, [i]: code }));
  const options = (l: Line) => [l.suggestion, ...l.alternatives].filter((c): c is Choice => !!c);
  const focusRow = (i: number) => document.querySelector<HTMLElement>(`[data-boq-row="${i}"]`)?.focus();
  const marked = review ? review.lines.filter((l) => l.low_confidence).length : 0;
  const priced = review ? review.lines.filter((_, i) => choices[i]).length : 0;

  return (
    <div className="boq-review" data-testid="boq-review">
      <p className="muted">
        Загрузите ведомость объёмов работ (Excel, CSV или ГГЭ XML): помощник подберёт нормы к строкам без шифра, вы проверите и создадите черновик сметы
        {objectName ? ` объекта «${objectName}»` : ""}.
      </p>
      <div className="toolbar">
        {/* The browser's own file button speaks its locale's language: a Russian one stands for it. */}
        <button type="button" className="primary" onClick={() => inputRef.current?.click()}>
          Выбрать файл ВОР…
        </button>
        {fileName && <span className="muted">{fileName}</span>}
        <input
          ref={inputRef}
          type="file"
          className="visually-hidden"
          accept=".xlsx,.csv,.gge,.xml"
          aria-label="Файл ВОР"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setFileName(file.name);
            setReview(null);
            read.mutate(file);
          }}
        />
        {read.isPending && <span className="muted">Читаем ВОР и подбираем нормы…</span>}
      </div>
      {read.error && (
        <p className="error" role="alert">
          {read.error.message}
        </p>
      )}
      {review && (
        <>
          <p aria-live="polite">
            Строк: {review.lines.length} · с нормой: {priced} · требуют внимания: <strong>{marked}</strong> · база «{review.release.name}»
          </p>
          {review.warnings.length > 0 && (
            <ul className="warnings muted">
              {review.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <table className="table boq-lines" aria-label="Строки ВОР и подобранные нормы">
            <thead>
              <tr>
                <th>№</th>
                <th>Наименование работ (ВОР)</th>
                <th>Ед.</th>
                <th className="num">Кол-во</th>
                <th>Норма</th>
              </tr>
            </thead>
            <tbody>
              {review.lines.map((l, i) => (
                <tr
                  key={i}
                  tabIndex={0}
                  data-boq-row={i}
                  data-testid="boq-line"
                  className={l.low_confidence && !choices[i] ? "low" : l.low_confidence ? "low checked" : ""}
                  onKeyDown={(e) => {
                    const opts = options(l);
                    if (e.key === "ArrowDown") focusRow(Math.min(review.lines.length - 1, i + 1));
                    else if (e.key === "ArrowUp") focusRow(Math.max(0, i - 1));
                    else if (e.key >= "1" && e.key <= "3" && opts[Number(e.key) - 1]) pick(i, opts[Number(e.key) - 1].code);
                    else if (e.key === "0") pick(i, "");
                    else return;
                    e.preventDefault();
                  }}
                >
                  <td>{l.number}</td>
                  <td>
                    {l.name}
                    {l.low_confidence && " "}
                    {l.low_confidence && (
                      <span className="badge confidence low" title="Проверьте подбор">
                        проверить
                      </span>
                    )}
                    {l.section && <div className="muted small">{l.section}</div>}
                  </td>
                  <td>{l.unit}</td>
                  <td className="num">{l.quantity.replace(".", ",")}</td>
                  <td>
                    <fieldset className="choices">
                      <legend className="visually-hidden">Норма для строки {l.number}</legend>
                      {options(l).map((c, k) => (
                        <label key={c.code} className={choices[i] === c.code ? "chosen" : ""} title={c.reason}>
                          <input type="radio" name={`line-${i}`} checked={choices[i] === c.code} onChange={() => pick(i, c.code)} />
                          <span className="choice">
                            <span className="code">
                              {k + 1}. {c.code}
                            </span>{" "}
                            <span className={`badge confidence ${c.confidence}`}>{CONFIDENCE[c.confidence]}</span>{" "}
                            <span className="muted small">{SOURCE[c.source]}</span>
                            <span className="name">
                              {c.name} <span className="muted">({c.unit})</span>
                            </span>
                          </span>
                        </label>
                      ))}
                      <label className={choices[i] === "" ? "chosen" : ""}>
                        <input type="radio" name={`line-${i}`} checked={choices[i] === ""} onChange={() => pick(i, "")} />
                        <span className="choice">без нормы (строка без цены)</span>
                      </label>
                      <label className="other">
                        другой шифр:{" "}
                        <input
                          aria-label={`Другой шифр для строки ${l.number}`}
                          placeholder="ГЭСН 16-02-005-02"
                          size={18}
                          value={options(l).some((c) => c.code === choices[i]) ? "" : (choices[i] ?? "")}
                          onChange={(e) => pick(i, e.target.value)}
                        />
                      </label>
                    </fieldset>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="toolbar">
            <label>
              Наименование сметы <input value={name} onChange={(e) => setName(e.target.value)} size={40} />
            </label>
            <label>
              Цены{" "}
              <select value={chosenTerritory} onChange={(e) => setTerritory(e.target.value)} aria-label="Регион, зона и квартал цен">
                <TerritoryOptions territories={territories} />
              </select>
            </label>
            <button type="button" className="primary" disabled={draft.isPending || !name.trim()} onClick={() => draft.mutate()}>
              Создать черновик сметы
            </button>
          </div>
          {draft.error && (
            <p className="error" role="alert">
              {draft.error.message}
            </p>
          )}
        </>
      )}
    </div>
  );
}
