// What an import found: which file, whether the file's own totals were reproduced by the
// recalculation, what differs (stated against recomputed), the warnings, and the totals — with
// the way to open the new estimate.
import { Link } from "react-router-dom";
import type { Schemas } from "../api/client";
import { formatDecimal, formatMoney } from "../lib/decimal";
import { Dialog } from "./Dialog";
import { formatBytes } from "./format";

type ImportResult = Schemas["ImportResult"];

const TOTAL_LINES: { key: keyof Schemas["Totals"]; label: string; hours?: boolean }[] = [
  { key: "ot", label: "Оплата труда рабочих (ОТ)" },
  { key: "em", label: "Эксплуатация машин (ЭМ)" },
  { key: "otm", label: "Оплата труда машинистов (ОТм)" },
  { key: "m", label: "Материалы (М)" },
  { key: "direct", label: "Прямые затраты (ПЗ)" },
  { key: "fot", label: "ФОТ" },
  { key: "overhead", label: "Накладные расходы (НР)" },
  { key: "profit", label: "Сметная прибыль (СП)" },
  { key: "equipment", label: "Оборудование" },
  { key: "construction", label: "Строительные работы" },
  { key: "installation", label: "Монтажные работы" },
  { key: "total", label: "Всего по смете" },
  { key: "labor_hours", label: "Затраты труда рабочих, чел.-ч", hours: true },
  { key: "machinist_hours", label: "Затраты труда машинистов, чел.-ч", hours: true },
];

export function ImportReport({ result }: { result: ImportResult }) {
  const differences = result.differences ?? [];
  const boq = result.lines !== undefined;
  return (
    <div className="import-report" data-testid="import-report">
      <dl className="facts">
        <dt>Файл</dt>
        <dd>
          {result.source}
          {result.original && <span className="muted"> — сохранён в файлах сметы ({formatBytes(result.original.size)})</span>}
        </dd>
        {boq ? (
          <>
            <dt>Строк ВОР</dt>
            <dd>
              прочитано {result.lines}, расценено {result.priced ?? 0}
            </dd>
          </>
        ) : (
          <>
            <dt>Итоги файла</dt>
            <dd>
              {result.compared === undefined || result.compared === 0 ? (
                <span className="muted">в файле нет итогов для сравнения</span>
              ) : result.reproduced ? (
                <span className="ok">воспроизведены пересчётом ({result.compared} сравнено)</span>
              ) : (
                <span className="error">
                  не воспроизведены: {differences.length} из {result.compared} расходятся
                </span>
              )}
            </dd>
          </>
        )}
      </dl>

      {differences.length > 0 && (
        <>
          <h3>Расхождения</h3>
          <table className="list compact">
            <thead>
              <tr>
                <th scope="col">Где</th>
                <th scope="col" className="num">
                  В файле
                </th>
                <th scope="col" className="num">
                  Пересчитано
                </th>
              </tr>
            </thead>
            <tbody>
              {differences.map((d, i) => (
                <tr key={i}>
                  <td>{d.path}</td>
                  <td className="num">{d.stated !== undefined ? formatMoney(d.stated) : ""}</td>
                  <td className="num">{d.computed !== undefined ? formatMoney(d.computed) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      {result.warnings.length > 0 && (
        <>
          <h3>Предупреждения ({result.warnings.length})</h3>
          <ul className="warnings" tabIndex={0} aria-label="Предупреждения импорта">
            {result.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </>
      )}

      {result.totals && (
        <>
          <h3>Итоги сметы, руб.</h3>
          <table className="list compact">
            <tbody>
              {TOTAL_LINES.map((line) => (
                <tr key={line.key} className={line.key === "total" ? "total" : undefined}>
                  <th scope="row">{line.label}</th>
                  <td className="num">
                    {line.hours
                      ? formatDecimal(String(result.totals![line.key]))
                      : formatMoney(String(result.totals![line.key]))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {!result.totals && <p className="muted">Итогов нет: смета пока не рассчитывается — причину покажет редактор.</p>}
    </div>
  );
}

export function ImportReportDialog({ result, onClose }: { result: ImportResult; onClose: () => void }) {
  return (
    <Dialog title="Смета импортирована" onClose={onClose} wide>
      <ImportReport result={result} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Закрыть
        </button>
        <Link className="button primary" to={`/estimates/${result.estimate_id}`} data-autofocus>
          Открыть смету
        </Link>
      </div>
    </Dialog>
  );
}
