// What a release (a draft the collector brought in) changes against the active one: norms added,
// removed and changed; the price book's base prices; for each price set, the prices that moved
// by more than the threshold against the same or the previous quarter. The admin activates it
// from here once the report reads right.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useSession } from "../../app/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { formatQuarter } from "../../components/format";
import { LoadError, Loading } from "../../components/QueryState";
import { notify } from "../../components/Toast";
import { NotFoundPage } from "../NotFoundPage";
import { routeId } from "../queries";
import { useActivateRelease, useReleaseDiff, type ReleaseDiff } from "./collector";
import { territoryText } from "./ReleasesTab";

const SHOWN = 50;
const number = (n: number) => n.toLocaleString("ru-RU");

function money(text: string | null): string {
  if (text === null) return "—";
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  return `${negative ? "−" : ""}${Number(whole).toLocaleString("ru-RU")},${fraction.padEnd(2, "0")}`;
}

function percent(text: string | null): string {
  if (text === null) return "—";
  const n = Number(text);
  return `${n > 0 ? "+" : ""}${text.replace(".", ",")} %`;
}

const CHANGE: Record<string, string> = { added: "добавлена", removed: "исключена", changed: "изменена" };
const SET_STATE: Record<string, string> = {
  new: "новый набор",
  new_quarter: "новый квартал",
  same_quarter: "тот же квартал",
  removed: "нет в релизе",
};

/** Prices before and after, the largest moves first (the first SHOWN of them). */
function PriceTable({ items, label }: { items: ReleaseDiff["resources"]["items"]; label: string }) {
  return (
    <table className="list" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Код</th>
          <th scope="col">Наименование</th>
          <th scope="col" className="num">
            Было
          </th>
          <th scope="col" className="num">
            Стало
          </th>
          <th scope="col" className="num">
            Изменение
          </th>
        </tr>
      </thead>
      <tbody>
        {items.slice(0, SHOWN).map((p) => (
          <tr key={p.code}>
            <td className="nowrap">{p.code}</td>
            <td>{p.name || <span className="muted">нет в ФСБЦ релиза</span>}</td>
            <td className="num">{money(p.before)}</td>
            <td className="num">{money(p.after)}</td>
            <td className="num">{percent(p.percent)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PriceSets({ diff }: { diff: ReleaseDiff }) {
  if (diff.price_sets.length === 0) return <p className="muted">Текущих цен нет ни в одном из релизов.</p>;
  return (
    <>
      {diff.price_sets.map((s, i) => (
        <section key={i} className="diff-set" aria-label={`Цены: ${territoryText(s.territory)}`}>
          <h4>
            {territoryText(s.territory)} <span className="badge">{SET_STATE[s.state]}</span>
          </h4>
          <p>
            {s.state === "removed"
              ? `${number(s.prices)} цен есть только в активном релизе.`
              : s.compared_with
                ? `${number(s.prices)} цен; к ${formatQuarter(s.compared_with.quarter)}: изменилось ${number(s.changed)}, ` +
                  `из них больше чем на ${diff.threshold_percent.replace(".", ",")} % — ${number(s.moved)}; ` +
                  `новых кодов ${number(s.added)}, исчезло ${number(s.removed)}.`
                : `${number(s.prices)} цен; сравнить не с чем.`}
          </p>
          {s.moved_prices.length > 0 && (
            <PriceTable items={s.moved_prices} label={`Цены, изменившиеся больше чем на ${diff.threshold_percent} %`} />
          )}
          {s.moved_prices.length > SHOWN && (
            <p className="muted">
              Показаны {SHOWN} наибольших изменений из {number(s.moved)}.
            </p>
          )}
        </section>
      ))}
    </>
  );
}

export default function ReleaseDiffPage() {
  const id = routeId(useParams().releaseId);
  const diff = useReleaseDiff(id);
  const activate = useActivateRelease();
  const navigate = useNavigate();
  const { can } = useSession();
  const [confirm, setConfirm] = useState(false);

  if (!Number.isFinite(id)) return <NotFoundPage />;
  if (diff.isPending) return <Loading />;
  if (diff.isError) return <LoadError error={diff.error} onRetry={() => void diff.refetch()} />;
  const d = diff.data;
  return (
    <div data-testid="release-diff">
      <p>
        <Link to="/admin/releases">← Релизы базы</Link>
      </p>
      <h2>
        Что изменится: «{d.release.name}» вместо «{d.against.name}»
      </h2>
      <div className="page-bar">
        <p className="grow">
          {d.empty ? (
            "Релизы совпадают по нормам, ресурсам и ценам."
          ) : (
            <>
              Нормы: добавлено {number(d.norms.added)}, исключено {number(d.norms.removed)}, изменено{" "}
              {number(d.norms.changed)}. Ресурсы ФСБЦ: добавлено {number(d.resources.added)}, исключено{" "}
              {number(d.resources.removed)}, изменилась базисная цена у {number(d.resources.repriced)}.
            </>
          )}
        </p>
        {can("import_base") && !d.release.active && (
          <button type="button" className="primary" onClick={() => setConfirm(true)}>
            Активировать
          </button>
        )}
      </div>

      <h3>Текущие цены</h3>
      <PriceSets diff={d} />

      <h3>Нормы</h3>
      {d.norms.items.length === 0 ? (
        <p className="muted">Нормы те же.</p>
      ) : (
        <table className="list" aria-label="Изменения норм">
          <thead>
            <tr>
              <th scope="col">Шифр</th>
              <th scope="col">Наименование</th>
              <th scope="col">Изменение</th>
            </tr>
          </thead>
          <tbody>
            {d.norms.items.slice(0, SHOWN).map((n) => (
              <tr key={n.family + n.code}>
                <td className="nowrap">{n.full_code}</td>
                <td>{n.name}</td>
                <td>
                  {CHANGE[n.change]}
                  {n.detail ? `: ${n.detail}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.norms.items.length > SHOWN && (
        <p className="muted">
          Показаны {SHOWN} из {number(d.norms.added + d.norms.removed + d.norms.changed)}.
        </p>
      )}

      <h3>Базисные цены ФСБЦ</h3>
      {d.resources.items.length === 0 ? (
        <p className="muted">Базисные цены те же.</p>
      ) : (
        <PriceTable items={d.resources.items} label="Изменения базисных цен" />
      )}
      {confirm && (
        <ConfirmDialog
          title="Активировать релиз?"
          message={
            <p>
              «{d.release.name}» станет активным вместо «{d.against.name}»: по нему будут считаться нормы и цены всех смет.
              Активацию можно откатить.
            </p>
          }
          confirmLabel="Активировать"
          danger={false}
          onConfirm={async () => {
            const now = await activate.mutateAsync(d.release.id);
            notify(`Активный релиз: «${now.name}»`);
            navigate("/admin/releases");
          }}
          onClose={() => setConfirm(false)}
        />
      )}
    </div>
  );
}
