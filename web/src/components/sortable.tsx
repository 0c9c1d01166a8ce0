// Lists the user sorts by clicking a column's header (aria-sort says how it is sorted) and
// filters as they type; ↑/↓ move between the rows' links. Sorting and filtering only reorder what
// the service sent — no figure is computed here.
import { useMemo, useState, type KeyboardEvent, type ReactNode } from "react";

export type SortDirection = "ascending" | "descending";
export interface SortState<K extends string> {
  key: K;
  direction: SortDirection;
}

const collator = new Intl.Collator("ru", { numeric: true, sensitivity: "base" });

export function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** The rows in the chosen order; clicking the sorted column again reverses it. */
export function useSort<T, K extends string>(
  rows: readonly T[] | undefined,
  keys: Record<K, (row: T) => string | number | boolean>,
  initial: SortState<K>,
) {
  const [sort, setSort] = useState<SortState<K>>(initial);
  const sorted = useMemo(() => {
    if (!rows) return [];
    const get = keys[sort.key];
    const sign = sort.direction === "ascending" ? 1 : -1;
    return [...rows].sort((a, b) => sign * compareValues(get(a), get(b)));
    // keys is a fresh object each render; the accessor for a key does not change.
  }, [rows, sort]);
  const toggle = (key: K) =>
    setSort((s) =>
      s.key === key
        ? { key, direction: s.direction === "ascending" ? "descending" : "ascending" }
        : { key, direction: "ascending" },
    );
  return { sorted, sort, toggle };
}

export function SortHeader<K extends string>({
  label,
  sortKey,
  sort,
  onSort,
  className,
}: {
  label: string;
  sortKey: K;
  sort: SortState<K>;
  onSort: (key: K) => void;
  className?: string;
}) {
  const active = sort.key === sortKey;
  return (
    <th scope="col" aria-sort={active ? sort.direction : "none"} className={className}>
      <button type="button" className="sort" onClick={() => onSort(sortKey)}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {active ? (sort.direction === "ascending" ? " ▲" : " ▼") : " ↕"}
        </span>
      </button>
    </th>
  );
}

/** Lower case, ё as е: «Ёлка» is found by «елк». */
export function normalizeSearch(text: string): string {
  return text.toLocaleLowerCase("ru").replace(/ё/g, "е").trim();
}

export function matchesSearch(query: string, ...fields: (string | number | null | undefined)[]): boolean {
  const q = normalizeSearch(query);
  if (!q) return true;
  const words = q.split(/\s+/);
  const haystack = normalizeSearch(fields.filter((f) => f !== null && f !== undefined).join(" "));
  return words.every((w) => haystack.includes(w));
}

/** The text with the searched words marked. */
export function Highlight({ text, query }: { text: string; query: string }) {
  const words = normalizeSearch(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return <>{text}</>;
  const normalized = normalizeSearch(text).padEnd(text.length);
  const marks = new Array<boolean>(text.length).fill(false);
  for (const w of words) {
    for (let at = normalized.indexOf(w); at >= 0; at = normalized.indexOf(w, at + 1)) {
      for (let i = at; i < at + w.length && i < text.length; i++) marks[i] = true;
    }
  }
  const parts: ReactNode[] = [];
  let i = 0;
  while (i < text.length) {
    let j = i;
    while (j < text.length && marks[j] === marks[i]) j++;
    parts.push(marks[i] ? <mark key={i}>{text.slice(i, j)}</mark> : text.slice(i, j));
    i = j;
  }
  return <>{parts}</>;
}

/** ↑/↓ on a table body move the focus to the same kind of control in the next or previous row. */
export function onRowArrowKeys(e: KeyboardEvent<HTMLTableSectionElement>) {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const target = e.target as HTMLElement;
  if (target.closest("input, select, textarea")) return;
  const row = target.closest("tr");
  if (!row) return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLTableRowElement>("tr[data-row]"));
  const at = rows.indexOf(row as HTMLTableRowElement);
  const next = rows[at + (e.key === "ArrowDown" ? 1 : -1)];
  if (!next) return;
  const controls = Array.from(row.querySelectorAll<HTMLElement>("a[href], button, select"));
  const column = Math.max(0, controls.indexOf(target));
  const nextControls = Array.from(next.querySelectorAll<HTMLElement>("a[href], button, select"));
  const focus = nextControls[Math.min(column, nextControls.length - 1)];
  if (focus) {
    e.preventDefault();
    focus.focus();
  }
}
