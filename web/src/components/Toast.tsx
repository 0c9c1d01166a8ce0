// Notifications: any code calls notify(); one <Toaster /> (mounted once beside the application)
// shows them. A module-level store rather than a context, so that mutations, the editor's queue
// and plain functions can report without a hook. Errors stay until closed; the rest fade.
import { useEffect, useSyncExternalStore } from "react";
import { Link } from "react-router-dom";
import { COMMON } from "./messages";

export interface ToastInput {
  text: string;
  kind?: "info" | "error";
  /** A link the notice offers (e.g. to the new estimate). */
  link?: { to: string; label: string };
}

interface Toast extends ToastInput {
  id: number;
}

const MAX_SHOWN = 4;
const INFO_MS = 6000;

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  listeners.forEach((l) => l());
}

export function notify(input: ToastInput | string): number {
  const toast: Toast = { kind: "info", ...(typeof input === "string" ? { text: input } : input), id: nextId++ };
  toasts = [...toasts, toast].slice(-MAX_SHOWN);
  emit();
  return toast.id;
}

export function notifyError(text: string): number {
  return notify({ text, kind: "error" });
}

export function dismiss(id: number) {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    if (toast.kind === "error") return;
    const timer = setTimeout(() => dismiss(toast.id), INFO_MS);
    return () => clearTimeout(timer);
  }, [toast]);
  return (
    <div className={`toast${toast.kind === "error" ? " error" : ""}`} role={toast.kind === "error" ? "alert" : "status"}>
      <span>{toast.text}</span>
      {toast.link && (
        <Link to={toast.link.to} onClick={() => dismiss(toast.id)}>
          {toast.link.label}
        </Link>
      )}
      <button type="button" className="link" onClick={() => dismiss(toast.id)}>
        {COMMON.close}
      </button>
    </div>
  );
}

/** Mount once inside the router (main.tsx). */
export function Toaster() {
  const shown = useSyncExternalStore(subscribe, () => toasts);
  return (
    <div className="toasts" aria-live="polite">
      {shown.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
