// Releases of the normative base (ФСНБ-2022 with its additions, current prices by region and
// quarter): what each holds, its state (the active one prices the estimates; a draft waits for
// review; a retired one was active before), the report of what a draft changes, activation and
// rolling back (admins). The data collector brings drafts in (the «Сбор данных» tab).
import { useState } from "react";
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { useSession } from "../../app/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { formatBytes, formatDateTime, formatQuarter } from "../../components/format";
import { LoadError, Loading } from "../../components/QueryState";
import { notify } from "../../components/Toast";
import { useReleases } from "../queries";
import { FAMILY, RELEASE_STATE, useActivateRelease, useRollbackRelease } from "./collector";

type Release = Schemas["Release"];

const SOURCE_KINDS: Record<string, string> = {
  norms: "нормы",
  materials: "материалы (ФСБЦ)",
  machines: "машины (ФСЭМ)",
  equipment: "оборудование",
  price_book: "ФСБЦ",
  rates: "НР и СП",
  tech_groups: "технологические группы",
  coefficients: "коэффициенты",
  prices: "текущие цены",
  current_prices: "текущие цены",
  labor_prices: "оплата труда",
  transport_prices: "перевозка",
  group_indices: "индексы по группам ресурсов (ГОСР)",
  archive: "архив",
};

function baseName(path: string): string {
  return path.split("/").slice(-2).join("/");
}

const number = (n: number) => n.toLocaleString("ru-RU");

export function territoryText(t: Schemas["PricedTerritory"]): string {
  return `${t.region_name ? `${t.region_name} (${t.region})` : `регион ${t.region}`}, зона ${t.zone}, ${formatQuarter(t.quarter)}`;
}

/** What a release holds, in an estimator's words. */
function Contents({ release }: { release: Release }) {
  const c = release.counts;
  if (!c) return <span className="muted">—</span>;
  const families = Object.entries(c.norms_by_family)
    .map(([f, n]) => `${FAMILY[f] ?? f} ${number(n)}`)
    .join(", ");
  return (
    <ul className="sources">
      <li>
        норм {number(c.norms)}
        {families && <span className="muted"> — {families}</span>}
      </li>
      <li>
        ресурсов ФСБЦ {number(c.resources)}
        <span className="muted">
          {" "}
          — машин {number(c.machines)}, материалов {number(c.materials)}, оборудования {number(c.equipment)}
        </span>
      </li>
      <li>
        ценовых наборов {number(c.price_sets)}, технологических групп {number(c.tech_groups)}
      </li>
      <li>
        коэффициентов {number(c.coefficients)}, нормативов НР и СП {number(c.rates)}
      </li>
    </ul>
  );
}

export function ReleasesTab() {
  const releases = useReleases();
  const { can } = useSession();
  const admin = can("import_base");
  const activate = useActivateRelease();
  const rollback = useRollbackRelease();
  const [confirm, setConfirm] = useState<Release | "rollback" | null>(null);
  const active = releases.data?.find((r) => r.active);

  return (
    <>
      <h2 className="visually-hidden">Релизы нормативной базы</h2>
      <div className="page-bar">
        <p className="muted grow">
          Сметы считаются по активному релизу. Новые дополнения ФСНБ и цены кварталов приходят из ФГИС ЦС черновиками
          (<Link to="/admin/collector">сбор данных</Link>): посмотрите, что изменилось, и активируйте.
        </p>
        {admin && (
          <button type="button" onClick={() => setConfirm("rollback")} disabled={!active}>
            Откатить активацию
          </button>
        )}
      </div>
      {releases.isPending && <Loading />}
      {releases.isError && <LoadError error={releases.error} onRetry={() => void releases.refetch()} />}
      {releases.data && (
        <table className="list" data-testid="releases-table" aria-label="Релизы нормативной базы">
          <thead>
            <tr>
              <th scope="col">Название</th>
              <th scope="col">Состояние</th>
              <th scope="col">Содержит</th>
              <th scope="col">Территории и кварталы</th>
              <th scope="col">Загружен</th>
              <th scope="col">Источники</th>
              <th scope="col">
                <span className="visually-hidden">Действия</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {releases.data.map((r) => {
              const state = RELEASE_STATE[r.state ?? (r.active ? "active" : "draft")];
              return (
                <tr key={r.id} data-testid={`release-${r.id}`}>
                  <td>
                    {r.name}
                    <div className="muted">
                      № {r.id}
                      {r.addition_number ? `, доп. ${r.addition_number}` : ""}, уровень цен {r.price_level}
                    </div>
                  </td>
                  <td>
                    <span className={`badge ${state.badge}`}>{state.text}</span>
                  </td>
                  <td>
                    <Contents release={r} />
                  </td>
                  <td>
                    {r.territories.length > 0 ? (
                      <ul className="sources">
                        {r.territories.map((t, i) => (
                          <li key={i}>{territoryText(t)}</li>
                        ))}
                      </ul>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="nowrap">{formatDateTime(r.imported_at)}</td>
                  <td>
                    <details>
                      <summary>{r.sources.length} файлов</summary>
                      <ul className="sources">
                        {r.sources.map((s) => (
                          <li key={s.name + s.sha256} title={`SHA-256 ${s.sha256}`}>
                            {baseName(s.name)}{" "}
                            <span className="muted">
                              — {SOURCE_KINDS[s.kind] ?? s.kind}, {formatBytes(s.bytes)}
                            </span>
                          </li>
                        ))}
                      </ul>
                    </details>
                  </td>
                  <td className="actions nowrap">
                    <div className="row-actions">
                      {!r.active && active && <Link to={`/admin/releases/${r.id}/diff`}>Что изменилось</Link>}
                      {admin && !r.active && (
                        <button type="button" onClick={() => setConfirm(r)}>
                          Активировать
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
            {releases.data.length === 0 && (
              <tr>
                <td colSpan={7} className="muted empty">
                  Нормативная база ещё не загружена: соберите её из ФГИС ЦС или загрузите командой <code>estimate-service import</code>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {confirm !== null && (
        <ConfirmDialog
          title={confirm === "rollback" ? "Откатить активацию?" : "Активировать релиз?"}
          message={
            confirm === "rollback" ? (
              <p>Активным снова станет релиз, который был активен до текущего. Сметы будут считаться по нему.</p>
            ) : (
              <p>
                «{confirm.name}» станет активным: по нему будут считаться нормы и цены всех смет
                {active ? ` вместо «${active.name}»` : ""}. Активацию можно откатить.
              </p>
            )
          }
          confirmLabel={confirm === "rollback" ? "Откатить" : "Активировать"}
          danger={false}
          onConfirm={async () => {
            const now = confirm === "rollback" ? await rollback.mutateAsync() : await activate.mutateAsync(confirm.id);
            notify(`Активный релиз: «${now.name}»`);
          }}
          onClose={() => setConfirm(null)}
        />
      )}
    </>
  );
}
