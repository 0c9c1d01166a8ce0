// The assistant's norm suggestion in the base panel: the estimator writes the work as a bill of
// quantities does («ПНР вентустановки 12 тыс. м3/ч», «замена редуктора, 2 лифта в подъезде») and
// gets the norms of the active release ranked, each with its confidence and the reasons (words
// matched, the figure inside or outside the norm's range, unit, collection). Enter or «+» adds
// the current one to the section, as in the search.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api, ApiError, unwrap, type Schemas } from "../api/client";
import { FamilySelect, useDebounced } from "./baseFilters";

type Suggestion = Schemas["NormSuggestion"];

const CONFIDENCE: Record<Suggestion["confidence"], string> = {
  high: "высокая",
  medium: "средняя",
  low: "низкая",
};

export function SuggestPanel(props: { canAdd: boolean; sectionName?: string; onAdd(hit: { family: string; code: string; name: string }): void }) {
  const [text, setText] = useState("");
  const [unit, setUnit] = useState("");
  const [family, setFamily] = useState("");
  const [current, setCurrent] = useState(0);
  const q = useDebounced(text.trim(), 300);
  const u = useDebounced(unit.trim(), 300);
  const listRef = useRef<HTMLUListElement>(null);

  const suggest = useQuery({
    queryKey: ["suggest", q, u, family],
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    // While the model of the release is being prepared the service answers 503: ask again, for
    // about three minutes; anything else is shown as the service says it.
    retry: (count, error) => error instanceof ApiError && error.status === 503 && count < 60,
    retryDelay: 3000,
    queryFn: async () =>
      unwrap(
        await api.POST("/api/v1/ai/suggest", {
          body: { text: q, limit: 8, ...(u ? { unit: u } : {}), ...(family ? { family } : {}) },
        }),
      ),
  });
  const items = q.length > 0 ? (suggest.data?.suggestions ?? []) : [];
  const preparing = suggest.isFetching && suggest.failureReason instanceof ApiError && suggest.failureReason.status === 503;
  // The list answers what is typed now (not the previous description, still shown while the
  // new one is asked): only then may Enter add from it.
  const answered = q === text.trim() && u === unit.trim() && !suggest.isPlaceholderData && !suggest.isFetching;

  useEffect(() => setCurrent(0), [q, u, family]);

  const add = (s: Suggestion) => props.onAdd({ family: s.family, code: s.code, name: s.name });
  const focusItem = (i: number) => listRef.current?.querySelector<HTMLButtonElement>(`button.hit[data-index="${i}"]`)?.focus();

  return (
    <>
      <label>
        Описание работы, как в ведомости объёмов
        <textarea
          rows={2}
          maxLength={2000}
          value={text}
          placeholder="например: ПНР приточной установки 12 тыс. м3/ч"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown" && items.length > 0 && !e.shiftKey) {
              e.preventDefault();
              focusItem(0);
            } else if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              if (items[current] && props.canAdd && answered) add(items[current]);
            }
          }}
        />
      </label>
      <div className="filters">
        <FamilySelect value={family} onChange={setFamily} />
        <label>
          Ед. изм.
          <input value={unit} onChange={(e) => setUnit(e.target.value)} placeholder="шт" size={4} />
        </label>
      </div>
      {preparing && (
        <p className="muted" role="status">
          Ассистент готовит модель для действующей редакции базы — подбор появится через минуту.
        </p>
      )}
      {suggest.error && !preparing && (
        <p className="error" role="alert">
          {suggest.error instanceof ApiError && suggest.error.status === 503 ? `Подбор пока недоступен: ${suggest.error.message}` : suggest.error.message}
        </p>
      )}
      {q && suggest.data && (
        <p className="muted" aria-live="polite">
          {suggest.data.release.current ? "" : "Модель прежней редакции базы · "}
          Подобрано: {items.length}
          {props.canAdd && props.sectionName && <> · добавление в раздел «{props.sectionName}»</>}
        </p>
      )}
      <ul ref={listRef} className="hits suggestions" aria-label="Подобранные нормы">
        {items.map((s, i) => (
          <li key={`${s.family}:${s.code}`} data-testid="norm-suggestion" className={i === current ? "current" : ""}>
            <button
              type="button"
              className="hit"
              data-index={i}
              title={props.canAdd ? "Enter — добавить в смету" : undefined}
              onFocus={() => setCurrent(i)}
              onKeyDown={(e) => {
                if (e.key === "ArrowDown") focusItem(Math.min(items.length - 1, i + 1));
                else if (e.key === "ArrowUp") {
                  if (i === 0) listRef.current?.closest("aside")?.querySelector<HTMLTextAreaElement>("textarea")?.focus();
                  else focusItem(i - 1);
                } else if (e.key === "Enter" && props.canAdd) add(s);
                else return;
                e.preventDefault();
              }}
            >
              <span className="code">
                {s.full_code} <span className="unit muted">{s.unit}</span>{" "}
                <span className={`badge confidence ${s.confidence}`} title={`оценка ${Math.round(s.score * 100)} из 100`}>
                  {CONFIDENCE[s.confidence]}
                </span>
              </span>
              <span className="name">{s.name}</span>
              <ul className="reasons" aria-label="Почему эта норма">
                {s.reasons
                  .filter((r) => r.kind !== "meaning" || i === 0)
                  .map((r, k) => (
                    <li key={k} className={r.against ? "against" : ""}>
                      {r.against ? "✗ " : "✓ "}
                      {r.text}
                    </li>
                  ))}
              </ul>
            </button>
            {props.canAdd && (
              <button type="button" tabIndex={-1} className="add" aria-label={`Добавить ${s.full_code} в смету`} onClick={() => add(s)}>
                +
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
