// The estimate's header: name, number, territory and price level (from the priced territories of
// the active release), date, method, and the options of the whole estimate (НР/СП overrides, the
// НР column, rounding). Saved as one update_header change.
import { useState, type FormEvent } from "react";
import type { Schemas } from "../api/client";
import { useReleases } from "../pages/queries";
import { parseDecimalInput, formatDecimal } from "../lib/decimal";
import type { EstimateModel } from "./model";

type Header = Schemas["UpdateHeaderChange"];
type Options = Schemas["CalcOptions"];

type Territory = Schemas["PricedTerritory"];

/** The value of a priced territory in a select: "region|zone|quarter". */
export function territoryKey(t: Territory): string {
  return `${t.region}|${t.zone}|${t.quarter}`;
}

/** The options of a select of priced territories: «Амурская область (28), зона 1, 2 кв. 2025». */
export function TerritoryOptions({ territories }: { territories: Territory[] }) {
  return (
    <>
      {territories.map((t) => (
        <option key={territoryKey(t)} value={territoryKey(t)}>
          {t.region_name ? `${t.region_name} (${t.region})` : `Регион ${t.region}`}, зона {t.zone}, {t.quarter.replace("-Q", " кв. ").replace(/^(\d{4}) кв\. (\d)$/, "$2 кв. $1")}
        </option>
      ))}
    </>
  );
}

export function useTerritories(): Territory[] {
  const releases = useReleases();
  const active = releases.data?.find((r) => r.active);
  return active?.territories ?? [];
}

const METHODS: Record<string, string> = { "resource-index": "ресурсно-индексный", "base-index": "базисно-индексный" };

export function HeaderPanel(props: { model: EstimateModel; readOnly: boolean; onSave(change: Header, before: Header, label: string): void; onClose(): void }) {
  const h = props.model.header;
  const territories = useTerritories();
  const [name, setName] = useState(h.name);
  const [number, setNumber] = useState(h.number);
  const [territory, setTerritory] = useState(h.region ? `${h.region}|${h.zone}|${h.quarter}` : "");
  const [region, setRegion] = useState(h.region);
  const [zone, setZone] = useState(h.zone);
  const [quarter, setQuarter] = useState(h.quarter);
  const [date, setDate] = useState(h.date);
  const options = h.options ?? {};
  const [ohPercent, setOhPercent] = useState(formatDecimal(options.overhead_override?.percent));
  const [ohK, setOhK] = useState(formatDecimal(options.overhead_override?.k));
  const [prPercent, setPrPercent] = useState(formatDecimal(options.profit_override?.percent));
  const [prK, setPrK] = useState(formatDecimal(options.profit_override?.k));
  const [column, setColumn] = useState<string>(options.territory ?? "1");
  const [decimals, setDecimals] = useState<string>(options.money_decimals ?? "2");
  const [error, setError] = useState<string | null>(null);

  const known = territories.length > 0;
  const chooseTerritory = (value: string) => {
    setTerritory(value);
    const [r, z, q] = value.split("|");
    setRegion(r ?? "");
    setZone(z ?? "");
    setQuarter(q ?? "");
  };

  const rate = (percent: string, k: string, what: string) => {
    const out: { percent?: string; k?: string } = {};
    for (const [key, text] of [["percent", percent], ["k", k]] as const) {
      if (text.trim() === "") continue;
      const p = parseDecimalInput(text);
      if (!p.ok) throw new Error(`${what}, ${key === "percent" ? "%" : "k"}: ${p.error}`);
      out[key] = p.value;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let next: Options;
    try {
      next = { ...options, territory: column as Options["territory"], money_decimals: decimals as Options["money_decimals"] };
      const oh = rate(ohPercent, ohK, "НР");
      const pr = rate(prPercent, prK, "СП");
      if (oh) next.overhead_override = oh;
      else delete next.overhead_override;
      if (pr) next.profit_override = pr;
      else delete next.profit_override;
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    if (!name.trim()) {
      setError("Наименование: пустое значение");
      return;
    }
    setError(null);
    const change: Header = { op: "update_header", name: name.trim(), number, region, zone, quarter, date, options: next };
    const before: Header = { op: "update_header", name: h.name, number: h.number, region: h.region, zone: h.zone, quarter: h.quarter, date: h.date, options };
    props.onSave(change, before, "Параметры сметы");
  };

  return (
    <form className="header-panel card" onSubmit={submit} aria-label="Параметры сметы" data-testid="header-panel">
      <fieldset disabled={props.readOnly}>
        <legend>Параметры сметы</legend>
        <div className="row">
          <label className="grow">
            Наименование
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            Номер
            <input value={number} onChange={(e) => setNumber(e.target.value)} size={10} />
          </label>
          <label>
            Дата составления
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
          </label>
          <label>
            Метод
            <input value={METHODS[h.method] ?? h.method} readOnly size={16} />
          </label>
        </div>
        <div className="row">
          {known ? (
            <label className="grow">
              Регион, ценовая зона и квартал (цены активной редакции базы)
              <select value={territory} onChange={(e) => chooseTerritory(e.target.value)}>
                <option value="">— не выбраны —</option>
                <TerritoryOptions territories={territories} />
              </select>
            </label>
          ) : (
            <>
              <label>
                Регион
                <input value={region} onChange={(e) => setRegion(e.target.value)} pattern="[0-9]{0,3}" size={4} />
              </label>
              <label>
                Ценовая зона
                <input value={zone} onChange={(e) => setZone(e.target.value)} pattern="[0-9]{0,3}" size={4} />
              </label>
              <label>
                Квартал
                <input value={quarter} onChange={(e) => setQuarter(e.target.value)} pattern="([0-9]{4}-Q[1-4])?" placeholder="2025-Q2" size={8} />
              </label>
            </>
          )}
          <label>
            Графа НР
            <select value={column} onChange={(e) => setColumn(e.target.value)}>
              <option value="1">1 — территория</option>
              <option value="2">2 — МПРКС</option>
              <option value="3">3 — РКС</option>
            </select>
          </label>
          <label>
            Округление
            <select value={decimals} onChange={(e) => setDecimals(e.target.value)}>
              <option value="2">до копеек</option>
              <option value="0">до рублей</option>
            </select>
          </label>
        </div>
        <div className="row">
          <label>
            НР, % (для всех позиций)
            <input value={ohPercent} onChange={(e) => setOhPercent(e.target.value)} inputMode="decimal" size={6} placeholder="по МДС" />
          </label>
          <label>
            НР, коэффициент
            <input value={ohK} onChange={(e) => setOhK(e.target.value)} inputMode="decimal" size={6} placeholder="1" />
          </label>
          <label>
            СП, % (для всех позиций)
            <input value={prPercent} onChange={(e) => setPrPercent(e.target.value)} inputMode="decimal" size={6} placeholder="по МДС" />
          </label>
          <label>
            СП, коэффициент
            <input value={prK} onChange={(e) => setPrK(e.target.value)} inputMode="decimal" size={6} placeholder="1" />
          </label>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Закрыть
          </button>
          {!props.readOnly && (
            <button type="submit" className="primary">
              Сохранить параметры
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}
