// The ОСР of an object as the service computes it (тыс. руб.): one line per ЛСР and the total,
// optionally with the make-up of each line (ОТ, ЭМ, М, НР, СП); its exports.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { formatMoney, isZeroMoney } from "../../lib/decimal";
import { isConflict } from "../../components/errors";
import { ExportButtons } from "../../components/ExportButtons";
import { COST_COLUMN_NAMES, DOCUMENT_EXPORTS } from "../../components/messages";
import { LoadError, Loading } from "../../components/QueryState";

type Result = Schemas["ObjectEstimateResult"];
type Details = Schemas["CostDetails"];

const COLUMNS = ["construction", "installation", "equipment", "other", "total"] as const;
const DETAILS: { key: keyof Details; label: string }[] = [
  { key: "ot", label: "ОТ" },
  { key: "em", label: "ЭМ" },
  { key: "otm", label: "ОТм" },
  { key: "m", label: "М" },
  { key: "transport", label: "Транспорт" },
  { key: "overhead", label: "НР" },
  { key: "profit", label: "СП" },
];

function Money({ value, className = "" }: { value: string; className?: string }) {
  return <td className={`num ${className}${isZeroMoney(value) ? " zero" : ""}`}>{formatMoney(value)}</td>;
}

export function ObjectEstimateTable({ result, showDetails }: { result: Result; showDetails: boolean }) {
  return (
    <table className="list document" data-testid="object-estimate-table">
      <caption>
        Объектный сметный расчёт {result.number ? `№ ${result.number} ` : ""}«{result.name}», {result.unit}
      </caption>
      <thead>
        <tr>
          <th scope="col" rowSpan={2} className="col-no">
            № п/п
          </th>
          <th scope="col" rowSpan={2}>
            Номер сметы
          </th>
          <th scope="col" rowSpan={2} className="col-name">
            Наименование работ и затрат
          </th>
          <th scope="colgroup" colSpan={4} className="group">
            Сметная стоимость, {result.unit}
          </th>
          <th scope="col" rowSpan={2} className="num">
            Всего, {result.unit}
          </th>
          {showDetails && (
            <th scope="colgroup" colSpan={DETAILS.length} className="group">
              Состав затрат, {result.unit}
            </th>
          )}
        </tr>
        <tr>
          {(["construction", "installation", "equipment", "other"] as const).map((c) => (
            <th key={c} scope="col" className="num">
              {COST_COLUMN_NAMES[c]}
            </th>
          ))}
          {showDetails &&
            DETAILS.map((d) => (
              <th key={d.key} scope="col" className="num">
                {d.label}
              </th>
            ))}
        </tr>
      </thead>
      <tbody>
        {result.rows.map((row, i) => (
          <tr key={i}>
            <td className="col-no">{i + 1}</td>
            <td className="nowrap">{row.number}</td>
            <td>{row.name}</td>
            {COLUMNS.map((c) => (
              <Money key={c} value={row[c]} />
            ))}
            {showDetails && DETAILS.map((d) => <Money key={d.key} value={row.details[d.key]} className="details" />)}
          </tr>
        ))}
        <tr className="total grand">
          <td />
          <td />
          <th scope="row">Итого по объектному сметному расчёту</th>
          {COLUMNS.map((c) => (
            <Money key={c} value={result.total[c]} />
          ))}
          {showDetails && DETAILS.map((d) => <Money key={d.key} value={result.details[d.key]} className="details" />)}
        </tr>
        {result.unit_cost !== undefined && (
          <tr className="subtotal">
            <td />
            <td />
            <th scope="row">Стоимость на единицу измерения</th>
            <td colSpan={4} />
            <Money value={result.unit_cost} />
            {showDetails && <td colSpan={DETAILS.length} />}
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function ObjectEstimateTab({ objectId, objectName }: { objectId: number; objectName?: string }) {
  const [showDetails, setShowDetails] = useState(false);
  const estimate = useQuery({
    queryKey: ["object-estimate", objectId],
    queryFn: async () => {
      const data = unwrap(await api.GET("/api/v1/objects/{id}/object-estimate", { params: { path: { id: objectId } } }));
      // Without format the answer is the JSON result (the file forms are for ExportButtons).
      // Nor a job (202: only with a format and Prefer).
      if (typeof data === "string" || !("result" in data)) throw new Error("ОСР: сервис ответил не JSON");
      return data;
    },
  });

  return (
    <>
      {estimate.isPending && <Loading text="Расчёт ОСР…" />}
      {estimate.isError &&
        (isConflict(estimate.error) ? (
          <p className="notice" role="status">
            ОСР составляется из локальных смет объекта, а их пока нет. <span className="muted">({estimate.error.message})</span>
          </p>
        ) : (
          <LoadError error={estimate.error} onRetry={() => void estimate.refetch()} />
        ))}
      {estimate.data && (
        <>
          <div className="toolbar">
            <ExportButtons
              path={`/api/v1/objects/${objectId}/object-estimate`}
              formats={DOCUMENT_EXPORTS}
              fileName={`ОСР ${objectName ?? objectId}`}
              label="Выгрузить ОСР"
            />
            <span className="spacer" />
            <label className="inline">
              <input type="checkbox" checked={showDetails} onChange={(e) => setShowDetails(e.target.checked)} />
              Состав затрат (ОТ, ЭМ, М, НР, СП)
            </label>
          </div>
          <div className="table-scroll">
            <ObjectEstimateTable result={estimate.data.result} showDetails={showDetails} />
          </div>
        </>
      )}
    </>
  );
}
