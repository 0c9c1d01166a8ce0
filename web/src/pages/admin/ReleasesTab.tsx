// Releases of the normative base (ФСНБ-2022 with its additions): which one prices the estimates,
// what files it was made from. Activating another release arrives with the collector work.
import type { Schemas } from "../../api/client";
import { useReleases } from "../queries";
import { formatBytes, formatDateTime, formatQuarter } from "../../components/format";
import { LoadError, Loading } from "../../components/QueryState";

type Release = Schemas["Release"];

/** Regions, zones and quarters a release has current prices for. */
function territoriesOf(release: Release): Schemas["PricedTerritory"][] | undefined {
  return release.territories.length > 0 ? release.territories : undefined;
}

const SOURCE_KINDS: Record<string, string> = {
  norms: "нормы",
  materials: "материалы (ФСБЦ)",
  machines: "машины (ФСЭМ)",
  equipment: "оборудование",
  rates: "НР и СП",
  tech_groups: "технологические группы",
  coefficients: "коэффициенты",
  prices: "текущие цены",
  current_prices: "текущие цены",
  labor_prices: "оплата труда",
  transport: "перевозка",
};

function baseName(path: string): string {
  return path.split("/").slice(-2).join("/");
}

export function ReleasesTab() {
  const releases = useReleases();
  const withTerritories = releases.data?.some((r) => territoriesOf(r) !== undefined) ?? false;

  return (
    <>
      <h2 className="visually-hidden">Релизы нормативной базы</h2>
      <p className="muted">
        Сметы считаются по активному релизу. Релиз загружается командой <code>estimate-service import</code>; выбор активного релиза
        из интерфейса появится вместе со сбором базы из ФГИС ЦС.
      </p>
      {releases.isPending && <Loading />}
      {releases.isError && <LoadError error={releases.error} onRetry={() => void releases.refetch()} />}
      {releases.data && (
        <table className="list" data-testid="releases-table" aria-label="Релизы нормативной базы">
          <thead>
            <tr>
              <th scope="col">Название</th>
              <th scope="col" className="num">
                Доп. №
              </th>
              <th scope="col">Уровень цен</th>
              <th scope="col">Загружен</th>
              <th scope="col">Состояние</th>
              {withTerritories && <th scope="col">Территории и кварталы</th>}
              <th scope="col">Источники</th>
            </tr>
          </thead>
          <tbody>
            {releases.data.map((r) => {
              const territories = territoriesOf(r);
              return (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td className="num">{r.addition_number || "—"}</td>
                  <td>{r.price_level}</td>
                  <td className="nowrap">{formatDateTime(r.imported_at)}</td>
                  <td>{r.active ? <span className="badge approved">активен</span> : <span className="badge">не активен</span>}</td>
                  {withTerritories && (
                    <td>
                      {territories && territories.length > 0 ? (
                        <ul className="sources">
                          {territories.map((t, i) => (
                            <li key={i}>
                              {t.region_name ? `${t.region_name} (${t.region})` : `регион ${t.region}`}
                              {t.zone ? `, зона ${t.zone}` : ""}, {formatQuarter(t.quarter)}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  )}
                  <td>
                    <ul className="sources">
                      {r.sources.map((s) => (
                        <li key={s.name + s.sha256} title={`SHA-256 ${s.sha256}`}>
                          {baseName(s.name)} <span className="muted">— {SOURCE_KINDS[s.kind] ?? s.kind}, {formatBytes(s.bytes)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              );
            })}
            {releases.data.length === 0 && (
              <tr>
                <td colSpan={withTerritories ? 7 : 6} className="muted empty">
                  Нормативная база ещё не загружена
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </>
  );
}
