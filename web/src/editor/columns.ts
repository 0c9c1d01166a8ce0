// The columns of the positions grid, laid out like the ЛСР form (Методика 421/пр, прил. 2), with
// widths and visibility the user set kept in localStorage.

export type ColumnKey =
  | "number"
  | "code"
  | "name"
  | "unit"
  | "quantity"
  | "ot"
  | "em"
  | "otm"
  | "m"
  | "equipment"
  | "overhead"
  | "profit"
  | "total";

export interface Column {
  key: ColumnKey;
  title: string;
  hint: string;
  width: number;
  money?: boolean;
  editable?: boolean;
  /** may not be hidden */
  fixed?: boolean;
}

export const COLUMNS: Column[] = [
  { key: "number", title: "№ п/п", hint: "Номер позиции", width: 58, fixed: true },
  { key: "code", title: "Обоснование", hint: "Шифр нормы или ресурса", width: 122 },
  { key: "name", title: "Наименование работ и затрат", hint: "Наименование", width: 280, fixed: true },
  { key: "unit", title: "Ед. изм.", hint: "Единица измерения", width: 70 },
  { key: "quantity", title: "Кол-во", hint: "Количество (Enter или F2 — изменить)", width: 86, editable: true },
  { key: "ot", title: "ОТ", hint: "Оплата труда рабочих", width: 112, money: true },
  { key: "em", title: "ЭМ", hint: "Эксплуатация машин", width: 112, money: true },
  { key: "otm", title: "в т.ч. ОТм", hint: "Оплата труда машинистов", width: 112, money: true },
  { key: "m", title: "М", hint: "Материалы", width: 112, money: true },
  { key: "equipment", title: "Оборуд.", hint: "Оборудование", width: 112, money: true },
  { key: "overhead", title: "НР", hint: "Накладные расходы", width: 112, money: true },
  { key: "profit", title: "СП", hint: "Сметная прибыль", width: 112, money: true },
  { key: "total", title: "Всего", hint: "Всего стоимость", width: 116, money: true, fixed: true },
];

export interface ColumnPrefs {
  widths: Partial<Record<ColumnKey, number>>;
  hidden: ColumnKey[];
}

const PREFS_KEY = "estimate.grid.columns";

export function loadColumnPrefs(): ColumnPrefs {
  try {
    const p = JSON.parse(localStorage.getItem(PREFS_KEY) ?? "null") as ColumnPrefs | null;
    if (p && typeof p === "object") return { widths: p.widths ?? {}, hidden: Array.isArray(p.hidden) ? p.hidden : [] };
  } catch {
    /* a broken value is replaced */
  }
  return { widths: {}, hidden: [] };
}

export function saveColumnPrefs(prefs: ColumnPrefs): void {
  localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
}

export function visibleColumns(prefs: ColumnPrefs): Column[] {
  return COLUMNS.filter((c) => c.fixed || !prefs.hidden.includes(c.key)).map((c) => ({
    ...c,
    width: Math.max(40, prefs.widths[c.key] ?? c.width),
  }));
}
