// Tabs of a page (WAI-ARIA tabs: ←/→/Home/End move and select). The chosen tab lives in the
// address (?tab=…), so a reload or a shared link opens the same one.
import { useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { useSearchParams } from "react-router-dom";

export interface TabSpec<K extends string> {
  key: K;
  label: string;
}

export function useTabParam<K extends string>(tabs: readonly TabSpec<K>[]): [K, (key: K) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get("tab");
  const current = (tabs.find((t) => t.key === value) ?? tabs[0]).key;
  const select = (key: K) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (key === tabs[0].key) next.delete("tab");
        else next.set("tab", key);
        return next;
      },
      { replace: true },
    );
  return [current, select];
}

export function Tabs<K extends string>({
  tabs,
  current,
  onSelect,
  label,
  children,
}: {
  tabs: readonly TabSpec<K>[];
  current: K;
  onSelect: (key: K) => void;
  label: string;
  children: ReactNode;
}) {
  const base = useId();
  const refs = useRef(new Map<K, HTMLButtonElement>());

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.key === current);
    let next = -1;
    if (e.key === "ArrowRight") next = (at + 1) % tabs.length;
    else if (e.key === "ArrowLeft") next = (at - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onSelect(tabs[next].key);
    refs.current.get(tabs[next].key)?.focus();
  };

  return (
    <>
      <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.key}
            ref={(el) => {
              if (el) refs.current.set(t.key, el);
              else refs.current.delete(t.key);
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${t.key}`}
            aria-selected={t.key === current}
            aria-controls={`${base}-panel`}
            tabIndex={t.key === current ? 0 : -1}
            onClick={() => onSelect(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${current}`}>
        {children}
      </div>
    </>
  );
}
