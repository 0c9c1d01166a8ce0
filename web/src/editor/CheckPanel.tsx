// The estimate checked as state expertise checks it (POST /estimates/{id}/check): the findings
// beside the grid, errors first in the filter, each with the position's number, what is wrong
// and how to mend it. Enter or a click on a finding goes to its position in the grid; ↑/↓ move
// through the list. The check runs again for each new version of the estimate.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";

type Finding = Schemas["CheckFinding"];
type Severity = Finding["severity"];

const SEVERITY: Record<Severity, string> = { error: "ошибка", warning: "предупреждение", info: "замечание" };

export function CheckPanel(props: { estimateId: number; version: number; onGo(positionId: number): void; onClose(): void }) {
  const [filter, setFilter] = useState<Severity | "all">("all");
  const [current, setCurrent] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const check = useQuery({
    queryKey: ["check", props.estimateId, props.version],
    queryFn: async () => unwrap(await api.POST("/api/v1/estimates/{id}/check", { params: { path: { id: props.estimateId } } })),
  });
  const all = check.data?.findings ?? [];
  const items = filter === "all" ? all : all.filter((f) => f.severity === filter);
  useEffect(() => setCurrent(0), [filter, props.version]);

  const focusItem = (i: number) => listRef.current?.querySelector<HTMLButtonElement>(`button.finding[data-index="${i}"]`)?.focus();
  const go = (f: Finding) => {
    if (f.position_id != null) props.onGo(f.position_id);
  };
  const summary = check.data?.summary;

  return (
    <aside className="base-panel check-panel" data-testid="check-panel" aria-label="Проверка сметы">
      <div className="base-head">
        <h2>Проверка сметы</h2>
        <button type="button" onClick={() => void check.refetch()} disabled={check.isFetching} title="Проверить снова">
          ↻
        </button>
        <button type="button" onClick={props.onClose} aria-label="Закрыть проверку">
          ×
        </button>
      </div>
      {check.isLoading && <p className="muted">Проверяем смету по правилам экспертизы…</p>}
      {check.error && (
        <p className="error" role="alert">
          {check.error.message}
        </p>
      )}
      {summary && (
        <>
          <p className="muted" aria-live="polite">
            {check.data!.rules} правил{check.data!.release ? ` · база «${check.data!.release.name}»` : ""} · версия {check.data!.version}
          </p>
          <div className="mode-switch" role="group" aria-label="Показать">
            <button type="button" aria-pressed={filter === "all"} onClick={() => setFilter("all")}>
              Все {all.length}
            </button>
            <button type="button" aria-pressed={filter === "error"} onClick={() => setFilter("error")}>
              Ошибки {summary.error}
            </button>
            <button type="button" aria-pressed={filter === "warning"} onClick={() => setFilter("warning")}>
              Предупр. {summary.warning}
            </button>
            <button type="button" aria-pressed={filter === "info"} onClick={() => setFilter("info")}>
              Замеч. {summary.info}
            </button>
          </div>
          {all.length === 0 && <p className="ok-note">Замечаний нет: смета прошла все проверки.</p>}
        </>
      )}
      <ul ref={listRef} className="hits findings" aria-label="Замечания проверки">
        {items.map((f, i) => (
          <li key={`${f.rule}:${f.position_id ?? "e"}:${f.field}:${i}`} className={i === current ? "current" : ""} data-testid="finding">
            <button
              type="button"
              className="hit finding"
              data-index={i}
              data-rule={f.rule}
              data-position-id={f.position_id ?? undefined}
              title={f.position_id != null ? "Enter — перейти к позиции" : undefined}
              onFocus={() => setCurrent(i)}
              onClick={() => go(f)}
              onKeyDown={(e) => {
                if (e.key === "ArrowDown") focusItem(Math.min(items.length - 1, i + 1));
                else if (e.key === "ArrowUp") focusItem(Math.max(0, i - 1));
                else if (e.key === "Enter") go(f);
                else return;
                e.preventDefault();
              }}
            >
              <span className="code">
                <span className={`badge severity ${f.severity}`}>{SEVERITY[f.severity]}</span>{" "}
                {f.position_id != null ? `поз. ${f.number || "—"} · ${f.code}` : "смета в целом"}
              </span>
              <span className="name">{f.title}</span>
              <span className="message">{f.message}</span>
              <span className="fix">→ {f.fix}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
