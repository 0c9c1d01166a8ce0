// A modal dialog of the editor: focus moves in and is kept inside, Esc closes, focus goes back.
import { useEffect, useRef, type ReactNode } from "react";

export function Modal(props: { title: string; onClose(): void; children: ReactNode; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>("[autofocus], input, select, textarea, button");
    first?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={box}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="modal-title"
        data-testid={props.testId}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            props.onClose();
          }
          if (e.key === "Tab") {
            const focusable = Array.from(box.current?.querySelectorAll<HTMLElement>("input, select, textarea, button, a[href]") ?? []).filter((el) => !el.hasAttribute("disabled"));
            if (focusable.length === 0) return;
            const first = focusable[0];
            const last = focusable[focusable.length - 1];
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first.focus();
            }
          }
        }}
      >
        <h2 id="modal-title">{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}
