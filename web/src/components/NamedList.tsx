// A list of things that have only a name and dates — the projects of the organization, the
// objects of a project: search as one types, sort by the headers, create, rename, delete with a
// confirmation. Each name is a link; ↑/↓ move between the rows.
import { useRef, useState } from "react";
import { Link } from "react-router-dom";
import { ConfirmDialog } from "./ConfirmDialog";
import { formatDate } from "./format";
import { NameDialog } from "./FormDialog";
import { COMMON } from "./messages";
import { LoadError, Loading } from "./QueryState";
import { SearchBox } from "./SearchBox";
import { useShortcuts } from "./shortcuts";
import { Highlight, matchesSearch, onRowArrowKeys, SortHeader, useSort } from "./sortable";

export interface NamedItem {
  id: number;
  name: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface NamedListLabels {
  /** «проектов» — in «Поиск проектов», «Проектов пока нет». */
  searchLabel: string;
  empty: string;
  createButton: string;
  createTitle: string;
  nameLabel: string;
  renameTitle: string;
  deleteTitle: string;
  deleteQuestion: (name: string) => string;
  tableLabel: string;
}

export interface NamedListProps<T extends NamedItem> {
  items: T[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  testId: string;
  labels: NamedListLabels;
  linkTo: (item: T) => string;
  canCreate: boolean;
  canRename: boolean;
  canDelete: boolean;
  onCreate: (name: string) => Promise<unknown>;
  onRename: (item: T, name: string) => Promise<unknown>;
  onDelete: (item: T) => Promise<unknown>;
}

type Key = "name" | "created" | "updated";

export function NamedList<T extends NamedItem>(props: NamedListProps<T>) {
  const { items, labels } = props;
  const [query, setQuery] = useState("");
  const [dialog, setDialog] = useState<{ kind: "create" } | { kind: "rename" | "delete"; item: T } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const filtered = items?.filter((i) => matchesSearch(query, i.name));
  const { sorted, sort, toggle } = useSort<T, Key>(
    filtered,
    { name: (i) => i.name, created: (i) => i.created_at, updated: (i) => i.updated_at },
    { key: "updated", direction: "descending" },
  );
  useShortcuts({
    search: () => searchRef.current?.focus(),
    create: props.canCreate ? () => setDialog({ kind: "create" }) : undefined,
  });
  const actions = props.canRename || props.canDelete;

  return (
    <>
      <div className="toolbar">
        <SearchBox ref={searchRef} value={query} onChange={setQuery} label={labels.searchLabel} />
        <span className="spacer" />
        {props.canCreate && (
          <button type="button" className="primary" onClick={() => setDialog({ kind: "create" })} aria-keyshortcuts="Alt+N" title="Alt+N">
            {labels.createButton}
          </button>
        )}
      </div>
      {props.loading && <Loading />}
      {!!props.error && <LoadError error={props.error} onRetry={props.onRetry} />}
      {items && (
        <table className="list" data-testid={props.testId} aria-label={labels.tableLabel}>
          <thead>
            <tr>
              <SortHeader label="Название" sortKey="name" sort={sort} onSort={toggle} />
              <SortHeader label="Создан" sortKey="created" sort={sort} onSort={toggle} className="col-date" />
              <SortHeader label="Изменён" sortKey="updated" sort={sort} onSort={toggle} className="col-date" />
              {actions && (
                <th scope="col" className="col-actions">
                  <span className="visually-hidden">Действия</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody onKeyDown={onRowArrowKeys}>
            {sorted.map((item) => (
              <tr key={item.id} data-row>
                <td>
                  <Link to={props.linkTo(item)} className="row-link">
                    <Highlight text={item.name} query={query} />
                  </Link>
                </td>
                <td className="col-date">{formatDate(item.created_at)}</td>
                <td className="col-date">{formatDate(item.updated_at)}</td>
                {actions && (
                  <td className="col-actions">
                    {props.canRename && (
                      <button type="button" onClick={() => setDialog({ kind: "rename", item })} aria-label={`${COMMON.rename} «${item.name}»`}>
                        {COMMON.rename}
                      </button>
                    )}
                    {props.canDelete && (
                      <button type="button" className="danger" onClick={() => setDialog({ kind: "delete", item })} aria-label={`${COMMON.delete} «${item.name}»`}>
                        {COMMON.delete}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
            {sorted.length === 0 && (
              <tr>
                <td colSpan={actions ? 4 : 3} className="muted empty">
                  {items.length === 0 ? labels.empty : COMMON.nothingFound}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}

      {dialog?.kind === "create" && (
        <NameDialog
          title={labels.createTitle}
          label={labels.nameLabel}
          submitLabel={COMMON.create}
          onSubmit={props.onCreate}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "rename" && (
        <NameDialog
          title={labels.renameTitle}
          label={labels.nameLabel}
          submitLabel={COMMON.save}
          initial={dialog.item.name}
          onSubmit={(name) => props.onRename(dialog.item, name)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title={labels.deleteTitle}
          message={<p>{labels.deleteQuestion(dialog.item.name)}</p>}
          confirmLabel={COMMON.delete}
          onConfirm={() => props.onDelete(dialog.item)}
          onClose={() => setDialog(null)}
        />
      )}
    </>
  );
}
