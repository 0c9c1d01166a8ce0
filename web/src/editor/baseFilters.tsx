// The filters the base panel's search and its suggestion share: the collection family, and a
// value that settles before it is asked for.
import { useEffect, useState } from "react";
import type { Schemas } from "../api/client";

export const FAMILIES: { value: Schemas["NormFamily"]; label: string }[] = [
  { value: "gesn", label: "ГЭСН — строительные" },
  { value: "gesnm", label: "ГЭСНм — монтаж оборудования" },
  { value: "gesnp", label: "ГЭСНп — пусконаладочные" },
  { value: "gesnr", label: "ГЭСНр — ремонтно-строительные" },
  { value: "gesnmr", label: "ГЭСНмр — капремонт оборудования" },
];

/** The collection family filter of the base panel's search and suggestion. */
export function FamilySelect({ value, onChange }: { value: string; onChange(value: string): void }) {
  return (
    <label>
      Сборники
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">все ГЭСН</option>
        {FAMILIES.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

