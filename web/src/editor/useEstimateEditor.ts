// The editor's state and every action on the estimate. Edits go through the EditQueue (one change
// set per user action, If-Match of the version it was made on), the model follows the service's
// answers, undo/redo re-send the inverse change sets, a conflict stops the queue and is explained.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSession } from "../app/session";
import { api, ApiError, problemText, unwrap, type Schemas } from "../api/client";
import { freshEstimate, takeEstimate } from "../app/prefetch";
import { notify, notifyError } from "../components/Toast";
import { EditQueue, type Outcome, type QueuedEdit } from "../lib/editQueue";
import { UndoStack } from "../lib/undo";
import { applyEdit, fromEstimate, type Change, type EditApplied, type EstimateModel } from "./model";

export type PositionDetail = Schemas["PositionDetail"];

/** A value typed into a cell, shown until the service answers. */
export interface Overlay {
  positionId: number;
  field: string;
  value: string;
}

export interface EditBody {
  changes: Change[];
  summary?: string;
  overlay?: Overlay[];
  /** The undo entry this edit belongs to and which way it goes. */
  undo?: { entry: string; direction: "forward" | "backward" };
}

interface UndoEntry {
  id: string;
  label: string;
  forward: Change[];
  backward: Change[];
}

export interface Conflict {
  label: string;
  detail: string;
  versions: Schemas["Version"][];
}

export interface Notice {
  kind: "error" | "info";
  text: string;
}

let undoIds = 0;

/**
 * What outlives the editor's component for one user and one estimate: the queue (so a remount
 * does not restore and send an edit that is still on its way), the undo history, and the ids of
 * positions that undo brought back (an older entry naming the removed id is sent with the new).
 */
interface EditingSession {
  queue: EditQueue<EditBody>;
  undo: UndoStack<UndoEntry>;
  entries: Map<string, UndoEntry>;
  renamed: Map<number, number>;
}

const sessions = new Map<string, EditingSession>();

function currentId(renamed: Map<number, number>, id: number): number {
  for (let guard = 0; renamed.has(id) && guard < 1000; guard++) id = renamed.get(id)!;
  return id;
}

function editingSession(userId: number, estimateId: number): EditingSession {
  const key = `${userId}.${estimateId}`;
  const existing = sessions.get(key);
  if (existing) return existing;
  const session: EditingSession = {
    undo: new UndoStack<UndoEntry>(),
    entries: new Map(),
    renamed: new Map(),
    queue: new EditQueue<EditBody>({
      storage: localStorage,
      storageKey: `estimate.queue.${key}`,
      send: async (edit, base) => {
        // An undo or redo takes its entry's changes as they are now: ids of positions that an
        // earlier edit of the queue added are known only once that edit was applied.
        const link = edit.body.undo;
        const entry = link ? session.entries.get(link.entry) : undefined;
        if (entry && link) edit.body.changes = structuredClone(link.direction === "forward" ? entry.forward : entry.backward);
        for (const c of edit.body.changes) {
          if ("position_id" in c && typeof c.position_id === "number") c.position_id = currentId(session.renamed, c.position_id);
        }
        const result = await api.POST("/api/v1/estimates/{id}/changes", {
          params: { path: { id: estimateId }, header: { "If-Match": `"${base}"` } },
          body: { changes: edit.body.changes, ...(edit.body.summary ? { summary: edit.body.summary } : {}) },
        });
        return outcomeOf(result);
      },
    }),
  };
  sessions.set(key, session);
  return session;
}

function outcomeOf(result: { data?: unknown; error?: unknown; response: Response }): Outcome {
  const { response } = result;
  if (response.ok) {
    const data = result.data as Schemas["EditResult"];
    return { kind: "applied", version: data.version, payload: data };
  }
  const status = response.status;
  const text = problemText(status, result.error);
  if (status === 412) return { kind: "conflict", detail: text };
  if (status === 401) return { kind: "signed-out" };
  if (status === 408 || status === 429 || status === 502 || status === 503 || status === 504) {
    const after = Number(response.headers.get("Retry-After"));
    return { kind: "unavailable", reason: `сервер занят или перезапускается (${status})`, retryAfterMs: after > 0 ? after * 1000 : undefined };
  }
  return { kind: "rejected", status, detail: text };
}

/**
 * The ids a change set's adds received (in order) become the ids of the inverse's removals, so
 * that undoing an add removes what was added, and redoing a removal removes the re-added one.
 */
export function remapAddedIds(applied: Change[], addedIds: number[], inverse: Change[]): [number, number][] {
  const renamed: [number, number][] = [];
  const sections: number[] = [];
  const positions: number[] = [];
  let k = 0;
  for (const c of applied) {
    if (c.op === "add_section") sections.push(addedIds[k++]);
    else if (c.op === "add_position") positions.push(addedIds[k++]);
  }
  for (const c of inverse) {
    if (c.op === "remove_position" && positions.length > 0) {
      const next = positions.shift()!;
      renamed.push([c.position_id, next]);
      c.position_id = next;
    } else if (c.op === "remove_section" && sections.length > 0) c.section_id = sections.shift()!;
  }
  return renamed;
}

/** The editor's messages go to the application's notifications (errors stay until closed). */
function setNotice(notice: Notice | null): void {
  if (!notice) return;
  if (notice.kind === "error") notifyError(notice.text);
  else notify(notice.text);
}

export function useEstimateEditor(estimateId: number, options: { onAdded?(ids: number[]): void } = {}) {
  const onAdded = useRef(options.onAdded);
  onAdded.current = options.onAdded;
  const queryClient = useQueryClient();
  const [model, setModel] = useState<EstimateModel | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [queueItems, setQueueItems] = useState<readonly QueuedEdit<EditBody>[]>([]);
  const [cellErrors, setCellErrors] = useState<Map<string, string>>(new Map());
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [details, setDetails] = useState<Map<number, PositionDetail>>(new Map());
  const [undoState, setUndoState] = useState({ canUndo: false, canRedo: false });
  const userId = useSession().me?.user.id ?? 0;
  const session = useMemo(() => editingSession(userId, estimateId), [userId, estimateId]);
  const undo = useRef(session.undo);
  undo.current = session.undo;
  const undoEntries = useRef(session.entries);
  undoEntries.current = session.entries;
  const modelRef = useRef<EstimateModel | null>(null);
  modelRef.current = model;
  const detailsRef = useRef(details);
  detailsRef.current = details;

  const fetchDetail = useCallback(
    async (positionId: number): Promise<PositionDetail> => {
      const detail = unwrap(
        await api.GET("/api/v1/estimates/{id}/positions/{position_id}", {
          params: { path: { id: estimateId, position_id: positionId } },
        }),
      );
      setDetails((d) => new Map(d).set(positionId, detail));
      return detail;
    },
    [estimateId],
  );

  const queue = session.queue;

  const load = useCallback(async (fresh = false) => {
    const estimate = unwrap(await (fresh ? freshEstimate(estimateId) : takeEstimate(estimateId)));
    setModel(fromEstimate(estimate));
    setDetails(new Map());
    return estimate;
  }, [estimateId]);

  useEffect(() => {
    let live = true;
    setModel(null);
    load()
      .then((estimate) => {
        if (live) queue.setVersion(estimate.version);
      })
      .catch((e: unknown) => live && setLoadError(e instanceof ApiError ? e : new ApiError(0, String(e), "")));
    return () => {
      live = false;
    };
  }, [load, queue]);

  // The queue's events move the model, the overlays, the errors and the conflict dialog.
  useEffect(() => {
    const events = {
      changed: () => setQueueItems([...queue.items()]),
      applied: (edit: QueuedEdit<EditBody>, _version: number, payload: unknown) => {
        const result = payload as Schemas["EditResult"];
        if (!result.changed) return;
        const applied = result as EditApplied;
        setModel((m) => (m ? applyEdit(m, edit.body.changes, applied) : m));
        // Unfolded positions that changed get their resource lines again.
        for (const row of applied.positions) if (detailsRef.current.has(row.id)) void fetchDetail(row.id).catch(() => undefined);
        if (applied.added_ids.length > 0 && !edit.body.undo?.direction.startsWith("b")) onAdded.current?.(applied.added_ids);
        if (applied.warnings.length > 0) setNotice({ kind: "info", text: applied.warnings.join("; ") });
        const link = edit.body.undo;
        if (link) {
          const entry = undoEntries.current.get(link.entry);
          if (entry) {
            // Re-added positions have new ids: the way back removes those.
            const opposite = link.direction === "forward" ? entry.backward : entry.forward;
            for (const [before, after] of remapAddedIds(edit.body.changes, applied.added_ids, opposite)) {
              if (before > 0) session.renamed.set(before, after);
            }
          }
        }
      },
      rejected: (edit: QueuedEdit<EditBody>, _status: number, detail: string) => {
        setNotice({ kind: "error", text: `${edit.label}: ${detail}` });
        if (edit.body.overlay?.length) {
          setCellErrors((errors) => {
            const next = new Map(errors);
            for (const o of edit.body.overlay ?? []) next.set(`${o.positionId}:${o.field}`, detail);
            return next;
          });
        }
      },
      conflict: (edit: QueuedEdit<EditBody>, detail: string) => {
        const from = queue.baseVersion ?? 0;
        api
          .GET("/api/v1/estimates/{id}/versions", { params: { path: { id: estimateId } } })
          .then((r) => {
            const all = r.data ?? [];
            setConflict({ label: edit.label, detail, versions: all.filter((v) => v.version > from) });
          })
          .catch(() => setConflict({ label: edit.label, detail, versions: [] }));
      },
    };
    queue.setEvents(events);
    queue.start();
    setQueueItems([...queue.items()]);
    const online = () => queue.retryNow();
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("online", online);
      queue.dispose();
    };
  }, [queue, estimateId, fetchDetail, session]);

  const enqueue = useCallback(
    (body: EditBody, label: string) => {
      if (body.overlay) {
        setCellErrors((errors) => {
          if (errors.size === 0) return errors;
          const next = new Map(errors);
          for (const o of body.overlay ?? []) next.delete(`${o.positionId}:${o.field}`);
          return next;
        });
      }
      queue.enqueue(body, label);
      void queryClient.invalidateQueries({ queryKey: ["versions", estimateId] });
    },
    [queue, queryClient, estimateId],
  );

  /** One user action: its change set goes out, and its inverse is kept for Ctrl+Z. */
  const edit = useCallback(
    (label: string, forward: Change[], backward: Change[] | null, overlay?: Overlay[]) => {
      if (forward.length === 0) return;
      let link: EditBody["undo"];
      if (backward) {
        const entry: UndoEntry = { id: `${Date.now().toString(36)}-${++undoIds}`, label, forward, backward };
        undoEntries.current.set(entry.id, entry);
        undo.current.push(entry);
        link = { entry: entry.id, direction: "forward" };
        setUndoState({ canUndo: undo.current.canUndo, canRedo: undo.current.canRedo });
      }
      enqueue({ changes: forward, summary: label, overlay, undo: link }, label);
    },
    [enqueue],
  );

  const overlayOf = (changes: Change[]): Overlay[] =>
    changes.flatMap((c) =>
      c.op === "update_position" && typeof c.quantity === "string" ? [{ positionId: c.position_id, field: "quantity", value: c.quantity }] : [],
    );

  const undoLast = useCallback(() => {
    const entry = undo.current.undo();
    setUndoState({ canUndo: undo.current.canUndo, canRedo: undo.current.canRedo });
    if (!entry) return;
    const changes = structuredClone(entry.backward);
    enqueue({ changes, summary: `Отмена: ${entry.label}`, overlay: overlayOf(changes), undo: { entry: entry.id, direction: "backward" } }, `Отмена: ${entry.label}`);
  }, [enqueue]);

  const redoLast = useCallback(() => {
    const entry = undo.current.redo();
    setUndoState({ canUndo: undo.current.canUndo, canRedo: undo.current.canRedo });
    if (!entry) return;
    const changes = structuredClone(entry.forward);
    enqueue({ changes, summary: entry.label, overlay: overlayOf(changes), undo: { entry: entry.id, direction: "forward" } }, `Повтор: ${entry.label}`);
  }, [enqueue]);

  const resolveConflict = useCallback(
    async (action: "reapply" | "discard") => {
      let estimate: Schemas["Estimate"];
      try {
        estimate = await load(true);
      } catch (e) {
        // The dialog stays: the queue still waits for the user's decision.
        setNotice({ kind: "error", text: `Не удалось загрузить смету: ${(e as Error).message}` });
        return;
      }
      setConflict(null);
      if (action === "reapply") queue.reapply(estimate.version);
      else queue.discardHead(estimate.version);
    },
    [load, queue],
  );

  const reload = useCallback(async () => {
    const estimate = await load(true);
    queue.setVersion(estimate.version);
  }, [load, queue]);

  // Overlays: what is typed and not yet answered, by position and field.
  const overlays = useMemo(() => {
    const map = new Map<string, string>();
    for (const item of queueItems) for (const o of item.body.overlay ?? []) map.set(`${o.positionId}:${o.field}`, o.value);
    return map;
  }, [queueItems]);

  return {
    model,
    loadError,
    queue,
    queueItems,
    overlays,
    cellErrors,
    conflict,
    resolveConflict,
    setNotice,
    details,
    fetchDetail,
    edit,
    undo: undoLast,
    redo: redoLast,
    canUndo: undoState.canUndo,
    canRedo: undoState.canRedo,
    reload,
    modelRef,
  };
}

export type Editor = ReturnType<typeof useEstimateEditor>;
