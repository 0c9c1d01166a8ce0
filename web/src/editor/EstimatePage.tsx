// The estimate editor: header, section tree, the positions grid with the current position's
// properties under it, the normative base beside it, the totals always in view; versions on
// their own tab. Every change goes to the service; every figure on screen is the service's.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, NavLink, Route, Routes, useNavigate, useParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { ExportProgress } from "../components/ExportProgress";
import { useExport } from "../components/useExport";
import { useSession } from "../app/session";
import { useObject, useProject } from "../pages/queries";
import { parseDecimalInput } from "../lib/decimal";
import { BasePanel } from "./BasePanel";
import { ChatPanel } from "./ChatPanel";
import { AttachmentsView } from "./AttachmentsView";
import { CheckPanel } from "./CheckPanel";
import { COLUMNS, loadColumnPrefs, saveColumnPrefs, visibleColumns, type ColumnKey, type ColumnPrefs } from "./columns";
import { ConflictDialog } from "./ConflictDialog";
import { Grid, type GridHandle } from "./Grid";
import { HeaderPanel, TerritoryOptions, territoryKey, useTerritories } from "./HeaderPanel";
import { Dialog } from "../components/Dialog";
import { FormDialog, NameDialog } from "../components/FormDialog";
import { gridRows, sectionOf, type Change, type GridRow } from "./model";
import { PositionPanel } from "./PositionPanel";
import { SectionTree } from "./SectionTree";
import { SyncStatus } from "./SyncStatus";
import { TotalsPanel } from "./TotalsPanel";
import { useEstimateEditor } from "./useEstimateEditor";
import { VersionsView } from "./VersionsView";

const CostChart = lazy(() => import("./CostChart"));

const STATUS_NAMES: Record<string, string> = { draft: "черновик", review: "на проверке", approved: "утверждена" };
export const EXPORTS: { format: string; label: string }[] = [
  { format: "gge", label: "ГГЭ XML" },
  { format: "gge-3.02", label: "ГГЭ XML 3.02" },
  { format: "arps", label: "АРПС" },
  { format: "xlsx", label: "Excel" },
  { format: "pdf", label: "PDF" },
];

type Dialog = { kind: "delete"; ids: number[] } | { kind: "coefficient"; ids: number[] } | { kind: "move"; ids: number[] } | { kind: "section" } | { kind: "chart" } | { kind: "reprice" } | null;

export default function EstimatePage() {
  const estimateId = Number(useParams().estimateId);
  const gridRef = useRef<GridHandle>(null);
  const editor = useEstimateEditor(estimateId, {
    onAdded: (ids) => setTimeout(() => gridRef.current?.scrollToPosition(ids[ids.length - 1]), 0),
  });
  const { model } = editor;
  const { can } = useSession();

  if (editor.loadError) {
    return (
      <section className="page">
        <h1>Смета недоступна</h1>
        <p className="error">{editor.loadError.message}</p>
        <Link to="/projects">К проектам</Link>
      </section>
    );
  }
  if (!model) return <p className="loading">Загрузка сметы…</p>;
  const readOnly = !can("edit_draft") || model.header.status !== "draft";
  return (
    <div className="editor">
      <EditorHeader editor={editor} readOnly={readOnly} />
      <Routes>
        <Route index element={<Workspace editor={editor} readOnly={readOnly} gridRef={gridRef} />} />
        <Route
          path="versions"
          element={<VersionsView estimateId={estimateId} currentVersion={model.version} canRestore={!readOnly} onRestored={() => void editor.reload()} />}
        />
        <Route path="files" element={<AttachmentsView key={estimateId} estimateId={estimateId} />} />
      </Routes>
      <TotalsPanel totals={model.totals} problem={model.problem} busy={editor.queueItems.length > 0} />
      {editor.conflict && (
        <ConflictDialog conflict={editor.conflict} onReapply={() => void editor.resolveConflict("reapply")} onDiscard={() => void editor.resolveConflict("discard")} />
      )}
    </div>
  );
}

type EditorApi = ReturnType<typeof useEstimateEditor>;

function EditorHeader({ editor, readOnly }: { editor: EditorApi; readOnly: boolean }) {
  const model = editor.model!;
  const h = model.header;
  const { can } = useSession();
  const [error, setError] = useState<string | null>(null);
  const object = useObject(h.object_id);
  const project = useProject(object.data?.project_id ?? NaN);
  const setStatus = async (status: Schemas["EstimateStatus"]) => {
    try {
      unwrap(
        await api.POST("/api/v1/estimates/{id}/status", {
          params: { path: { id: model.id }, header: { "If-Match": `"${model.version}"` } },
          body: { status },
        }),
      );
      setError(null);
      await editor.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const exporting = useExport();
  const exportAs = async (format: string) => {
    try {
      await exporting.start(`/api/v1/estimates/${model.id}/export?format=${format}`, format, `smeta-${model.id}.${format}`);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const quiet = editor.queueItems.length === 0;
  return (
    <header className="editor-head">
      <nav className="crumbs" aria-label="Путь">
        <Link to="/projects">Проекты</Link> ›{" "}
        {project.data ? <Link to={`/projects/${project.data.id}`}>{project.data.name}</Link> : "…"} ›{" "}
        {object.data ? <Link to={`/objects/${object.data.id}`}>{object.data.name}</Link> : "…"}
      </nav>
      <div className="title-row">
        <h1>
          {h.number && <span className="muted">№ {h.number} </span>}
          {h.name}
        </h1>
        <span className={`badge ${h.status}`}>{STATUS_NAMES[h.status]}</span>
        <span className="muted">
          {h.region ? `регион ${h.region}, зона ${h.zone || "1"}, ${h.quarter || "квартал не задан"}` : "регион и квартал не заданы"} · версия {model.version} ·{" "}
          {model.positions.size} поз.
        </span>
        <nav className="tabs inline" aria-label="Вид">
          <NavLink to="" end>
            Смета
          </NavLink>
          <NavLink to="versions">Версии</NavLink>
          <NavLink to="files">Файлы</NavLink>
        </nav>
        <span className="spacer" />
        <SyncStatus items={editor.queueItems} onRetry={() => editor.queue.retryNow()} />
      </div>
      <div className="toolbar">
        {h.status === "draft" && can("submit_for_review") && (
          <button type="button" disabled={!quiet} onClick={() => void setStatus("review")}>
            На проверку
          </button>
        )}
        {h.status === "review" && can("approve_estimate") && (
          <button type="button" disabled={!quiet} onClick={() => void setStatus("approved")}>
            Утвердить
          </button>
        )}
        {h.status === "review" && can("return_to_draft") && (
          <button type="button" disabled={!quiet} onClick={() => void setStatus("draft")}>
            Вернуть в черновик
          </button>
        )}
        {h.status === "approved" && can("reopen_approved") && (
          <button type="button" disabled={!quiet} onClick={() => void setStatus("draft")}>
            Открыть для правки
          </button>
        )}
        <span className="spacer" />
        <span className="muted">Выгрузить:</span>
        {EXPORTS.map((e) => (
          <button
            key={e.format}
            type="button"
            onClick={() => void exportAs(e.format)}
            data-export={e.format}
            disabled={exporting.state !== null}
            aria-busy={exporting.state?.format === e.format}
          >
            {e.label}
          </button>
        ))}
        {exporting.state?.job && (
          <ExportProgress
            state={exporting.state}
            label={EXPORTS.find((e) => e.format === exporting.state?.format)?.label ?? exporting.state.format}
            onCancel={exporting.cancel}
          />
        )}
      </div>
      {readOnly && (
        <p className="notice readonly-note" role="note">
          {can("edit_draft") ? `Смета ${STATUS_NAMES[h.status]} — правка возможна только в черновике.` : "Только просмотр: ваша роль не позволяет изменять сметы."}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </header>
  );
}

function Workspace({ editor, readOnly, gridRef }: { editor: EditorApi; readOnly: boolean; gridRef: React.RefObject<GridHandle> }) {
  const navigate = useNavigate();
  const model = editor.model!;
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const [prefs, setPrefs] = useState<ColumnPrefs>(loadColumnPrefs);
  // The panel beside the grid: the normative base, the check's findings or the assistant's chat.
  const [side, setSide] = useState<"base" | "check" | "chat" | null>(readOnly ? null : "base");
  const showBase = side === "base";
  const setShowBase = (f: (open: boolean) => boolean) => setSide((s) => (f(s === "base") ? "base" : s === "base" ? null : s));
  const toggleSide = (panel: "check" | "chat") => setSide((s) => (s === panel ? null : panel));
  const goToPosition = (positionId: number) => {
    gridRef.current?.scrollToPosition(positionId);
    gridRef.current?.focus();
  };
  const [showHeader, setShowHeader] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [activeRow, setActiveRow] = useState<GridRow | undefined>();
  const columns = useMemo(() => visibleColumns(prefs), [prefs]);
  const { details, fetchDetail, edit } = editor;

  const rows = useMemo(
    () => gridRows(model, expanded, (id) => details.get(id)?.document.resources?.length ?? 0),
    [model, expanded, details],
  );

  const activePositionId = activeRow?.positionId;
  const activeSection = activeRow ? model.sections.find((s) => s.id === activeRow.sectionId) : model.sections[model.sections.length - 1];

  useEffect(() => {
    if (activePositionId === undefined || details.has(activePositionId)) return;
    const t = setTimeout(() => void fetchDetail(activePositionId).catch(() => undefined), 150);
    return () => clearTimeout(t);
  }, [activePositionId, details, fetchDetail]);

  const toggle = useCallback(
    (positionId: number) => {
      setExpanded((e) => {
        const next = new Set(e);
        if (next.has(positionId)) next.delete(positionId);
        else next.add(positionId);
        return next;
      });
      if (!details.has(positionId)) void fetchDetail(positionId).catch(() => undefined);
    },
    [details, fetchDetail],
  );

  const setValues = useCallback(
    (values: { positionId: number; field: ColumnKey; text: string }[]) => {
      const refused = new Map<string, string>();
      const forward: Change[] = [];
      const backward: Change[] = [];
      const overlay = [];
      for (const v of values) {
        const parsed = parseDecimalInput(v.text);
        if (!parsed.ok) {
          refused.set(`${v.positionId}:${v.field}`, parsed.error);
          continue;
        }
        const p = model.positions.get(v.positionId);
        // Compared with what the cell shows: a value still on its way counts, so typing the
        // saved value back over a pending one is an edit too.
        const shown = editor.overlays.get(`${v.positionId}:quantity`) ?? p?.quantity;
        if (!p || shown === parsed.value) continue;
        forward.push({ op: "update_position", position_id: v.positionId, quantity: parsed.value });
        backward.push({ op: "update_position", position_id: v.positionId, quantity: shown ?? null });
        overlay.push({ positionId: v.positionId, field: "quantity", value: parsed.value });
      }
      if (forward.length > 0) {
        const label = forward.length === 1 ? `Количество поз. ${positionLabel(model, forward[0])}` : `Вставка количеств (${forward.length})`;
        edit(label, forward, backward, overlay);
      }
      if (refused.size > 0 && values.length > 1) editor.setNotice({ kind: "error", text: `Не вставлено: ${[...refused.values()].join("; ")}` });
      return refused;
    },
    [model, edit, editor],
  );

  const addNorm = useCallback(
    (norm: { family: string; code: string; name?: string }, sectionId?: number, index?: number) => {
      const target = sectionId ?? activeSection?.id;
      if (target === undefined) {
        editor.setNotice({ kind: "error", text: "Сначала добавьте раздел сметы" });
        return;
      }
      const change: Change = {
        op: "add_position",
        section_id: target,
        family: norm.family as Schemas["NormFamily"],
        code: norm.code,
        quantity: "1",
        ...(index !== undefined ? { index } : {}),
      };
      edit(`Добавлена ${norm.code}`, [change], [{ op: "remove_position", position_id: 0 }]);
    },
    [activeSection, edit, editor],
  );

  const move = useCallback(
    (ids: number[], sectionId: number, index?: number) => {
      const forward: Change[] = [];
      const origin: { id: number; section: number; index: number; order: number }[] = [];
      ids.forEach((id) => {
        const from = sectionOf(model, id);
        if (!from) return;
        origin.push({ id, section: from.id, index: from.positionIds.indexOf(id), order: model.sections.indexOf(from) });
      });
      // `index` is a place in the target section as it is now; the moved positions leave it first.
      const target = model.sections.find((x) => x.id === sectionId);
      const leaving = index === undefined || !target ? 0 : target.positionIds.slice(0, index).filter((id) => ids.includes(id)).length;
      ids.forEach((id, i) => forward.push({ op: "move_position", position_id: id, section_id: sectionId, ...(index !== undefined ? { index: index - leaving + i } : {}) }));
      origin.sort((a, b) => a.order - b.order || a.index - b.index);
      const backward: Change[] = origin.map((o) => ({ op: "move_position", position_id: o.id, section_id: o.section, index: o.index }));
      edit(ids.length === 1 ? "Перемещение позиции" : `Перемещение позиций (${ids.length})`, forward, backward);
    },
    [model, edit],
  );

  const remove = useCallback(
    async (ids: number[]) => {
      setDialog(null);
      try {
        const docs = await Promise.all(ids.map((id) => (details.get(id) ? Promise.resolve(details.get(id)!) : fetchDetail(id))));
        const places = ids
          .map((id, i) => {
            const s = sectionOf(model, id)!;
            return { id, doc: docs[i].document, section: s.id, index: s.positionIds.indexOf(id), order: model.sections.indexOf(s) };
          })
          .sort((a, b) => a.order - b.order || a.index - b.index);
        const forward: Change[] = places.map((p) => ({ op: "remove_position", position_id: p.id }));
        const backward: Change[] = places.map((p) => ({ op: "add_position", section_id: p.section, index: p.index, position: p.doc }));
        edit(ids.length === 1 ? "Удаление позиции" : `Удаление позиций (${ids.length})`, forward, backward);
      } catch (e) {
        editor.setNotice({ kind: "error", text: (e as Error).message });
      }
    },
    [details, fetchDetail, model, edit, editor],
  );

  // Undo and redo from anywhere in the editor but a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      const typing = el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT";
      if (!(e.ctrlKey || e.metaKey) || typing) return;
      const key = e.key.toLowerCase();
      if ((key === "z" || key === "я") && !e.shiftKey) editor.undo();
      else if (key === "y" || key === "н" || ((key === "z" || key === "я") && e.shiftKey)) editor.redo();
      else if ((key === "m" || key === "ь") && !readOnly) {
        const ids = gridRef.current?.selectedPositionIds() ?? [];
        if (ids.length > 0) setDialog({ kind: "move", ids });
      } else if (key === "b" || key === "и") setShowBase((s) => !s);
      else if (e.shiftKey && (key === "e" || key === "у")) toggleSide("check");
      else if (e.shiftKey && (key === "k" || key === "л")) toggleSide("chat");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [editor, readOnly, gridRef]);

  const selected = () => gridRef.current?.selectedPositionIds() ?? [];
  const resize = useCallback((key: ColumnKey, width: number) => {
    setPrefs((p) => {
      const next = { ...p, widths: { ...p.widths, [key]: width } };
      saveColumnPrefs(next);
      return next;
    });
  }, []);

  return (
    <div className={`workspace${side ? " with-base" : ""}`}>
      <SectionTree
        model={model}
        activeSectionId={activeSection?.id}
        readOnly={readOnly}
        onGo={(id) => {
          const first = model.sections.find((s) => s.id === id)?.positionIds[0];
          if (first !== undefined) gridRef.current?.scrollToPosition(first);
        }}
        onMove={(ids, sectionId) => move(ids, sectionId)}
        onDropNorm={(norm, sectionId) => addNorm(norm, sectionId)}
        onAddSection={() => setDialog({ kind: "section" })}
      />
      <div className="center">
        <div className="toolbar grid-tools" role="toolbar" aria-label="Правка сметы">
          {!readOnly && (
            <>
              <button type="button" onClick={editor.undo} disabled={!editor.canUndo} title="Ctrl+Z">
                ↶ Отменить
              </button>
              <button type="button" onClick={editor.redo} disabled={!editor.canRedo} title="Ctrl+Y">
                ↷ Повторить
              </button>
              <button type="button" onClick={() => setDialog({ kind: "section" })}>
                + Раздел
              </button>
              <button type="button" onClick={() => selected().length && setDialog({ kind: "coefficient", ids: selected() })} title="К выделенным позициям">
                Коэффициент…
              </button>
              <button type="button" onClick={() => selected().length && setDialog({ kind: "move", ids: selected() })} title="Ctrl+M">
                Переместить…
              </button>
              <button type="button" className="danger" onClick={() => selected().length && setDialog({ kind: "delete", ids: selected() })} title="Delete">
                Удалить
              </button>
              <button type="button" onClick={() => setDialog({ kind: "reprice" })} title="Цены другого квартала или региона">
                Переоценка…
              </button>
            </>
          )}
          <span className="spacer" />
          <button type="button" onClick={() => setShowHeader((s) => !s)} aria-expanded={showHeader}>
            Параметры сметы
          </button>
          <ColumnsMenu prefs={prefs} onChange={(p) => (saveColumnPrefs(p), setPrefs(p))} />
          <button type="button" onClick={() => setDialog({ kind: "chart" })} disabled={!model.totals}>
            Структура затрат
          </button>
          <button type="button" onClick={() => setShowBase((s) => !s)} aria-pressed={showBase} title="Ctrl+B">
            Нормативная база
          </button>
          <button type="button" onClick={() => toggleSide("check")} aria-pressed={side === "check"} title="Ctrl+Shift+E">
            Проверить
          </button>
          <button type="button" onClick={() => toggleSide("chat")} aria-pressed={side === "chat"} title="Ctrl+Shift+K">
            Помощник
          </button>
        </div>
        {showHeader && (
          <HeaderPanel
            model={model}
            readOnly={readOnly}
            onClose={() => setShowHeader(false)}
            onSave={(change, before, label) => {
              edit(label, [change], [before]);
              setShowHeader(false);
            }}
          />
        )}
        {model.sections.length === 0 ? (
          <div className="empty card">
            <p>В смете пока нет разделов.</p>
            {!readOnly && (
              <button type="button" className="primary" onClick={() => setDialog({ kind: "section" })}>
                Добавить раздел
              </button>
            )}
          </div>
        ) : (
          <Grid
            ref={gridRef}
            model={model}
            rows={rows}
            columns={columns}
            overlays={editor.overlays}
            cellErrors={editor.cellErrors}
            details={details}
            readOnly={readOnly}
            expanded={expanded}
            onActiveRow={setActiveRow}
            onToggle={toggle}
            onSetValues={setValues}
            onDelete={(ids) => setDialog({ kind: "delete", ids })}
            onMove={move}
            onDropNorm={addNorm}
            onResize={resize}
          />
        )}
        <PositionPanel
          detail={activePositionId !== undefined ? details.get(activePositionId) : undefined}
          loading={activePositionId !== undefined}
          readOnly={readOnly}
          onChange={(label, forward, backward) => edit(label, [forward], [backward])}
        />
      </div>
      {side === "check" && <CheckPanel estimateId={model.id} version={model.version} onGo={goToPosition} onClose={() => setSide(null)} />}
      {side === "chat" && <ChatPanel estimateId={model.id} onGo={goToPosition} onClose={() => setSide(null)} />}
      {showBase && (
        <BasePanel
          region={model.header.region}
          zone={model.header.zone}
          quarter={model.header.quarter}
          canAdd={!readOnly}
          sectionName={activeSection?.name}
          onAdd={(hit) => addNorm(hit)}
          onClose={() => setSide(null)}
        />
      )}
      {dialog?.kind === "delete" && (
        <Dialog title="Удалить позиции?" onClose={() => setDialog(null)} testId="delete-dialog">
          <p>
            {dialog.ids.length === 1 ? "Позиция будет удалена" : `Будут удалены позиции: ${dialog.ids.length}`}. Удаление можно отменить (Ctrl+Z), прежние версии сохраняются.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setDialog(null)}>
              Отмена
            </button>
            <button type="button" className="danger" autoFocus onClick={() => void remove(dialog.ids)}>
              Удалить
            </button>
          </div>
        </Dialog>
      )}
      {dialog?.kind === "section" && (
        <NameDialog
          title="Новый раздел"
          label="Наименование раздела"
          submitLabel="Добавить"
          onClose={() => setDialog(null)}
          onSubmit={async (name) => edit(`Раздел «${name}»`, [{ op: "add_section", name }], [{ op: "remove_section", section_id: 0 }])}
        />
      )}
      {dialog?.kind === "move" && (
        <MoveDialog
          model={model}
          count={dialog.ids.length}
          onCancel={() => setDialog(null)}
          onSubmit={(sectionId) => {
            setDialog(null);
            move(dialog.ids, sectionId);
          }}
        />
      )}
      {dialog?.kind === "coefficient" && (
        <CoefficientDialog
          count={dialog.ids.length}
          onCancel={() => setDialog(null)}
          onSubmit={async (coefficient) => {
            setDialog(null);
            try {
              const docs = await Promise.all(dialog.ids.map((id) => (details.get(id) ? Promise.resolve(details.get(id)!) : fetchDetail(id))));
              const forward: Change[] = docs.map((d) => ({ op: "update_position", position_id: d.id, coefficients: [...(d.document.coefficients ?? []), coefficient] }));
              const backward: Change[] = docs.map((d) => ({ op: "update_position", position_id: d.id, coefficients: d.document.coefficients ?? null }));
              edit(`Коэффициент «${coefficient.name}» (${docs.length} поз.)`, forward, backward);
            } catch (e) {
              editor.setNotice({ kind: "error", text: (e as Error).message });
            }
          }}
        />
      )}
      {dialog?.kind === "reprice" && (
        <RepriceDialog
          estimateId={model.id}
          version={model.version}
          current={`${model.header.region}|${model.header.zone}|${model.header.quarter}`}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            void editor.reload();
            editor.setNotice({ kind: "info", text });
            // The figures that changed: the diff of the new version against the one before.
            navigate(`/estimates/${model.id}/versions`);
          }}
        />
      )}
      {dialog?.kind === "chart" && model.totals && (
        <Dialog title="Структура затрат" onClose={() => setDialog(null)} testId="chart-dialog">
          <Suspense fallback={<p className="muted">Загрузка диаграммы…</p>}>
            <CostChart totals={model.totals} />
          </Suspense>
          <div className="actions">
            <button type="button" onClick={() => setDialog(null)}>
              Закрыть
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function positionLabel(model: ReturnType<typeof useEstimateEditor>["model"], change: Change): string {
  if (change.op !== "update_position" || !model) return "";
  return model.positions.get(change.position_id)?.code ?? String(change.position_id);
}

function ColumnsMenu({ prefs, onChange }: { prefs: ColumnPrefs; onChange(p: ColumnPrefs): void }) {
  return (
    <details className="menu">
      <summary>Столбцы</summary>
      <div className="menu-body" role="group" aria-label="Видимые столбцы">
        {COLUMNS.filter((c) => !c.fixed).map((c) => (
          <label key={c.key} className="check">
            <input
              type="checkbox"
              checked={!prefs.hidden.includes(c.key)}
              onChange={(e) => onChange({ ...prefs, hidden: e.target.checked ? prefs.hidden.filter((k) => k !== c.key) : [...prefs.hidden, c.key] })}
            />
            {c.title}
          </label>
        ))}
        <button type="button" onClick={() => onChange({ widths: {}, hidden: [] })}>
          Как было
        </button>
      </div>
    </details>
  );
}

function MoveDialog(props: { model: NonNullable<EditorApi["model"]>; count: number; onCancel(): void; onSubmit(sectionId: number): void }) {
  const [section, setSection] = useState(props.model.sections[0]?.id ?? 0);
  return (
    <FormDialog title="Переместить в раздел" submitLabel="Переместить" onClose={props.onCancel} onSubmit={async () => props.onSubmit(section)} testId="move-dialog">
      <p>Позиций: {props.count}. Они встанут в конец раздела.</p>
      <label>
        Раздел
        <select value={section} onChange={(e) => setSection(Number(e.target.value))} data-autofocus>
          {props.model.sections.map((s, i) => (
            <option key={s.id} value={s.id}>
              {i + 1}. {s.name}
            </option>
          ))}
        </select>
      </label>
    </FormDialog>
  );
}

function CoefficientDialog(props: { count: number; onCancel(): void; onSubmit(c: Schemas["Coefficient"]): void }) {
  const [name, setName] = useState("");
  const [values, setValues] = useState({ labor: "", machines: "", machinist_labor: "", materials: "" });
  const labels: Record<string, string> = { labor: "к ОЗП", machines: "к ЭМ", machinist_labor: "к ЗПМ", materials: "к МАТ" };
  const submit = async () => {
    const out: Schemas["Coefficient"] = { name: name.trim() || "Коэффициент" };
    for (const [k, text] of Object.entries(values)) {
      if (!text.trim()) continue;
      const p = parseDecimalInput(text);
      if (!p.ok) throw new Error(`${labels[k]}: ${p.error}`);
      (out as Record<string, string>)[k] = p.value;
    }
    props.onSubmit(out);
  };
  return (
    <FormDialog title="Коэффициент к выделенным позициям" submitLabel="Применить" onClose={props.onCancel} onSubmit={submit} testId="coefficient-dialog">
      <p>Позиций: {props.count}. Коэффициент добавится к уже заданным.</p>
      <label>
        Наименование (основание)
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="МДС 81-35.2004 прил. 1 т. 1 п. 2" data-autofocus />
      </label>
      <div className="row">
        {Object.keys(values).map((k) => (
          <label key={k}>
            {labels[k]}
            <input inputMode="decimal" size={6} value={values[k as keyof typeof values]} onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
          </label>
        ))}
      </div>
    </FormDialog>
  );
}

/** Re-pricing into another price set of the active release (a quarter, a region): one new version; the
 * positions the price set has no price for stay as they were and are named. */
function RepriceDialog(props: { estimateId: number; version: number; current: string; onClose(): void; onDone(text: string): void }) {
  const territories = useTerritories();
  const others = territories.filter((t) => territoryKey(t) !== props.current);
  // The first other level until one is chosen (the levels arrive after the dialog opens).
  const [chosen, setChoice] = useState("");
  const choice = chosen || (others[0] ? territoryKey(others[0]) : "");
  const submit = async () => {
    const [region, zone, quarter] = choice.split("|");
    const answer = unwrap(
      await api.POST("/api/v1/estimates/{id}/reprice", {
        params: { path: { id: props.estimateId }, header: { "If-Match": `"${props.version}"` } },
        body: { region, zone, quarter },
      }),
    );
    const kept = answer.kept.map((k) => `поз. ${k.number || k.position_id} (${k.missing.join(", ")})`);
    props.onDone(
      `Переоценка в ${answer.price_set.quarter}, регион ${answer.price_set.region}, зона ${answer.price_set.zone}: версия ${answer.version}` +
        (kept.length > 0 ? `; без цен нового уровня оставлены как были: ${kept.join("; ")}` : "; все позиции переоценены") +
        ". Что изменилось — ниже, на вкладке «Версии».",
    );
  };
  return (
    <FormDialog title="Переоценка сметы" submitLabel="Переоценить" onClose={props.onClose} onSubmit={submit} valid={choice !== ""} testId="reprice-dialog">
      <p>Цены всех ресурсов, машинистов и подстрок берутся из выбранного уровня цен действующей редакции базы; расходы, коэффициенты, НР и СП не меняются. Сохраняется новой версией.</p>
      {others.length === 0 ? (
        <p className="muted">В действующей редакции базы нет других уровней цен.</p>
      ) : (
        <label>
          Регион, зона и квартал
          <select value={choice} onChange={(e) => setChoice(e.target.value)} data-autofocus>
            <TerritoryOptions territories={others} />
          </select>
        </label>
      )}
    </FormDialog>
  );
}

