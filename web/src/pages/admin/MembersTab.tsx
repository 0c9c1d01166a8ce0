// Members of the organization: add one (a new account, or an invitation when the address has an
// account elsewhere), change a role, remove — each change ends that member's sessions.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api, unwrap, type Role, type Schemas } from "../../api/client";
import { ROLE_NAMES } from "../../app/permissions";
import { useSession } from "../../app/session";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorText } from "../../components/errors";
import { FormDialog } from "../../components/FormDialog";
import { COMMON } from "../../components/messages";
import { LoadError, Loading } from "../../components/QueryState";
import { SearchBox } from "../../components/SearchBox";
import { useShortcuts } from "../../components/shortcuts";
import { Highlight, matchesSearch, onRowArrowKeys, SortHeader, useSort } from "../../components/sortable";
import { notify, notifyError } from "../../components/Toast";
import { useMembers } from "./useMembers";

type Member = Schemas["Member"];
type Key = "email" | "name" | "role" | "active";
const ROLES: Role[] = ["admin", "estimator", "reviewer", "viewer"];
const ROLE_ORDER: Record<Role, number> = { admin: 0, estimator: 1, reviewer: 2, viewer: 3 };

function AddMemberDialog({ onAdd, onClose }: { onAdd: (m: Schemas["NewMember"]) => Promise<unknown>; onClose: () => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("estimator");
  const [password, setPassword] = useState("");
  const valid = /\S+@\S+/.test(email) && password.length >= 10;
  return (
    <FormDialog
      title="Новый участник"
      submitLabel="Добавить"
      valid={valid}
      onSubmit={() => onAdd({ email: email.trim(), display_name: name.trim() || undefined, role, password })}
      onClose={onClose}
    >
      <label>
        Электронная почта
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" data-autofocus />
      </label>
      <label>
        Имя
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" placeholder="Иванова А. С." />
      </label>
      <label>
        Роль
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_NAMES[r]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Пароль (не короче 10 символов)
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
      </label>
      <p className="muted">Если у адреса уже есть учётная запись в другой организации, ей будет отправлено приглашение, а пароль не изменится.</p>
    </FormDialog>
  );
}

export function MembersTab() {
  const { me, can } = useSession();
  const manage = can("manage_users");
  const queryClient = useQueryClient();
  const members = useMembers(manage);
  const [query, setQuery] = useState("");
  const [dialog, setDialog] = useState<{ kind: "add" } | { kind: "remove"; member: Member } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["members"] });

  const add = useMutation({
    mutationFn: async (member: Schemas["NewMember"]) => unwrap(await api.POST("/api/v1/users", { body: member })),
    onSuccess: (answer) => {
      void refresh();
      if ("status" in answer && answer.status === "invited") {
        notify(`${answer.email}: учётная запись уже есть — отправлено приглашение (${ROLE_NAMES[answer.role]})`);
      } else {
        notify(`${answer.email} добавлен(а): ${ROLE_NAMES[answer.role]}`);
      }
    },
  });
  const changeRole = useMutation({
    mutationFn: async ({ member, role }: { member: Member; role: Role }) =>
      unwrap(await api.PATCH("/api/v1/users/{id}", { params: { path: { id: member.id } }, body: { role } })),
    onSuccess: (member) => notify(`${member.email}: роль «${ROLE_NAMES[member.role]}»; сеансы участника завершены`),
    onError: (error, { member }) => notifyError(`Роль ${member.email} не изменена: ${errorText(error)}`),
    onSettled: () => refresh(),
  });
  const remove = useMutation({
    mutationFn: async (member: Member) => unwrap(await api.DELETE("/api/v1/users/{id}", { params: { path: { id: member.id } } })),
    onSuccess: (_, member) => notify(`${member.email} удалён(а) из организации`),
    onSettled: () => refresh(),
  });

  const filtered = members.data?.filter((m) => matchesSearch(query, m.email, m.display_name));
  const { sorted, sort, toggle } = useSort<Member, Key>(
    filtered,
    { email: (m) => m.email, name: (m) => m.display_name, role: (m) => ROLE_ORDER[m.role], active: (m) => m.active },
    { key: "email", direction: "ascending" },
  );
  useShortcuts({ search: () => searchRef.current?.focus(), create: manage ? () => setDialog({ kind: "add" }) : undefined });

  if (!manage) return <p className="notice">Недостаточно прав: участниками управляет администратор организации.</p>;

  return (
    <>
      <h2 className="visually-hidden">Участники</h2>
      <div className="toolbar">
        <SearchBox ref={searchRef} value={query} onChange={setQuery} label="Поиск участников" />
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setDialog({ kind: "add" })} aria-keyshortcuts="Alt+N" title="Alt+N">
          Добавить участника
        </button>
      </div>
      {members.isPending && <Loading />}
      {members.isError && <LoadError error={members.error} onRetry={() => void members.refetch()} />}
      {members.data && (
        <table className="list" data-testid="members-table" aria-label="Участники организации">
          <thead>
            <tr>
              <SortHeader label="Электронная почта" sortKey="email" sort={sort} onSort={toggle} />
              <SortHeader label="Имя" sortKey="name" sort={sort} onSort={toggle} />
              <SortHeader label="Роль" sortKey="role" sort={sort} onSort={toggle} />
              <SortHeader label="Учётная запись" sortKey="active" sort={sort} onSort={toggle} />
              <th scope="col" className="col-actions">
                <span className="visually-hidden">Действия</span>
              </th>
            </tr>
          </thead>
          <tbody onKeyDown={onRowArrowKeys}>
            {sorted.map((m) => {
              const self = m.id === me?.user.id;
              return (
                <tr key={m.id} data-row>
                  <td>
                    <Highlight text={m.email} query={query} />
                    {self && <span className="muted"> (вы)</span>}
                  </td>
                  <td>
                    <Highlight text={m.display_name} query={query} />
                  </td>
                  <td>
                    <select
                      value={m.role}
                      aria-label={`Роль ${m.email}`}
                      disabled={self || (changeRole.isPending && changeRole.variables?.member.id === m.id)}
                      title={self ? "Свою роль может изменить только другой администратор" : undefined}
                      onChange={(e) => changeRole.mutate({ member: m, role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_NAMES[r]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{m.active ? <span className="badge approved">активна</span> : <span className="badge">отключена</span>}</td>
                  <td className="col-actions">
                    {!self && (
                      <button type="button" className="danger" onClick={() => setDialog({ kind: "remove", member: m })} aria-label={`${COMMON.delete} ${m.email}`}>
                        {COMMON.delete}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
            {sorted.length === 0 && (
              <tr>
                <td colSpan={5} className="muted empty">
                  {COMMON.nothingFound}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {dialog?.kind === "add" && <AddMemberDialog onAdd={(m) => add.mutateAsync(m)} onClose={() => setDialog(null)} />}
      {dialog?.kind === "remove" && (
        <ConfirmDialog
          title="Удалить участника?"
          message={
            <p>
              {dialog.member.email} ({ROLE_NAMES[dialog.member.role]}) потеряет доступ к сметам организации; его сеансы будут завершены.
              Учётная запись и история его действий сохранятся.
            </p>
          }
          confirmLabel={COMMON.delete}
          onConfirm={() => remove.mutateAsync(dialog.member)}
          onClose={() => setDialog(null)}
        />
      )}
    </>
  );
}
