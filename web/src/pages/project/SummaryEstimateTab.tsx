// The ССР of a стройка as the service computes it (тыс. руб.): chapters 1–12 with their lines,
// the running totals the form carries, contingency, VAT and the grand total. The percentages the
// ССР is made with (ВЗиС, winter, contingency) and its date are asked here and sent to the
// service — nothing is added up in the browser. Exports carry the same parameters.
import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { formatDecimal, formatMoney, isZeroMoney, parseDecimalInput } from "../../lib/decimal";
import { isConflict } from "../../components/errors";
import { ExportButtons } from "../../components/ExportButtons";
import { formatDate } from "../../components/format";
import { COST_COLUMN_NAMES, DOCUMENT_EXPORTS, SUMMARY_CHAPTER_NAMES, SUMMARY_RUNNING_TOTAL_AFTER } from "../../components/messages";
import { LoadError, Loading } from "../../components/QueryState";

type Result = Schemas["SummaryEstimateResult"];
type Columns = Schemas["CostColumns"];

interface Params {
  date?: string;
  contingency?: string;
  temporary_buildings?: string;
  winter?: string;
}

const COLUMNS = ["construction", "installation", "equipment", "other", "total"] as const;

function Amounts({ values }: { values: Columns | Schemas["SummaryEstimateLine"] }) {
  return (
    <>
      {COLUMNS.map((c) => (
        <td key={c} className={`num${isZeroMoney(values[c]) ? " zero" : ""}`}>
          {formatMoney(values[c])}
        </td>
      ))}
    </>
  );
}

function TotalRow({ label, values, className = "total" }: { label: string; values: Columns; className?: string }) {
  return (
    <tr className={className}>
      <td />
      <td />
      <th scope="row">{label}</th>
      <Amounts values={values} />
    </tr>
  );
}

function ChapterRows({ chapter, lines }: { chapter: Result["chapters"][number]; lines: Schemas["SummaryEstimateLine"][] }) {
  const empty = lines.length === 0;
  return (
    <tbody>
      <tr className={`chapter${empty ? " empty" : ""}`}>
        <td />
        <td />
        <th scope="rowgroup">
          Глава {chapter.chapter}. {SUMMARY_CHAPTER_NAMES[chapter.chapter] ?? ""}
        </th>
        <Amounts values={chapter.amounts} />
      </tr>
      {lines.map((line, i) => (
        <tr key={i}>
          <td className="col-no">{line.number}</td>
          <td>{line.justification}</td>
          <td>{line.name}</td>
          <Amounts values={line} />
        </tr>
      ))}
      {SUMMARY_RUNNING_TOTAL_AFTER.has(chapter.chapter) && (
        <TotalRow label={`Итого по главам 1–${chapter.chapter}`} values={chapter.cumulative} className="subtotal" />
      )}
    </tbody>
  );
}

export function SummaryTable({ result }: { result: Result }) {
  const byChapter = new Map<string, Schemas["SummaryEstimateLine"][]>();
  for (const line of result.lines) byChapter.set(line.chapter, [...(byChapter.get(line.chapter) ?? []), line]);
  const chapters = result.chapters;
  const last = chapters[chapters.length - 1];
  const vatBaseDiffers = result.vat_base.total !== result.total_with_contingency.total;

  return (
    <table className="list document" data-testid="summary-table">
      <caption>
        {result.number} «{result.name}»{result.date ? ` на ${formatDate(result.date)}` : ""}, {result.unit}
      </caption>
      <thead>
        <tr>
          <th scope="col" rowSpan={2} className="col-no">
            №
          </th>
          <th scope="col" rowSpan={2}>
            Обоснование
          </th>
          <th scope="col" rowSpan={2} className="col-name">
            Наименование глав, объектов, работ и затрат
          </th>
          <th scope="colgroup" colSpan={4} className="group">
            Сметная стоимость, {result.unit}
          </th>
          <th scope="col" rowSpan={2} className="num">
            Общая сметная стоимость, {result.unit}
          </th>
        </tr>
        <tr>
          {(["construction", "installation", "equipment", "other"] as const).map((c) => (
            <th key={c} scope="col" className="num">
              {COST_COLUMN_NAMES[c]}
            </th>
          ))}
        </tr>
      </thead>
      {chapters.map((chapter) => (
        <ChapterRows key={chapter.chapter} chapter={chapter} lines={byChapter.get(chapter.chapter) ?? []} />
      ))}
      <tbody>
        {last && !SUMMARY_RUNNING_TOTAL_AFTER.has(last.chapter) && (
          <TotalRow label={`Итого по главам 1–${last.chapter}`} values={last.cumulative} />
        )}
        <TotalRow
          label={`Непредвиденные затраты ${formatDecimal(result.contingency_percent)} %`}
          values={result.contingency}
          className="subtotal"
        />
        <TotalRow label="Итого с непредвиденными затратами" values={result.total_with_contingency} />
        {vatBaseDiffers && <TotalRow label="в т. ч. облагаемое НДС" values={result.vat_base} className="subtotal" />}
        <TotalRow label={`НДС ${formatDecimal(result.vat_percent)} %`} values={result.vat} className="subtotal" />
        <TotalRow label="Всего по сводному сметному расчёту" values={result.total} className="total grand" />
      </tbody>
    </table>
  );
}

function percentOrUndefined(text: string): { ok: true; value?: string } | { ok: false; error: string } {
  if (text.trim() === "") return { ok: true };
  const parsed = parseDecimalInput(text);
  return parsed.ok ? { ok: true, value: parsed.value } : parsed;
}

function ParamsForm({ applied, onApply }: { applied: Params; onApply: (p: Params) => void }) {
  const ids = useId();
  const [date, setDate] = useState(applied.date ?? "");
  const [contingency, setContingency] = useState(formatDecimal(applied.contingency ?? ""));
  const [temporary, setTemporary] = useState(formatDecimal(applied.temporary_buildings ?? ""));
  const [winter, setWinter] = useState(formatDecimal(applied.winter ?? ""));
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = [
      ["Непредвиденные затраты", percentOrUndefined(contingency)],
      ["ВЗиС", percentOrUndefined(temporary)],
      ["Зимнее удорожание", percentOrUndefined(winter)],
    ] as const;
    for (const [label, r] of fields) {
      if (!r.ok) {
        setError(`${label}: ${r.error}`);
        return;
      }
    }
    setError(null);
    const value = (r: (typeof fields)[number][1]) => (r.ok ? r.value : undefined);
    onApply({
      date: date || undefined,
      contingency: value(fields[0][1]),
      temporary_buildings: value(fields[1][1]),
      winter: value(fields[2][1]),
    });
  };

  return (
    <form className="toolbar params" onSubmit={submit} aria-label="Параметры ССР">
      <label>
        Дата (для ставки НДС)
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <label>
        ВЗиС, % (гл. 8)
        <input value={temporary} onChange={(e) => setTemporary(e.target.value)} inputMode="decimal" size={6} placeholder="0" />
      </label>
      <label>
        Зимнее удорожание, % (гл. 9)
        <input value={winter} onChange={(e) => setWinter(e.target.value)} inputMode="decimal" size={6} placeholder="0" />
      </label>
      <label>
        Непредвиденные затраты, %
        <input value={contingency} onChange={(e) => setContingency(e.target.value)} inputMode="decimal" size={6} placeholder="0" />
      </label>
      <button type="submit">Пересчитать</button>
      {error && (
        <span className="error" role="alert" id={`${ids}-error`}>
          {error}
        </span>
      )}
    </form>
  );
}

export function SummaryEstimateTab({ projectId, projectName }: { projectId: number; projectName?: string }) {
  const [params, setParams] = useState<Params>({});
  const summary = useQuery({
    queryKey: ["summary", projectId, params],
    queryFn: async () => {
      const data = unwrap(await api.GET("/api/v1/projects/{id}/summary-estimate", { params: { path: { id: projectId }, query: params } }));
      // Without format the answer is the JSON result (the file forms are for ExportButtons).
      // Nor a job (202: only with a format and Prefer).
      if (typeof data === "string" || !("result" in data)) throw new Error("ССР: сервис ответил не JSON");
      return data;
    },
  });

  return (
    <>
      <ParamsForm applied={params} onApply={setParams} />
      {summary.isPending && <Loading text="Расчёт ССР…" />}
      {summary.isError &&
        (isConflict(summary.error) ? (
          <p className="notice" role="status">
            ССР составляется из объектных смет объектов проекта, а в проекте ещё нет ни одной сметы. Создайте объект и смету или
            импортируйте готовую. <span className="muted">({summary.error.message})</span>
          </p>
        ) : (
          <LoadError error={summary.error} onRetry={() => void summary.refetch()} />
        ))}
      {summary.data && (
        <>
          <div className="toolbar">
            <ExportButtons
              path={`/api/v1/projects/${projectId}/summary-estimate`}
              formats={DOCUMENT_EXPORTS}
              params={{ ...params }}
              fileName={`ССР ${projectName ?? projectId}`}
              label="Выгрузить ССР"
            />
          </div>
          <div className="table-scroll">
            <SummaryTable result={summary.data.result} />
          </div>
        </>
      )}
    </>
  );
}
