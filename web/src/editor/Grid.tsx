// The positions grid: the ЛСР columns, sections as group rows, positions unfolding into their
// resources; virtualised (10,000 positions scroll like 100), driven like a spreadsheet — arrows,
// Tab, Enter/F2 to edit, Esc to cancel, Shift+arrows to select, Ctrl+C/Ctrl+V of a rectangle
// to and from Excel, Delete, Alt+↑/↓ to move a position, Space to unfold it.
import { useVirtualizer } from "@tanstack/react-virtual";
import { forwardRef, memo, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { parseTsv, toTsv } from "../lib/clipboard";
import { formatDecimal, formatMoney } from "../lib/decimal";
import type { Column, ColumnKey } from "./columns";
import type { EstimateModel, GridRow, PositionRow, SectionModel } from "./model";
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

function sectionText(s: SectionModel | undefined, key: ColumnKey): string {
  if (!s) return "";
  if (key === "name") return s.name;
  if (key === "code") return "Раздел";
  const f = s.figures as Record<string, string> | undefined;
  return f && key in f ? formatMoney(f[key]) : "";
}

function resourceText(d: PositionDetail | undefined, index: number, key: ColumnKey): string {
  const r = d?.document.resources?.[index];
  const line = d?.lines?.resources[index];
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

function positionText(p: PositionRow, ordinal: number | undefined, quantityOverlay: string | undefined, key: ColumnKey): string {
  switch (key) {
    case "number":
      // № п/п runs through the estimate; the position's own number goes out in the documents.
      return String(ordinal ?? p.number ?? "");
    case "code":
      return p.code ?? "";
    case "name":
      return p.name ?? "";
    case "unit":
      return p.unit ?? "";
    case "quantity":
      return formatDecimal(quantityOverlay ?? p.quantity);
    default: {
      const f = p.figures as Record<string, string> | undefined;
      return f && key in f ? formatMoney(f[key]) : "";
    }
  }
}

/** The text a cell shows (the clipboard and the editor's first value use it too). */
export function cellText(model: EstimateModel, row: GridRow, key: ColumnKey, overlays: Map<string, string>, details: Map<number, PositionDetail>): string {
  if (row.kind === "section") return sectionText(model.sections.find((x) => x.id === row.sectionId), key);
  const p = model.positions.get(row.positionId!);
  if (!p) return "";
  if (row.kind === "resource") return resourceText(details.get(p.id), row.resourceIndex!, key);
  return positionText(p, row.ordinal, overlays.get(`${p.id}:quantity`), key);
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
    // The cell being edited is named by its position and column, not by its place in the rows:
    // resources unfolding above it while one types must not move the edit to another position.
    const [editing, setEditing] = useState<Editing | null>(null);
    const [dropAt, setDropAt] = useState<number | null>(null);
    const totalWidth = columns.reduce((w, c) => w + c.width, 0);

    const virtualizer = useVirtualizer({
      count: rows.length,
      getScrollElement: () => scrollRef.current,
      estimateSize: () => ROW_HEIGHT,
      overscan: 16,
      // Rows render in a task of their own after the scroll, not inside the frame that scrolls:
      // the frame stays short; the overscan (16 rows, 448 px) covers what that frame scrolled.
      useFlushSync: false,
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
      setEditing({ text, positionId: row.positionId!, field: columns[active.col].key });
    };

    /** Sends the edited value; false when it is refused (the editor stays with the message). */
    const commit = (text: string, then: CellPoint | null): boolean => {
      if (!editing) return true;
      const { positionId, field } = editing;
      const refused = props.onSetValues([{ positionId, field, text }]);
      const error = refused.get(`${positionId}:${field}`);
      if (error) {
        setEditing({ ...editing, text, error });
        return false;
      }
      setEditing(null);
      if (then) {
        moveTo(then, false);
        scrollRef.current?.focus();
      }
      return true;
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
        // onMove takes the place to insert before, counted in the section as it is now.
        props.onMove([activeRow.positionId], section.id, delta > 0 ? at + 2 : at - 1);
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

    // Handlers the rows share: stable identities (rows re-render only when their own data
    // changes), always calling the latest closure.
    const latest = useRef({ moveTo, editableAt, setEditing, commit, onDrop, selectedPositionIds, rows, columns, editing, active, anchor, selection, readOnly });
    latest.current = { moveTo, editableAt, setEditing, commit, onDrop, selectedPositionIds, rows, columns, editing, active, anchor, selection, readOnly };
    const handlers = useMemo<RowHandlers>(
      () => ({
        mouseDown(index, col, shift) {
          const l = latest.current;
          if (l.editing && index === l.active.row && col === l.active.col) return;
          if (l.editing) l.setEditing(null);
          l.moveTo({ row: index, col }, shift);
          scrollRef.current?.focus();
        },
        doubleClick(index, col, text) {
          const l = latest.current;
          const row = l.rows[index];
          if (l.editableAt({ row: index, col }) && row.positionId !== undefined) l.setEditing({ text, positionId: row.positionId, field: l.columns[col].key });
        },
        toggle: (id) => props.onToggle(id),
        dragStart(index, e) {
          const l = latest.current;
          const row = l.rows[index];
          const inSelection = l.anchor !== null && index >= l.selection.top && index <= l.selection.bottom;
          const ids = inSelection ? l.selectedPositionIds() : [row.positionId!];
          e.dataTransfer.setData(POSITION_MIME, JSON.stringify(ids));
          e.dataTransfer.effectAllowed = "move";
        },
        dragOver(index, e) {
          const l = latest.current;
          if (l.readOnly || l.rows[index]?.kind === "resource") return;
          if (e.dataTransfer.types.includes(NORM_MIME) || e.dataTransfer.types.includes(POSITION_MIME)) {
            e.preventDefault();
            setDropAt(index);
          }
        },
        dragLeave: (index) => setDropAt((d) => (d === index ? null : d)),
        drop: (index, e) => latest.current.onDrop(e, latest.current.rows[index]),
        commit(value, dir) {
          const l = latest.current;
          return l.commit(value, dir === "down" ? { row: l.active.row + 1, col: l.active.col } : dir === "right" ? { row: l.active.row, col: l.active.col + 1 } : null);
        },
        cancel() {
          latest.current.setEditing(null);
          scrollRef.current?.focus();
        },
      }),
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [],
    );

    return (
      <div
        ref={scrollRef}
        className="grid"
        role="treegrid"
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
            const inRows = anchor !== null && item.index >= selection.top && item.index <= selection.bottom;
            const isActiveRow = item.index === active.row;
            const positionId = row.positionId;
            const rowErrors = row.kind === "position" && positionId !== undefined ? errorsOf(cellErrors, positionId) : undefined;
            return (
              <RowView
                key={row.key}
                row={row}
                index={item.index}
                start={item.start}
                columns={columns}
                section={row.kind === "section" ? model.sections.find((x) => x.id === row.sectionId) : undefined}
                position={positionId !== undefined ? model.positions.get(positionId) : undefined}
                detail={row.kind === "resource" && positionId !== undefined ? details.get(positionId) : undefined}
                quantityOverlay={positionId !== undefined && row.kind === "position" ? overlays.get(`${positionId}:quantity`) : undefined}
                errors={rowErrors}
                expanded={positionId !== undefined && expanded.has(positionId)}
                activeCol={isActiveRow ? active.col : -1}
                editing={editing && row.kind === "position" && row.positionId === editing.positionId ? editing : null}
                selLeft={inRows ? selection.left : -1}
                selRight={inRows ? selection.right : -1}
                dropTarget={dropAt === item.index}
                readOnly={readOnly}
                handlers={handlers}
              />
            );
          })}
        </div>
      </div>
    );
  }),
);

interface RowHandlers {
  mouseDown(index: number, col: number, shift: boolean): void;
  doubleClick(index: number, col: number, text: string): void;
  toggle(positionId: number): void;
  dragStart(index: number, e: DragEvent): void;
  dragOver(index: number, e: DragEvent): void;
  dragLeave(index: number): void;
  drop(index: number, e: DragEvent): void;
  commit(value: string, direction: "down" | "right" | "stay"): boolean;
  cancel(): void;
}

interface Editing {
  text: string;
  error?: string;
  positionId: number;
  field: ColumnKey;
}

const NO_ERRORS = new Map<string, string>();

/** The errors of one position's cells, by column: the same map object while there are none. */
function errorsOf(all: Map<string, string>, positionId: number): Map<string, string> {
  if (all.size === 0) return NO_ERRORS;
  const prefix = `${positionId}:`;
  let mine: Map<string, string> | undefined;
  for (const [k, v] of all) {
    if (k.startsWith(prefix)) (mine ??= new Map()).set(k.slice(prefix.length), v);
  }
  return mine ?? NO_ERRORS;
}

interface RowViewProps {
  row: GridRow;
  index: number;
  start: number;
  columns: Column[];
  section?: SectionModel;
  position?: PositionRow;
  detail?: PositionDetail;
  quantityOverlay?: string;
  errors?: Map<string, string>;
  expanded: boolean;
  activeCol: number;
  editing: Editing | null;
  selLeft: number;
  selRight: number;
  dropTarget: boolean;
  readOnly: boolean;
  handlers: RowHandlers;
}

/** One row of the grid; re-renders only when what it shows changes. */
const RowView = memo(function RowView(props: RowViewProps) {
  const { row, index, columns, position, expanded, activeCol, editing, selLeft, selRight, readOnly, handlers } = props;
  const text = (key: ColumnKey) => rowCellText(props, key);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selLeft >= 0}
      aria-expanded={row.kind === "position" ? expanded : undefined}
      aria-level={row.kind === "section" ? 1 : row.kind === "position" ? 2 : 3}
      data-position-id={row.kind === "position" ? row.positionId : undefined}
      data-section-id={row.kind === "section" ? row.sectionId : undefined}
      className={`gr ${row.kind}${props.dropTarget ? " drop" : ""}${row.kind === "position" && !position?.figures ? " unpriced" : ""}`}
      style={{ transform: `translateY(${props.start}px)` }}
      draggable={!readOnly && row.kind === "position"}
      onMouseDown={(e) => {
        const at = cellIndexOf(e.target);
        if (at >= 0) handlers.mouseDown(index, at, e.shiftKey);
      }}
      onDoubleClick={(e) => {
        const at = cellIndexOf(e.target);
        if (at >= 0) handlers.doubleClick(index, at, text(columns[at].key));
      }}
      onDragStart={(e) => handlers.dragStart(index, e)}
      onDragOver={(e) => handlers.dragOver(index, e)}
      onDragLeave={() => handlers.dragLeave(index)}
      onDrop={(e) => handlers.drop(index, e)}
    >
      {columns.map((c, ci) => {
        const isActive = ci === activeCol;
        const inSel = ci >= selLeft && ci <= selRight && selLeft >= 0;
        const error = props.errors?.get(c.key);
        const pending = c.key === "quantity" && props.quantityOverlay !== undefined;
        const editable = c.editable && row.kind === "position" && !readOnly;
        const value = text(c.key);
        return (
          <div
            key={c.key}
            id={isActive ? `cell-${row.key}-${c.key}` : undefined}
            role="gridcell"
            data-col={c.key}
            aria-readonly={editable ? false : undefined}
            aria-invalid={error ? true : undefined}
            aria-selected={inSel || undefined}
            title={error ?? (c.key === "name" ? value : undefined)}
            className={`gc${c.money || c.key === "quantity" ? " num" : ""}${isActive ? " active" : ""}${inSel ? " sel" : ""}${error ? " invalid" : ""}${pending ? " pending" : ""}${editable ? " editable" : ""}`}
            data-ci={ci}
            style={{ width: c.width }}
          >
            {c.key === "number" && row.kind === "position" && (
              <button
                type="button"
                className="toggle"
                tabIndex={-1}
                aria-label={expanded ? "Свернуть ресурсы" : "Показать ресурсы"}
                onMouseDown={(e) => e.stopPropagation()}
                onClick={() => handlers.toggle(row.positionId!)}
              >
                {expanded ? "▾" : "▸"}
              </button>
            )}
            {editing && editing.field === c.key ? (
              <CellEditor
                initial={editing.text}
                error={editing.error}
                label={`${c.title}, позиция ${text("number")}`}
                onCommit={handlers.commit}
                onCancel={handlers.cancel}
              />
            ) : (
              value
            )}
            {error && !editing && (
              <span className="cell-error" role="note">
                {error}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
});

/** The column of the cell an event happened in (one listener per row, not two per cell). */
function cellIndexOf(target: EventTarget): number {
  const cell = (target as HTMLElement).closest?.("[data-ci]");
  return cell ? Number(cell.getAttribute("data-ci")) : -1;
}

function rowCellText(props: RowViewProps, key: ColumnKey): string {
  const { row, section, position, detail } = props;
  if (row.kind === "section") return sectionText(section, key);
  if (!position) return "";
  if (row.kind === "resource") return resourceText(detail, row.resourceIndex!, key);
  return positionText(position, row.ordinal, props.quantityOverlay, key);
}

function CellEditor(props: {
  initial: string;
  error?: string;
  label: string;
  onCommit(value: string, direction: "down" | "right" | "stay"): boolean;
  onCancel(): void;
}) {
  const [value, setValue] = useState(props.initial);
  const input = useRef<HTMLInputElement>(null);
  // Enter, Tab and Esc end the edit; a blur afterwards (the input leaving the page) must not.
  const ended = useRef(false);
  const end = (action: () => boolean | void) => {
    if (ended.current) return;
    ended.current = true;
    // A refused value keeps the editor open: the next Enter, Tab, Esc or blur counts again.
    if (action() === false) ended.current = false;
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
