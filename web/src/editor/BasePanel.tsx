// The normative base beside the estimate: search as one types (the words the service matched are
// marked), filters by family and collection, a norm card priced for the estimate's region and
// quarter, and adding to the current section by the button, Enter, or dragging onto the grid.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { formatDecimal, formatMoney } from "../lib/decimal";
import { NORM_MIME } from "./Grid";
import { FamilySelect, useDebounced } from "./baseFilters";
import { SuggestPanel } from "./SuggestPanel";

type Hit = Schemas["NormHit"];

/** The name with the matched words marked, from the offsets the service gives (no HTML parsing). */
export function Highlighted({ text, ranges }: { text: string; ranges: number[][] }) {
  const parts: JSX.Element[] = [];
  let at = 0;
  ranges.forEach(([start, end], i) => {
    if (start < at || end <= start || end > text.length) return;
    if (start > at) parts.push(<span key={`t${i}`}>{text.slice(at, start)}</span>);
    parts.push(<mark key={`m${i}`}>{text.slice(start, end)}</mark>);
    at = end;
  });
  if (at < text.length) parts.push(<span key="rest">{text.slice(at)}</span>);
  return <>{parts}</>;
}

export function BasePanel(props: {
  region: string;
  zone: string;
  quarter: string;
  canAdd: boolean;
  sectionName?: string;
  onAdd(hit: { family: string; code: string; name: string }): void;
  onClose(): void;
}) {
  const [mode, setMode] = useState<"search" | "suggest">("search");
  const [text, setText] = useState("");
  const [family, setFamily] = useState("");
  const [collection, setCollection] = useState("");
  const [current, setCurrent] = useState(0);
  const [card, setCard] = useState<Hit | null>(null);
  const q = useDebounced(text.trim(), 120);
  const listRef = useRef<HTMLUListElement>(null);

  const search = useQuery({
    queryKey: ["norms", q, family, collection],
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/norms", {
          params: { query: { q, limit: 40, ...(family ? { family } : {}), ...(collection ? { collection } : {}) } },
        }),
      ),
  });
  const hits = q.length > 0 ? (search.data?.items ?? []) : [];

  useEffect(() => {
    setCurrent(0);
    setCard(null);
  }, [q, family, collection]);

  const add = (hit: Hit) => props.onAdd({ family: hit.family, code: hit.code, name: hit.name });

  const focusHit = (i: number) => listRef.current?.querySelector<HTMLButtonElement>(`button.hit[data-index="${i}"]`)?.focus();

  const onHitKey = (e: React.KeyboardEvent, i: number) => {
    if (e.key === "ArrowDown") focusHit(Math.min(hits.length - 1, i + 1));
    else if (e.key === "ArrowUp") {
      if (i === 0) listRef.current?.closest("aside")?.querySelector<HTMLInputElement>("input[type=search]")?.focus();
      else focusHit(i - 1);
    } else if (e.key === "Enter" && props.canAdd) add(hits[i]);
    else return;
    e.preventDefault();
  };

  return (
    <aside className="base-panel" data-testid="base-panel" aria-label="Нормативная база">
      <div className="base-head">
        <h2>Нормативная база</h2>
        <button type="button" className="link" onClick={props.onClose} aria-label="Скрыть нормативную базу">
          ✕
        </button>
      </div>
      <div className="mode-switch" role="group" aria-label="Как искать нормы">
        <button type="button" aria-pressed={mode === "search"} onClick={() => setMode("search")}>
          Поиск по базе
        </button>
        <button type="button" aria-pressed={mode === "suggest"} onClick={() => setMode("suggest")} title="Ассистент подберёт нормы по описанию работы">
          Подбор по описанию
        </button>
      </div>
      {mode === "suggest" ? (
        <SuggestPanel canAdd={props.canAdd} sectionName={props.sectionName} onAdd={props.onAdd} />
      ) : (
        <>
          <label>
            Поиск в нормативной базе
            <input
              type="search"
              value={text}
              placeholder="шифр или слова: кладка кирпич 08-02"
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "ArrowDown" && hits.length > 0) {
                  e.preventDefault();
                  focusHit(0);
                } else if (e.key === "Enter" && hits[current] && props.canAdd) {
                  e.preventDefault();
                  add(hits[current]);
                }
              }}
            />
          </label>
          <div className="filters">
            <FamilySelect value={family} onChange={setFamily} />
            <label>
              Сборник №
              <input value={collection} onChange={(e) => setCollection(e.target.value.trim())} placeholder="08" size={4} />
            </label>
          </div>
          {search.error && <p className="error">{search.error.message}</p>}
          {q && search.data && (
            <p className="muted" aria-live="polite">
              Найдено: {search.data.total}
              {search.data.unknown_words.length > 0 && <> · не найдены слова: {search.data.unknown_words.join(", ")}</>}
              {props.canAdd && props.sectionName && <> · добавление в раздел «{props.sectionName}»</>}
            </p>
          )}
          <ul ref={listRef} className="hits" aria-label="Найденные нормы">
            {hits.map((hit, i) => (
              <li
                key={`${hit.family}:${hit.code}`}
                data-testid="norm-hit"
                className={i === current ? "current" : ""}
                draggable={props.canAdd}
                onDragStart={(e) => {
                  e.dataTransfer.setData(NORM_MIME, JSON.stringify({ family: hit.family, code: hit.code }));
                  e.dataTransfer.setData("text/plain", hit.full_code);
                  e.dataTransfer.effectAllowed = "copy";
                }}
              >
                <button
                  type="button"
                  className="hit"
                  data-index={i}
                  aria-current={card?.code === hit.code && card.family === hit.family ? "true" : undefined}
                  title={props.canAdd ? "Enter — добавить в смету, пробел — карточка нормы" : "Карточка нормы"}
                  onFocus={() => setCurrent(i)}
                  onClick={() => {
                    setCurrent(i);
                    setCard(hit);
                  }}
                  onKeyDown={(e) => onHitKey(e, i)}
                >
                  <span className="code">
                    {hit.full_code} <span className="unit muted">{hit.unit}</span>
                  </span>
                  <span className="name">
                    <Highlighted text={hit.name} ranges={hit.name_highlights} />
                  </span>
                </button>
                {props.canAdd && (
                  <button type="button" tabIndex={-1} className="add" aria-label={`Добавить ${hit.full_code} в смету`} onClick={() => add(hit)}>
                    +
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {mode === "search" && card && <NormCard hit={card} region={props.region} zone={props.zone} quarter={props.quarter} canAdd={props.canAdd} onAdd={() => add(card)} onClose={() => setCard(null)} />}
    </aside>
  );
}

function NormCard(props: { hit: Hit; region: string; zone: string; quarter: string; canAdd: boolean; onAdd(): void; onClose(): void }) {
  const { hit, region, zone, quarter } = props;
  const priced = region !== "" && quarter !== "";
  const norm = useQuery({
    queryKey: ["norm", hit.family, hit.code, region, zone, quarter],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/norms/{family}/{code}", {
          params: {
            path: { family: hit.family, code: hit.code },
            query: priced ? { region, quarter, ...(zone ? { zone: Number(zone) } : {}) } : {},
          },
        }),
      ),
  });
  const n = norm.data;
  const pricedResources = n?.priced?.position.resources ?? [];
  return (
    <section className="norm-card" data-testid="norm-card" aria-label={`Норма ${hit.full_code}`}>
      <div className="base-head">
        <h3>
          {hit.full_code} <span className="muted">{hit.unit}</span>
        </h3>
        <button type="button" className="link" onClick={props.onClose} aria-label="Закрыть карточку нормы">
          ✕
        </button>
      </div>
      {norm.isLoading && <p className="muted">Загрузка…</p>}
      {norm.error && <p className="error">{norm.error.message}</p>}
      {n && (
        <>
          <p>{n.name}</p>
          <p className="muted path">{n.path.map((s) => `${s.code} ${s.name}`).join(" › ")}</p>
          {n.content.length > 0 && (
            <>
              <h4>Состав работ</h4>
              <ol className="content">
                {n.content.map((c, i) => (
                  <li key={i}>{c}</li>
                ))}
              </ol>
            </>
          )}
          <h4>Ресурсы {priced ? `(цены ${region}, зона ${zone || "1"}, ${quarter})` : "(укажите регион и квартал сметы, чтобы увидеть цены)"}</h4>
          <table className="list compact">
            <thead>
              <tr>
                <th>Шифр</th>
                <th>Наименование</th>
                <th>Ед.</th>
                <th className="num">Расход</th>
                {priced && <th className="num">Цена</th>}
              </tr>
            </thead>
            <tbody>
              {n.resources.map((r, i) => {
                const p = pricedResources.find((x) => x.code === r.code);
                return (
                  <tr key={`${r.code}-${i}`}>
                    <td>{r.code}</td>
                    <td>{r.name}</td>
                    <td>{r.unit}</td>
                    <td className="num">{r.by_project ? "П" : formatDecimal(r.consumption)}</td>
                    {priced && <td className="num">{p?.price ? formatMoney(p.price) : "—"}</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {n.priced && (
            <p>
              Стоимость единицы: <strong className="num">{formatMoney(n.priced.figures.total)}</strong> (ОТ {formatMoney(n.priced.figures.ot)}, ЭМ{" "}
              {formatMoney(n.priced.figures.em)}, М {formatMoney(n.priced.figures.m)})
              {n.priced.warnings.length > 0 && <span className="muted"> · {n.priced.warnings.join("; ")}</span>}
            </p>
          )}
          {props.canAdd && (
            <button type="button" className="primary" onClick={props.onAdd}>
              Добавить в смету
            </button>
          )}
        </>
      )}
    </section>
  );
}
