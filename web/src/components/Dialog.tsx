// A modal dialog: focus moves into it (the element marked data-autofocus, else the first field or
// button), stays inside (Tab cycles; focus that escapes is brought back), Esc closes the topmost
// dialog wherever the focus is, and focus goes back where it was — or, when that element is
// gone (the row was deleted), to the page's heading.
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { createPortal } from "react-dom";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/** Open dialogs, innermost last: only that one answers Esc and keeps the focus. */
const openDialogs: HTMLElement[] = [];

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Wider dialogs (reports). */
  wide?: boolean;
  testId?: string;
  /** The description (aria-describedby) — e.g. the question of a confirmation. */
  describedBy?: string;
  role?: "dialog" | "alertdialog";
}

export function Dialog({ title, onClose, children, wide, testId, describedBy, role = "dialog" }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const node = ref.current!;
    const target =
      node.querySelector<HTMLElement>("[data-autofocus]") ??
      node.querySelector<HTMLElement>("input:not([disabled]), select:not([disabled]), textarea:not([disabled])") ??
      focusables(node)[0] ??
      node;
    target.focus();
    openDialogs.push(node);
    // The page behind is inert while a dialog is open: not clickable, not focusable, not read.
    const app = document.getElementById("root");
    app?.setAttribute("inert", "");
    const top = () => openDialogs[openDialogs.length - 1] === node;
    const onDocumentKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === "Escape" && top()) {
        e.preventDefault();
        e.stopPropagation();
        closeRef.current();
      }
    };
    const onFocusIn = (e: FocusEvent) => {
      if (top() && e.target instanceof Node && !node.contains(e.target)) (focusables(node)[0] ?? node).focus();
    };
    document.addEventListener("keydown", onDocumentKey, true);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onDocumentKey, true);
      document.removeEventListener("focusin", onFocusIn);
      openDialogs.splice(openDialogs.indexOf(node), 1);
      if (openDialogs.length === 0) app?.removeAttribute("inert");
      if (previous && previous.isConnected && previous !== document.body) previous.focus();
      else document.querySelector<HTMLElement>("main h1")?.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "Tab") return;
    const items = focusables(ref.current!);
    if (items.length === 0) {
      e.preventDefault();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === ref.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) closeRef.current();
      }}
    >
      <div
        ref={ref}
        className={`dialog${wide ? " dialog-wide" : ""}`}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
