// The filter field above a list: filters as one types, Esc clears it, «/» comes here (useShortcuts).
import { forwardRef } from "react";

export const SearchBox = forwardRef<HTMLInputElement, { value: string; onChange: (v: string) => void; label: string; placeholder?: string }>(
  function SearchBox({ value, onChange, label, placeholder }, ref) {
    return (
      <label className="search">
        <span className="visually-hidden">{label}</span>
        <input
          ref={ref}
          type="search"
          value={value}
          placeholder={placeholder ?? label}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && value) {
              e.stopPropagation();
              onChange("");
            }
          }}
          aria-keyshortcuts="/"
        />
      </label>
    );
  },
);
