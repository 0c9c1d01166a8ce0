// Versions of the estimate: who and when, the diff of two versions with changed positions and
// figures marked, and restoring a past version as a new one.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { formatDateTime } from "../components/format";
import { formatDecimal, formatMoney } from "../lib/decimal";

type DiffItem = Schemas["DiffItem"];

// What the service writes as a version's summary when the caller gave none, in Russian.
const SUMMARIES: Record<string, string> = {
  created: "создана",
  restored: "восстановлена",
  imported: "импортирована",
  duplicated: "скопирована",
  update_header: "параметры сметы",
  add_section: "добавлен раздел",
  rename_section: "раздел переименован",
  remove_section: "раздел удалён",
  add_position: "добавлена позиция",
  update_position: "изменена позиция",
  remove_position: "удалена позиция",
  move_position: "перемещена позиция",
  status: "статус",
};

// "2 changes" (a batch) → «изменений: 2».
function summaryText(summary: string): string {
  const batch = /^(\d+) changes?$/.exec(summary);
  return batch ? `изменений: ${batch[1]}` : (SUMMARIES[summary] ?? summary);
}

// The header's fields as the estimator names them.
const HEADER_FIELDS: Record<string, string> = {
  name: "наименование",
  number: "номер",
  region: "регион",
  zone: "ценовая зона",
  quarter: "квартал",
  date: "дата",
  method: "метод",
  territory: "территория",
  status: "статус",
  basis: "основание",
  release_id: "редакция базы",
};

const SECTION_OPS: Record<string, string> = { added: "добавлен", removed: "удалён", changed: "изменён" };
const OPS: Record<string, string> = { added: "добавлена", removed: "удалена", changed: "изменена" };
const FIGURES: { key: keyof Schemas["PositionFigures"]; label: string }[] = [
  { key: "ot", label: "ОТ" },
  { key: "em", label: "ЭМ" },
  { key: "m", label: "М" },
  { key: "overhead", label: "НР" },
  { key: "profit", label: "СП" },
  { key: "total", label: "Всего" },
];

function Pair({ before, after, money }: { before?: string; after?: string; money?: boolean }) {
  const f = money ? formatMoney : formatDecimal;
  if (before === after) return <>{f(after)}</>;
  return (
    <span className="changed">
      {before !== undefined && <del>{f(before)}</del>} {after !== undefined && <ins>{f(after)}</ins>}
    </span>
  );
}

export function VersionsView(props: { estimateId: number; currentVersion: number; canRestore: boolean; onRestored(): void }) {
  const { estimateId } = props;
  const queryClient = useQueryClient();
  const versions = useQuery({
    queryKey: ["versions", estimateId],
    queryFn: async () => unwrap(await api.GET("/api/v1/estimates/{id}/versions", { params: { path: { id: estimateId } } })),
  });
  const list = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const a = from ?? list[1]?.version ?? null;
  const b = to ?? list[0]?.version ?? null;
  const diff = useQuery({
    queryKey: ["diff", estimateId, a, b],
    enabled: a !== null && b !== null && a !== b,
    queryFn: async () => unwrap(await api.GET("/api/v1/estimates/{id}/diff", { params: { path: { id: estimateId }, query: { from: a!, to: b! } } })),
  });
  const [error, setError] = useState<string | null>(null);

  const restore = async (version: number) => {
    if (!window.confirm(`Сделать версию ${version} текущей? Она станет новой версией сметы, история сохранится.`)) return;
    try {
      unwrap(
        await api.POST("/api/v1/estimates/{id}/restore", {
          params: { path: { id: estimateId }, header: { "If-Match": `"${props.currentVersion}"` } },
          body: { version },
        }),
      );
      setError(null);
      await queryClient.invalidateQueries({ queryKey: ["versions", estimateId] });
      props.onRestored();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="versions page" aria-label="Версии сметы">
      <h2>Версии</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <table className="list" data-testid="versions-table">
        <thead>
          <tr>
            <th>Версия</th>
            <th>Автор</th>
            <th>Время</th>
            <th>Что изменено</th>
            <th className="num">Изменений</th>
            <th>Сравнить: было</th>
            <th>стало</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((v) => (
            <tr key={v.version}>
              <td>{v.version}</td>
              <td>{v.actor_name || (v.actor_user_id ? `пользователь №${v.actor_user_id}` : "—")}</td>
              <td>{formatDateTime(v.created_at)}</td>
              <td>{summaryText(v.summary)}</td>
              <td className="num">{v.change_count}</td>
              <td>
                <input type="radio" name="from" aria-label={`Было: версия ${v.version}`} checked={a === v.version} onChange={() => setFrom(v.version)} />
              </td>
              <td>
                <input type="radio" name="to" aria-label={`Стало: версия ${v.version}`} checked={b === v.version} onChange={() => setTo(v.version)} />
              </td>
              <td>
                {props.canRestore && v.version !== props.currentVersion && (
                  <button type="button" onClick={() => void restore(v.version)}>
                    Восстановить
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {a !== null && b !== null && a !== b && (
        <>
          <h3>
            Сравнение версий {a} → {b}
          </h3>
          {diff.error && <p className="error">{diff.error.message}</p>}
          {diff.data && (
            <>
              {diff.data.header_fields.length > 0 && <p>Изменены параметры сметы: {diff.data.header_fields.map((f) => HEADER_FIELDS[f] ?? f).join(", ")}</p>}
              {diff.data.items.length === 0 && <p className="muted">Позиции не менялись.</p>}
              {diff.data.items.length > 0 && <DiffTable items={diff.data.items} />}
            </>
          )}
        </>
      )}
    </section>
  );
}

function DiffTable({ items }: { items: DiffItem[] }) {
  return (
    <table className="list diff" data-testid="diff-table">
      <thead>
        <tr>
          <th>Изменение</th>
          <th>Обоснование</th>
          <th>Наименование</th>
          <th className="num">Кол-во</th>
          {FIGURES.map((f) => (
            <th key={f.key} className="num">
              {f.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const before = item.before ?? undefined;
          const after = item.after ?? undefined;
          const doc = after?.document ?? before?.document;
          return (
            <tr key={`${item.kind}${item.id}`} className={`op-${item.op}`}>
              <td>
                {item.kind === "section" ? `раздел ${SECTION_OPS[item.op]}` : `позиция ${OPS[item.op]}`}
              </td>
              <td>{doc?.code}</td>
              <td>{item.kind === "section" ? <Pair before={before?.name} after={after?.name} /> : doc?.name}</td>
              <td className="num">
                <Pair before={before?.document?.quantity} after={after?.document?.quantity} />
              </td>
              {FIGURES.map((f) => (
                <td key={f.key} className="num">
                  <Pair before={before?.figures?.[f.key] as string | undefined} after={after?.figures?.[f.key] as string | undefined} money />
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
