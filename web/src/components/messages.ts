// The Russian words the lists, documents and dialogs share: one place, so that a status or a
// chapter is named the same on every screen (the glossary's English names are the keys).
import type { Schemas } from "../api/client";

export const STATUS_NAMES: Record<Schemas["EstimateStatus"], string> = {
  draft: "черновик",
  review: "на проверке",
  approved: "утверждена",
};

export const METHOD_NAMES: Record<Schemas["EstimateMethod"], string> = {
  "resource-index": "ресурсно-индексный",
  "base-index": "базисно-индексный",
};

/** Chapters of the ССР as Методика 421/пр names them (прил. 4). */
export const SUMMARY_CHAPTER_NAMES: Record<string, string> = {
  "1": "Подготовка территории строительства",
  "2": "Основные объекты строительства",
  "3": "Объекты подсобного и обслуживающего назначения",
  "4": "Объекты энергетического хозяйства",
  "5": "Объекты транспортного хозяйства и связи",
  "6": "Наружные сети и сооружения водоснабжения, водоотведения, теплоснабжения и газоснабжения",
  "7": "Благоустройство и озеленение территории",
  "8": "Временные здания и сооружения",
  "9": "Прочие работы и затраты",
  "10": "Содержание службы заказчика. Строительный контроль",
  "11": "Подготовка эксплуатационных кадров для строящегося объекта капитального строительства",
  "12": "Публичный технологический и ценовой аудит, проектные и изыскательские работы",
};

/** After these chapters the form carries a running «Итого по главам 1–N». */
export const SUMMARY_RUNNING_TOTAL_AFTER = new Set(["7", "8", "9", "12"]);

export const COST_COLUMN_NAMES = {
  construction: "Строительные работы",
  installation: "Монтажные работы",
  equipment: "Оборудование, мебель, инвентарь",
  other: "Прочие затраты",
  total: "Всего",
} as const;

export const DOCUMENT_EXPORTS = [
  { format: "pdf", label: "PDF" },
  { format: "xlsx", label: "Excel" },
  { format: "gge", label: "ГГЭ XML" },
] as const;

export const COMMON = {
  loading: "Загрузка…",
  cancel: "Отмена",
  close: "Закрыть",
  save: "Сохранить",
  create: "Создать",
  rename: "Переименовать",
  delete: "Удалить",
  search: "Поиск",
  nothingFound: "Ничего не найдено",
  networkDown: "Сервер недоступен — проверьте соединение и попробуйте ещё раз",
} as const;

/** An export being made (components/ExportProgress). */
export const EXPORT_TEXT = {
  preparing: (label: string, percent: number) => `Готовится ${label}… ${percent} %`,
  preparingLabel: (label: string) => `Готовится ${label}`,
  cancel: "Отменить",
  /** The cancel button's name for assistive technology (the editor has an «Отменить» of its own: undo). */
  cancelLabel: (label: string) => `Отменить выгрузку ${label}`,
  failed: (detail: string) => `Выгрузка не удалась: ${detail}`,
};
