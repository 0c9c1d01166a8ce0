// Page keys: «/» to the search field, Alt+N to the page's «Создать…». Only when the focus is not
// in a field and no dialog is open, so typing is never taken over.
import { useEffect, useRef } from "react";

export interface Shortcuts {
  search?: () => void;
  create?: () => void;
}

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || !!target.closest("input, textarea, select"));
}

export function useShortcuts(shortcuts: Shortcuts) {
  const ref = useRef(shortcuts);
  ref.current = shortcuts;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
      if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target) && ref.current.search) {
        e.preventDefault();
        ref.current.search();
      } else if (e.altKey && !e.ctrlKey && !e.metaKey && (e.code === "KeyN") && ref.current.create) {
        e.preventDefault();
        ref.current.create();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
