// The positions grid: the ЛСР columns, sections as group rows, positions unfolding into their
// resources; virtualised (10,000 positions scroll like 100), driven like a spreadsheet — arrows,
// Tab, Enter/F2 to edit, Esc to cancel, Shift+arrows to select, Ctrl+C/Ctrl+V of a rectangle
// to and from Excel, Delete, Alt+↑/↓ to move a position, Space to unfold it.
import { useVirtualizer } from "@tanstack/react-virtual";
import { forwardRef, memo, useCallback, useEffect, useImperativeHandle, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { parseTsv, toTsv } from "../lib/clipboard";
import { formatDecimal, formatMoney } from "../lib/decimal";
import type { Column, ColumnKey } from "./columns";
import type { EstimateModel, GridRow } from "./model";
import type { PositionDetail } from "./useEstimateEditor";

export const ROW_HEIGHT = 28;
export const NORM_MIME = "application/x-estimate-norm";
export const POSITION_MIME = "application/x-estimate-positions";

export interface CellPoint {
  row: number;
  col: number;
}

export interface GridProps {
  model: EstimateModel;
  rows: GridRow[];
  columns: Column[];
  overlays: Map<string, string>;
  cellErrors: Map<string, string>;
  details: Map<number, PositionDetail>;
  readOnly: boolean;
  expanded: ReadonlySet<number>;
  onActiveRow(row: GridRow | undefined): void;
  onToggle(positionId: number): void;
  /** Values typed or pasted into editable cells; returns a message per refused cell. */
  onSetValues(values: { positionId: number; field: ColumnKey; text: string }[]): Map<string, string>;
  onDelete(positionIds: number[]): void;
  onMove(positionIds: number[], sectionId: number, index: number | undefined): void;
  onDropNorm(norm: { family: string; code: string }, sectionId: number, index: number | undefined): void;
  onResize(key: ColumnKey, width: number): void;
}

export interface GridHandle {
  focus(): void;
  selectedPositionIds(): number[];
  scrollToPosition(positionId: number): void;
}

const KIND_COLUMN: Record<string, ColumnKey> = { labor: "ot", machine: "em", material: "m", equipment: "equipment" };
const KIND_NAMES: Record<string, string> = { labor: "Труд", machine: "Машины", material: "Материал", equipment: "Оборудование" };

export function cellText(model: EstimateModel, row: GridRow, key: ColumnKey, overlays: Map<string, string>, details: Map<number, PositionDetail>): string {
  if (row.kind === "section") {
    const s = model.sections.find((x) => x.id === row.sectionId);
    if (!s) return "";
    if (key === "name") return s.name;
    if (key === "code") return "Раздел";
    const f = s.figures as Record<string, string> | undefined;
    return f && key in f ? formatMoney(f[key]) : "";
  }
  const p = model.positions.get(row.positionId!);
  if (!p) return "";
  if (row.kind === "resource") {
    const d = details.get(p.id);
    const r = d?.document.resources?.[row.resourceIndex!];
    const line = d?.lines?.resources[row.resourceIndex!];
    if (!r) return "";
    switch (key) {
      case "code":
        return r.code ?? "";
      case "name":
        return r.name ?? KIND_NAMES[r.kind];
      case "unit":
        return r.unit ?? "";
      case "quantity":
        return formatDecimal(line?.quantity ?? r.consumption);
      case "total":
        return line?.total ? formatMoney(line.total) : "";
      default:
        return KIND_COLUMN[r.kind] === key && line?.total ? formatMoney(line.total) : "";
    }
  }
  switch (key) {
    case "number":
      return p.number || String(row.ordinal ?? "");
    case "code":
      return p.code ?? "";
    case "name":
      return p.name ?? "";
    case "unit":
      return p.unit ?? "";
    case "quantity":
      return formatDecimal(overlays.get(`${p.id}:quantity`) ?? p.quantity);
    default: {
      const f = p.figures as Record<string, string> | undefined;
      return f && key in f ? formatMoney(f[key]) : "";
    }
  }
}

/** The text of a cell for Excel: no grouping spaces, decimal comma. */
function plainText(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, "").replace("−", "-");
}

export const Grid = memo(
  forwardRef<GridHandle, GridProps>(function Grid(props, ref) {
    const { model, rows, columns, overlays, cellErrors, details, readOnly, expanded } = props;
    const scrollRef = useRef<HTMLDivElement>(null);
    const [active, setActive] = useState<CellPoint>({ row: 0, col: 2 });
    const [anchor, setAnchor] = useState<CellPoint | null>(null);
    const [editing, setEditing] = useState<{ text: string; error?: string } | null>(null);
    const [dropAt, setDropAt] = useState<number | null>(null);
    const totalWidth = columns.reduce((w, c) => w + c.width, 0);

    const virtualizer = useVirtualizer({
      count: rows.length,
      getScrollElement: () => scrollRef.current,
      estimateSize: () => ROW_HEIGHT,
      overscan: 12,
    });

    const activeRow = rows[Math.min(active.row, rows.length - 1)];
    const { onActiveRow } = props;
    useEffect(() => onActiveRow(activeRow), [activeRow, onActiveRow]);

    const clampRow = useCallback((r: number) => Math.max(0, Math.min(rows.length - 1, r)), [rows.length]);
    const clampCol = useCallback((c: number) => Math.max(0, Math.min(columns.length - 1, c)), [columns.length]);

    const moveTo = useCallback(
      (point: CellPoint, extend: boolean) => {
        const next = { row: clampRow(point.row), col: clampCol(point.col) };
        setAnchor((a) => (extend ? (a ?? active) : null));
        setActive(next);
        virtualizer.scrollToIndex(next.row, { align: "auto" });
      },
      [active, clampRow, clampCol, virtualizer],
    );

    const selection = (() => {
      const a = anchor ?? active;
      return {
        top: Math.min(a.row, active.row),
        bottom: Math.max(a.row, active.row),
        left: Math.min(a.col, active.col),
        right: Math.max(a.col, active.col),
      };
    })();

    const selectedPositionIds = useCallback(() => {
      const ids: number[] = [];
      for (let r = selection.top; r <= selection.bottom; r++) {
        const row = rows[r];
        if (row?.kind === "position" && row.positionId !== undefined) ids.push(row.positionId);
      }
      return ids;
    }, [rows, selection.top, selection.bottom]);

    useImperativeHandle(
      ref,
      () => ({
        focus: () => scrollRef.current?.focus(),
        selectedPositionIds,
        scrollToPosition: (positionId: number) => {
          const at = rows.findIndex((r) => r.kind === "position" && r.positionId === positionId);
          if (at >= 0) moveTo({ row: at, col: active.col }, false);
        },
      }),
      [selectedPositionIds, rows, moveTo, active.col],
    );

    const editableAt = (point: CellPoint) => {
      const row = rows[point.row];
      return !readOnly && row?.kind === "position" && columns[point.col]?.editable === true;
    };

    const startEdit = (initial?: string) => {
      if (!editableAt(active)) return;
      const row = rows[active.row];
      const text = initial ?? cellText(model, row, columns[active.col].key, overlays, details);
      setEditing({ text });
    };

    const commit = (text: string, then: CellPoint | null) => {
      const row = rows[active.row];
      const column = columns[active.col];
      if (row?.positionId === undefined) return;
      const refused = props.onSetValues([{ positionId: row.positionId, field: column.key, text }]);
      const error = refused.get(`${row.positionId}:${column.key}`);
      if (error) {
        setEditing({ text, error });
        return;
      }
      setEditing(null);
      if (then) {
        moveTo(then, false);
        scrollRef.current?.focus();
      }
    };

    const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
      if (editing) return;
      const ctrl = e.ctrlKey || e.metaKey;
      const { row, col } = active;
      const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 2);
      let handled = true;
      switch (e.key) {
        case "ArrowUp":
          if (e.altKey) moveSelected(-1);
          else moveTo({ row: ctrl ? 0 : row - 1, col }, e.shiftKey);
          break;
        case "ArrowDown":
          if (e.altKey) moveSelected(1);
          else moveTo({ row: ctrl ? rows.length - 1 : row + 1, col }, e.shiftKey);
          break;
        case "ArrowLeft":
          moveTo({ row, col: ctrl ? 0 : col - 1 }, e.shiftKey);
          break;
        case "ArrowRight":
          moveTo({ row, col: ctrl ? columns.length - 1 : col + 1 }, e.shiftKey);
          break;
        case "PageUp":
          moveTo({ row: row - page, col }, e.shiftKey);
          break;
        case "PageDown":
          moveTo({ row: row + page, col }, e.shiftKey);
          break;
        case "Home":
          moveTo({ row: ctrl ? 0 : row, col: 0 }, e.shiftKey);
          break;
        case "End":
          moveTo({ row: ctrl ? rows.length - 1 : row, col: columns.length - 1 }, e.shiftKey);
          break;
        case "Tab":
          if (e.shiftKey ? col === 0 : col === columns.length - 1) handled = false;
          else moveTo({ row, col: col + (e.shiftKey ? -1 : 1) }, false);
          break;
        case "Enter":
        case "F2":
          if (editableAt(active)) startEdit();
          else if (e.key === "Enter") moveTo({ row: row + 1, col }, false);
          break;
        case " ":
          if (e.shiftKey) moveTo({ row, col: columns.length - 1 }, false);
          else if (activeRow?.positionId !== undefined) props.onToggle(activeRow.positionId);
          break;
        case "Escape":
          setAnchor(null);
          break;
        case "Delete":
          if (!readOnly) {
            const ids = selectedPositionIds();
            if (ids.length > 0) props.onDelete(ids);
          }
          break;
        case "a":
        case "A":
        case "ф":
        case "Ф":
          if (ctrl) {
            setAnchor({ row: 0, col: 0 });
            setActive({ row: rows.length - 1, col: columns.length - 1 });
          } else handled = typeIntoCell(e.key);
          break;
        default:
          handled = !ctrl && !e.altKey && e.key.length === 1 && typeIntoCell(e.key);
      }
      if (handled) e.preventDefault();
    };

    const typeIntoCell = (key: string): boolean => {
      if (!/^[0-9.,\-+]$/.test(key) || !editableAt(active)) return false;
      startEdit(key);
      return true;
    };

    const moveSelected = (delta: number) => {
      if (readOnly || activeRow?.kind !== "position" || activeRow.positionId === undefined) return;
      const section = model.sections.find((s) => s.id === activeRow.sectionId);
      if (!section) return;
      const at = section.positionIds.indexOf(activeRow.positionId);
      const target = at + delta;
      if (target >= 0 && target < section.positionIds.length) {
        props.onMove([activeRow.positionId], section.id, target);
        moveTo({ row: active.row + delta, col: active.col }, false);
      } else {
        // Past the section's edge: into the neighbouring section.
        const si = model.sections.indexOf(section) + delta;
        const next = model.sections[si];
        if (next) props.onMove([activeRow.positionId], next.id, delta < 0 ? undefined : 0);
      }
    };

    const onCopy = (e: React.ClipboardEvent) => {
      if (editing) return;
      const out: string[][] = [];
      for (let r = selection.top; r <= selection.bottom; r++) {
        const line: string[] = [];
        for (let c = selection.left; c <= selection.right; c++) {
          line.push(plainText(cellText(model, rows[r], columns[c].key, overlays, details)));
        }
        out.push(line);
      }
      e.clipboardData.setData("text/plain", toTsv(out));
      e.preventDefault();
    };

    const onPaste = (e: React.ClipboardEvent) => {
      if (editing || readOnly) return;
      const table = parseTsv(e.clipboardData.getData("text/plain"));
      if (table.length === 0) return;
      e.preventDefault();
      const values: { positionId: number; field: ColumnKey; text: string }[] = [];
      let r = active.row;
      for (const line of table) {
        while (r < rows.length && rows[r].kind !== "position") r++;
        if (r >= rows.length) break;
        line.forEach((text, i) => {
          const column = columns[active.col + i];
          if (column?.editable && text.trim() !== "") values.push({ positionId: rows[r].positionId!, field: column.key, text });
        });
        r++;
      }
      if (values.length > 0) props.onSetValues(values);
    };

    const dropIndex = (row: GridRow): { sectionId: number; index: number | undefined } => {
      const section = model.sections.find((s) => s.id === row.sectionId);
      if (row.kind === "section" || !section) return { sectionId: row.sectionId, index: 0 };
      const at = section.positionIds.indexOf(row.positionId!);
      return { sectionId: row.sectionId, index: at < 0 ? undefined : at };
    };

    const onDrop = (e: DragEvent, row: GridRow) => {
      e.preventDefault();
      setDropAt(null);
      const { sectionId, index } = dropIndex(row);
      const norm = e.dataTransfer.getData(NORM_MIME);
      if (norm) {
        props.onDropNorm(JSON.parse(norm) as { family: string; code: string }, sectionId, index);
        return;
      }
      const moved = e.dataTransfer.getData(POSITION_MIME);
      if (moved) props.onMove(JSON.parse(moved) as number[], sectionId, index);
    };

    const items = virtualizer.getVirtualItems();
    const activeId = activeRow ? `cell-${activeRow.key}-${columns[active.col]?.key}` : undefined;

    return (
      <div
        ref={scrollRef}
        className="grid"
        role="grid"
        aria-label="Позиции сметы"
        aria-rowcount={rows.length + 1}
        aria-colcount={columns.length}
        aria-multiselectable="true"
        aria-readonly={readOnly}
        aria-activedescendant={editing ? undefined : activeId}
        tabIndex={0}
        data-testid="positions-grid"
        onKeyDown={onKeyDown}
        onCopy={onCopy}
        onPaste={onPaste}
      >
        <div className="grid-head" role="row" aria-rowindex={1} style={{ width: totalWidth }}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" className={`gh ${c.money || c.key === "quantity" ? "num" : ""}`} style={{ width: c.width }} title={c.hint}>
              {c.title}
              <span
                className="resize"
                aria-hidden="true"
                onMouseDown={(e) => {
                  e.preventDefault();
                  const startX = e.clientX;
                  const startW = c.width;
                  const move = (m: MouseEvent) => props.onResize(c.key, Math.max(40, startW + m.clientX - startX));
                  const up = () => {
                    window.removeEventListener("mousemove", move);
                    window.removeEventListener("mouseup", up);
                  };
                  window.addEventListener("mousemove", move);
                  window.addEventListener("mouseup", up);
                }}
              />
            </div>
          ))}
        </div>
        <div className="grid-body" style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
          {items.map((item) => {
            const row = rows[item.index];
            const position = row.positionId !== undefined ? model.positions.get(row.positionId) : undefined;
            const rowSelected = item.index >= selection.top && item.index <= selection.bottom && anchor !== null;
            return (
              <div
                key={row.key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={rowSelected}
                aria-expanded={row.kind === "position" ? expanded.has(row.positionId!) : undefined}
                data-position-id={row.kind === "position" ? row.positionId : undefined}
                data-section-id={row.kind === "section" ? row.sectionId : undefined}
                className={`gr ${row.kind}${dropAt === item.index ? " drop" : ""}${row.kind === "position" && !position?.figures ? " unpriced" : ""}`}
                style={{ transform: `translateY(${item.start}px)` }}
                draggable={!readOnly && row.kind === "position"}
                onDragStart={(e) => {
                  const ids = rowSelected ? selectedPositionIds() : [row.positionId!];
                  e.dataTransfer.setData(POSITION_MIME, JSON.stringify(ids));
                  e.dataTransfer.effectAllowed = "move";
                }}
                onDragOver={(e) => {
                  if (readOnly || (row.kind === "resource")) return;
                  if (e.dataTransfer.types.includes(NORM_MIME) || e.dataTransfer.types.includes(POSITION_MIME)) {
                    e.preventDefault();
                    setDropAt(item.index);
                  }
                }}
                onDragLeave={() => setDropAt((d) => (d === item.index ? null : d))}
                onDrop={(e) => onDrop(e, row)}
              >
                {columns.map((c, ci) => {
                  const isActive = item.index === active.row && ci === active.col;
                  const inSel = anchor !== null && item.index >= selection.top && item.index <= selection.bottom && ci >= selection.left && ci <= selection.right;
                  const errorKey = row.positionId !== undefined ? `${row.positionId}:${c.key}` : "";
                  const error = row.kind === "position" ? cellErrors.get(errorKey) : undefined;
                  const pending = row.kind === "position" && overlays.has(errorKey);
                  const text = cellText(model, row, c.key, overlays, details);
                  return (
                    <div
                      key={c.key}
                      id={`cell-${row.key}-${c.key}`}
                      role="gridcell"
                      data-col={c.key}
                      aria-readonly={!(c.editable && row.kind === "position") || readOnly}
                      aria-invalid={error ? true : undefined}
                      aria-selected={inSel || undefined}
                      title={error ?? (c.key === "name" ? text : undefined)}
                      className={`gc${c.money || c.key === "quantity" ? " num" : ""}${isActive ? " active" : ""}${inSel ? " sel" : ""}${error ? " invalid" : ""}${pending ? " pending" : ""}${c.editable && row.kind === "position" && !readOnly ? " editable" : ""}`}
                      style={{ width: c.width }}
                      onMouseDown={(e) => {
                        if (editing && isActive) return;
                        if (editing) setEditing(null);
                        moveTo({ row: item.index, col: ci }, e.shiftKey);
                        scrollRef.current?.focus();
                      }}
                      onDoubleClick={() => {
                        if (editableAt({ row: item.index, col: ci })) setEditing({ text });
                      }}
                    >
                      {c.key === "number" && row.kind === "position" && (
                        <button
                          type="button"
                          className="toggle"
                          tabIndex={-1}
                          aria-label={expanded.has(row.positionId!) ? "Свернуть ресурсы" : "Показать ресурсы"}
                          onMouseDown={(e) => e.stopPropagation()}
                          onClick={() => props.onToggle(row.positionId!)}
                        >
                          {expanded.has(row.positionId!) ? "▾" : "▸"}
                        </button>
                      )}
                      {isActive && editing ? (
                        <CellEditor
                          initial={editing.text}
                          error={editing.error}
                          label={`${c.title}, позиция ${cellText(model, row, "number", overlays, details)}`}
                          onCommit={(value, dir) =>
                            commit(value, dir === "down" ? { row: active.row + 1, col: active.col } : dir === "right" ? { row: active.row, col: active.col + 1 } : null)
                          }
                          onCancel={() => {
                            setEditing(null);
                            scrollRef.current?.focus();
                          }}
                        />
                      ) : (
                        <span className="t">{text}</span>
                      )}
                      {error && !editing && <span className="cell-error" role="note">{error}</span>}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    );
  }),
);

function CellEditor(props: {
  initial: string;
  error?: string;
  label: string;
  onCommit(value: string, direction: "down" | "right" | "stay"): void;
  onCancel(): void;
}) {
  const [value, setValue] = useState(props.initial);
  const input = useRef<HTMLInputElement>(null);
  // Enter, Tab and Esc end the edit; a blur afterwards (the input leaving the page) must not.
  const ended = useRef(false);
  const end = (action: () => void) => {
    if (ended.current) return;
    ended.current = true;
    action();
  };
  useEffect(() => {
    ended.current = false;
  }, [props.initial, props.error]);
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    if (props.initial.length === 1) el.setSelectionRange(1, 1);
    else el.select();
  }, [props.initial]);
  return (
    <>
      <input
        ref={input}
        className="cell-input"
        aria-label={props.label}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? "cell-edit-error" : undefined}
        value={value}
        inputMode="decimal"
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === "Enter") {
            e.preventDefault();
            end(() => props.onCommit(value, "down"));
          } else if (e.key === "Tab") {
            e.preventDefault();
            end(() => props.onCommit(value, "right"));
          } else if (e.key === "Escape") {
            e.preventDefault();
            end(props.onCancel);
          }
        }}
        onBlur={() => end(() => (value !== props.initial ? props.onCommit(value, "stay") : props.onCancel()))}
      />
      {props.error && (
        <span id="cell-edit-error" className="cell-error" role="alert">
          {props.error}
        </span>
      )}
    </>
  );
}
