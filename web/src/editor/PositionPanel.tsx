// The properties of the current position under the grid: its coefficients, НР and СП of its own,
// the prices of resources priced by market survey, and extra rows (material or equipment added to
// the norm). Every group is applied as one update_position change, undoable.
import { useEffect, useRef, useState } from "react";
import type { Schemas } from "../api/client";
import { formatDecimal, formatMoney, parseDecimalInput } from "../lib/decimal";
import type { Change } from "./model";
import type { PositionDetail } from "./useEstimateEditor";

type Coefficient = Schemas["Coefficient"];
type Resource = Schemas["Resource"];
type ExtraLine = Schemas["ExtraLine"];
type Rate = Schemas["Rate"];

const FACTORS: { key: "labor" | "machines" | "machinist_labor" | "materials"; label: string }[] = [
  { key: "labor", label: "ОЗП" },
  { key: "machines", label: "ЭМ" },
  { key: "machinist_labor", label: "ЗПМ" },
  { key: "materials", label: "МАТ" },
];

const KIND_NAMES: Record<string, string> = { labor: "Труд", machine: "Машина", material: "Материал", equipment: "Оборудование" };

function decimalOrThrow(text: string, what: string): string | undefined {
  if (text.trim() === "") return undefined;
  const p = parseDecimalInput(text);
  if (!p.ok) throw new Error(`${what}: ${p.error}`);
  return p.value;
}

export function PositionPanel(props: {
  detail: PositionDetail | undefined;
  loading: boolean;
  readOnly: boolean;
  onChange(label: string, forward: Change, backward: Change): void;
}) {
  const { detail } = props;
  const doc = detail?.document;
  const [coefficients, setCoefficients] = useState<Record<string, string>[]>([]);
  const [overhead, setOverhead] = useState({ percent: "", k: "" });
  const [profit, setProfit] = useState({ percent: "", k: "" });
  const [prices, setPrices] = useState<Record<number, string>>({});
  const [extra, setExtra] = useState<Record<string, string>[]>([]);
  const [error, setError] = useState<string | null>(null);
  // Typed and not applied: a reload of the same position's details must not wipe it.
  const [dirty, setDirty] = useState(false);
  const shownId = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (dirty && shownId.current === detail?.id) return;
    shownId.current = detail?.id;
    setDirty(false);
    setCoefficients(
      (doc?.coefficients ?? []).map((c) => ({
        name: c.name ?? "",
        ...Object.fromEntries(FACTORS.map((f) => [f.key, formatDecimal((c[f.key] as string | undefined) ?? "")])),
      })),
    );
    setOverhead({ percent: formatDecimal(doc?.overhead?.percent ?? ""), k: formatDecimal(doc?.overhead?.k ?? "") });
    setProfit({ percent: formatDecimal(doc?.profit?.percent ?? ""), k: formatDecimal(doc?.profit?.k ?? "") });
    setPrices({});
    setExtra((doc?.extra ?? []).map((x) => ({ kind: x.kind ?? "material", code: x.code ?? "", name: x.name ?? "", unit: x.unit ?? "", quantity: formatDecimal(x.quantity), price: formatDecimal(x.price) })));
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc]);

  if (!detail || !doc) {
    return (
      <section className="position-panel muted" data-testid="position-panel" aria-label="Свойства позиции">
        {props.loading ? "Загрузка позиции…" : "Выберите позицию, чтобы увидеть её коэффициенты, НР и СП, ресурсы"}
      </section>
    );
  }
  const id = detail.id;
  const update = (fields: Partial<Schemas["UpdatePositionChange"]>): Change => ({ op: "update_position", position_id: id, ...fields });
  const guard = (f: () => void) => {
    try {
      f();
      setError(null);
      setDirty(false);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const applyCoefficients = () =>
    guard(() => {
      const next: Coefficient[] = coefficients.map((c, i) => {
        const out: Coefficient = { name: c.name.trim() || `Коэффициент ${i + 1}` };
        for (const f of FACTORS) {
          const v = decimalOrThrow(c[f.key] ?? "", `Коэффициент ${i + 1}, ${f.label}`);
          if (v !== undefined) out[f.key] = v;
        }
        return out;
      });
      props.onChange("Коэффициенты позиции", update({ coefficients: next.length ? next : null }), update({ coefficients: doc.coefficients ?? null }));
    });

  const rateOf = (r: { percent: string; k: string }, what: string, prior?: Rate): Rate | null => {
    const percent = decimalOrThrow(r.percent, `${what}, %`);
    const k = decimalOrThrow(r.k, `${what}, коэффициент`);
    if (percent === undefined && k === undefined) return null;
    return { ...(prior?.code ? { code: prior.code } : {}), ...(percent !== undefined ? { percent } : {}), ...(k !== undefined ? { k } : {}) };
  };

  const applyRates = () =>
    guard(() => {
      props.onChange(
        "НР и СП позиции",
        update({ overhead: rateOf(overhead, "НР", doc.overhead), profit: rateOf(profit, "СП", doc.profit) }),
        update({ overhead: doc.overhead ?? null, profit: doc.profit ?? null }),
      );
    });

  const applyPrices = () =>
    guard(() => {
      const resources: Resource[] = (doc.resources ?? []).map((r, i) => {
        if (!(i in prices)) return r;
        const price = decimalOrThrow(prices[i], `Цена ресурса ${r.code ?? i + 1}`);
        const { price: _old, ...rest } = r;
        return price === undefined ? rest : { ...rest, price };
      });
      props.onChange("Цены ресурсов", update({ resources }), update({ resources: doc.resources ?? null }));
      setPrices({});
    });

  const applyExtra = () =>
    guard(() => {
      const next: ExtraLine[] = extra.map((x, i) => ({
        kind: (x.kind === "equipment" ? "equipment" : "material") as ExtraLine["kind"],
        ...(x.code ? { code: x.code } : {}),
        name: x.name || `Дополнительная строка ${i + 1}`,
        ...(x.unit ? { unit: x.unit } : {}),
        quantity: decimalOrThrow(x.quantity, `Строка ${i + 1}, количество`) ?? "0",
        price: decimalOrThrow(x.price, `Строка ${i + 1}, цена`) ?? "0",
      }));
      props.onChange("Дополнительные строки", update({ extra: next.length ? next : null }), update({ extra: doc.extra ?? null }));
    });

  const lines = detail.lines?.resources ?? [];
  return (
    <section className="position-panel" data-testid="position-panel" aria-label="Свойства позиции">
      <h2>
        {doc.code} <span className="muted">{doc.name}</span>
      </h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <fieldset disabled={props.readOnly} className="groups" onInput={() => setDirty(true)}>
        <div className="group">
          <h3>Коэффициенты</h3>
          <table className="list compact">
            <thead>
              <tr>
                <th>Наименование</th>
                {FACTORS.map((f) => (
                  <th key={f.key} className="num">
                    {f.label}
                  </th>
                ))}
                <th aria-label="Удалить" />
              </tr>
            </thead>
            <tbody>
              {coefficients.map((c, i) => (
                <tr key={i}>
                  <td>
                    <input aria-label={`Коэффициент ${i + 1}, наименование`} value={c.name} onChange={(e) => setCoefficients((cs) => cs.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
                  </td>
                  {FACTORS.map((f) => (
                    <td key={f.key}>
                      <input
                        aria-label={`Коэффициент ${i + 1}, ${f.label}`}
                        inputMode="decimal"
                        size={6}
                        value={c[f.key] ?? ""}
                        onChange={(e) => setCoefficients((cs) => cs.map((x, j) => (j === i ? { ...x, [f.key]: e.target.value } : x)))}
                        onKeyDown={(e) => e.key === "Enter" && applyCoefficients()}
                      />
                    </td>
                  ))}
                  <td>
                    <button type="button" className="link" aria-label={`Удалить коэффициент ${i + 1}`} onClick={() => setCoefficients((cs) => cs.filter((_, j) => j !== i))}>
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button type="button" onClick={() => setCoefficients((cs) => [...cs, { name: "", labor: "", machines: "", machinist_labor: "", materials: "" }])}>
              + Коэффициент
            </button>
            <button type="button" className="primary" onClick={applyCoefficients}>
              Применить коэффициенты
            </button>
          </div>
        </div>
        <div className="group">
          <h3>НР и СП позиции</h3>
          <div className="row">
            <label>
              НР, %
              <input inputMode="decimal" size={6} value={overhead.percent} placeholder={doc.overhead?.code ?? "по МДС"} onChange={(e) => setOverhead({ ...overhead, percent: e.target.value })} />
            </label>
            <label>
              НР, k
              <input inputMode="decimal" size={5} value={overhead.k} onChange={(e) => setOverhead({ ...overhead, k: e.target.value })} />
            </label>
            <label>
              СП, %
              <input inputMode="decimal" size={6} value={profit.percent} placeholder={doc.profit?.code ?? "по МДС"} onChange={(e) => setProfit({ ...profit, percent: e.target.value })} />
            </label>
            <label>
              СП, k
              <input inputMode="decimal" size={5} value={profit.k} onChange={(e) => setProfit({ ...profit, k: e.target.value })} />
            </label>
          </div>
          <div className="actions">
            <button type="button" className="primary" onClick={applyRates}>
              Применить НР и СП
            </button>
          </div>
        </div>
        <div className="group wide">
          <h3>Ресурсы</h3>
          <table className="list compact">
            <thead>
              <tr>
                <th>Вид</th>
                <th>Шифр</th>
                <th>Наименование</th>
                <th>Ед.</th>
                <th className="num">Расход</th>
                <th className="num">Кол-во</th>
                <th className="num">Цена</th>
                <th className="num">Сумма</th>
              </tr>
            </thead>
            <tbody>
              {(doc.resources ?? []).map((r, i) => {
                const market = r.kind === "material" || r.kind === "equipment";
                return (
                  <tr key={i} className={lines[i] && !lines[i].priced ? "unpriced" : ""}>
                    <td>{KIND_NAMES[r.kind]}</td>
                    <td>{r.code}</td>
                    <td>{r.name}</td>
                    <td>{r.unit}</td>
                    <td className="num">{formatDecimal(r.consumption)}</td>
                    <td className="num">{formatDecimal(lines[i]?.quantity)}</td>
                    <td className="num">
                      {market ? (
                        <input
                          aria-label={`Цена ресурса ${r.code ?? i + 1}`}
                          inputMode="decimal"
                          size={9}
                          value={i in prices ? prices[i] : formatDecimal(r.price ?? lines[i]?.price ?? "")}
                          onChange={(e) => setPrices((p) => ({ ...p, [i]: e.target.value }))}
                          onKeyDown={(e) => e.key === "Enter" && applyPrices()}
                        />
                      ) : (
                        formatMoney(lines[i]?.price)
                      )}
                    </td>
                    <td className="num">{formatMoney(lines[i]?.total)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {Object.keys(prices).length > 0 && (
            <div className="actions">
              <button type="button" onClick={() => setPrices({})}>
                Отменить
              </button>
              <button type="button" className="primary" onClick={applyPrices}>
                Применить цены
              </button>
            </div>
          )}
        </div>
        <div className="group wide">
          <h3>Дополнительные строки</h3>
          {extra.length > 0 && (
            <table className="list compact">
              <thead>
                <tr>
                  <th>Вид</th>
                  <th>Шифр</th>
                  <th>Наименование</th>
                  <th>Ед.</th>
                  <th className="num">Кол-во</th>
                  <th className="num">Цена</th>
                  <th aria-label="Удалить" />
                </tr>
              </thead>
              <tbody>
                {extra.map((x, i) => {
                  const set = (key: string, value: string) => setExtra((xs) => xs.map((y, j) => (j === i ? { ...y, [key]: value } : y)));
                  return (
                    <tr key={i}>
                      <td>
                        <select aria-label={`Строка ${i + 1}, вид`} value={x.kind} onChange={(e) => set("kind", e.target.value)}>
                          <option value="material">Материал</option>
                          <option value="equipment">Оборудование</option>
                        </select>
                      </td>
                      <td>
                        <input aria-label={`Строка ${i + 1}, шифр`} size={10} value={x.code} onChange={(e) => set("code", e.target.value)} />
                      </td>
                      <td>
                        <input aria-label={`Строка ${i + 1}, наименование`} value={x.name} onChange={(e) => set("name", e.target.value)} />
                      </td>
                      <td>
                        <input aria-label={`Строка ${i + 1}, единица`} size={5} value={x.unit} onChange={(e) => set("unit", e.target.value)} />
                      </td>
                      <td>
                        <input aria-label={`Строка ${i + 1}, количество`} inputMode="decimal" size={7} value={x.quantity} onChange={(e) => set("quantity", e.target.value)} />
                      </td>
                      <td>
                        <input aria-label={`Строка ${i + 1}, цена`} inputMode="decimal" size={9} value={x.price} onChange={(e) => set("price", e.target.value)} />
                      </td>
                      <td>
                        <button type="button" className="link" aria-label={`Удалить строку ${i + 1}`} onClick={() => setExtra((xs) => xs.filter((_, j) => j !== i))}>
                          ✕
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <div className="actions">
            <button type="button" onClick={() => setExtra((xs) => [...xs, { kind: "material", code: "", name: "", unit: "", quantity: "", price: "" }])}>
              + Строка
            </button>
            <button type="button" className="primary" onClick={applyExtra}>
              Применить строки
            </button>
          </div>
        </div>
      </fieldset>
    </section>
  );
}
