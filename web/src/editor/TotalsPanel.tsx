// ИТОГИ ПО СМЕТЕ, always in view, exactly as the service computed them after the last edit.
import { formatMoney } from "../lib/decimal";
import type { Totals } from "./model";

const ITEMS: { key: keyof Totals; label: string; hint: string }[] = [
  { key: "ot", label: "ОТ", hint: "Оплата труда рабочих" },
  { key: "em", label: "ЭМ", hint: "Эксплуатация машин и механизмов" },
  { key: "otm", label: "в т.ч. ОТм", hint: "Оплата труда машинистов" },
  { key: "m", label: "М", hint: "Материалы" },
  { key: "equipment", label: "Оборудование", hint: "Оборудование" },
  { key: "direct", label: "Прямые", hint: "Прямые затраты" },
  { key: "fot", label: "ФОТ", hint: "Фонд оплаты труда" },
  { key: "overhead", label: "НР", hint: "Накладные расходы" },
  { key: "profit", label: "СП", hint: "Сметная прибыль" },
  { key: "construction", label: "Строительные", hint: "Строительные работы" },
  { key: "installation", label: "Монтажные", hint: "Монтажные работы" },
];

export function TotalsPanel({ totals, problem, busy }: { totals?: Totals; problem?: string; busy: boolean }) {
  return (
    <section className="totals" data-testid="totals" aria-label="Итоги по смете" aria-busy={busy}>
      {problem && !totals && <p className="error">Смета не считается: {problem}</p>}
      <dl>
        {ITEMS.map((i) => (
          <div key={i.key} title={i.hint}>
            <dt>{i.label}</dt>
            <dd className="num" data-total={i.key}>
              {totals ? formatMoney(totals[i.key] as string) : "—"}
            </dd>
          </div>
        ))}
        <div className="grand" title="Всего по смете">
          <dt>Всего по смете</dt>
          <dd className="num" data-total="total">
            {totals ? formatMoney(totals.total) : "—"}
          </dd>
        </div>
      </dl>
    </section>
  );
}
