// The audit log of the organization, newest first: who did what to which entity, with the
// request's id to find it in the service's log. Filters and pages are the service's (limit,
// offset); the page is full when it has `limit` records, so there may be a next one.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { useSession } from "../../app/session";
import { dayEndUtc, dayStartUtc, formatDateTime } from "../../components/format";
import { LoadError, Loading } from "../../components/QueryState";
import { useMembers } from "./useMembers";

type AuditRecord = Schemas["AuditRecord"];

interface Filters {
  entity_type?: string;
  entity_id?: string;
  actor?: number;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const PAGE_SIZES = [50, 100, 500];

const ACTIONS: { [action: string]: string } = {
  create: "создание",
  update: "изменение",
  delete: "удаление",
  status_change: "смена статуса",
  restore: "восстановление версии",
  login: "вход",
  login_failed: "неудачный вход",
  logout: "выход",
  password_change: "смена пароля",
  role_change: "смена роли",
  invite: "приглашение",
  accept_invitation: "принятие приглашения",
};

const ENTITIES: { [type: string]: string } = {
  project: "проект",
  object: "объект",
  estimate: "смета",
  membership: "участник",
  user: "пользователь",
  organization: "организация",
  session: "сеанс",
};

function Snapshot({ record }: { record: AuditRecord }) {
  if (!record.before && !record.after) return null;
  return (
    <details>
      <summary>данные</summary>
      {record.before && (
        <>
          <div className="muted">до</div>
          <pre className="snapshot">{JSON.stringify(record.before, null, 1)}</pre>
        </>
      )}
      {record.after && (
        <>
          <div className="muted">после</div>
          <pre className="snapshot">{JSON.stringify(record.after, null, 1)}</pre>
        </>
      )}
    </details>
  );
}

function FilterForm({ members, onApply, initial }: { members: Schemas["Member"][]; onApply: (f: Filters) => void; initial: Filters }) {
  const [entityType, setEntityType] = useState(initial.entity_type ?? "");
  const [entityId, setEntityId] = useState(initial.entity_id ?? "");
  const [actor, setActor] = useState(initial.actor ? String(initial.actor) : "");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [limit, setLimit] = useState(initial.limit);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({
      entity_type: entityType || undefined,
      entity_id: entityId.trim() || undefined,
      actor: actor ? Number(actor) : undefined,
      from: from ? dayStartUtc(from) : undefined,
      to: to ? dayEndUtc(to) : undefined,
      limit,
      offset: 0,
    });
  };

  return (
    <form className="toolbar filters" onSubmit={submit} aria-label="Отбор записей журнала">
      <label>
        Что
        <select value={entityType} onChange={(e) => setEntityType(e.target.value)}>
          <option value="">всё</option>
          {Object.entries(ENTITIES).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Номер (id)
        <input value={entityId} onChange={(e) => setEntityId(e.target.value)} size={8} inputMode="numeric" />
      </label>
      <label>
        Кто
        <select value={actor} onChange={(e) => setActor(e.target.value)}>
          <option value="">все</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.display_name ? `${m.display_name} (${m.email})` : m.email}
            </option>
          ))}
        </select>
      </label>
      <label>
        С даты
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        По дату
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <label>
        На странице
        <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Показать</button>
    </form>
  );
}

export function AuditTab() {
  const { can } = useSession();
  const allowed = can("read_audit");
  const [filters, setFilters] = useState<Filters>({ limit: 100, offset: 0 });
  const members = useMembers(can("manage_users"));
  const audit = useQuery({
    queryKey: ["audit", filters],
    queryFn: async () => unwrap(await api.GET("/api/v1/audit", { params: { query: filters } })),
    placeholderData: keepPreviousData,
    enabled: allowed,
  });

  if (!allowed) return <p className="notice">Недостаточно прав: журнал действий доступен администратору организации.</p>;

  const who = (id: number | null) => {
    if (id === null) return <span className="muted">система</span>;
    const m = members.data?.find((x) => x.id === id);
    return m ? <span title={m.email}>{m.display_name || m.email}</span> : `пользователь №${id}`;
  };
  const page = Math.floor(filters.offset / filters.limit) + 1;
  const full = (audit.data?.length ?? 0) === filters.limit;

  return (
    <>
      <h2 className="visually-hidden">Журнал действий</h2>
      <FilterForm members={members.data ?? []} onApply={setFilters} initial={filters} />
      {audit.isPending && <Loading />}
      {audit.isError && <LoadError error={audit.error} onRetry={() => void audit.refetch()} />}
      {audit.data && (
        <>
          <table className="list" data-testid="audit-table" aria-label="Журнал действий" aria-busy={audit.isFetching}>
            <thead>
              <tr>
                <th scope="col">Время</th>
                <th scope="col">Кто</th>
                <th scope="col">Действие</th>
                <th scope="col">Что</th>
                <th scope="col">Запрос</th>
                <th scope="col">Подробности</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{formatDateTime(r.at)}</td>
                  <td>{who(r.actor_user_id)}</td>
                  <td>{ACTIONS[r.action] ?? r.action}</td>
                  <td>
                    {ENTITIES[r.entity_type] ?? r.entity_type} №{r.entity_id}
                  </td>
                  <td>
                    <code className="muted">{r.request_id}</code>
                  </td>
                  <td>
                    <Snapshot record={r} />
                  </td>
                </tr>
              ))}
              {audit.data.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted empty">
                    Записей нет
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <nav className="pager" aria-label="Страницы журнала">
            <button type="button" disabled={filters.offset === 0} onClick={() => setFilters((f) => ({ ...f, offset: Math.max(0, f.offset - f.limit) }))}>
              ← Новее
            </button>
            <span>
              Страница {page}
              {audit.isFetching ? " — загрузка…" : ""}
            </span>
            <button type="button" disabled={!full} onClick={() => setFilters((f) => ({ ...f, offset: f.offset + f.limit }))}>
              Старее →
            </button>
          </nav>
        </>
      )}
    </>
  );
}
