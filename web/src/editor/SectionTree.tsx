// The sections of the estimate on the left: click or Enter goes to a section, a position dragged
// onto a section moves there, a norm dragged onto it is added at its end.
import { useState } from "react";
import { formatMoney } from "../lib/decimal";
import { NORM_MIME, POSITION_MIME } from "./Grid";
import type { EstimateModel } from "./model";

export function SectionTree(props: {
  model: EstimateModel;
  activeSectionId?: number;
  readOnly: boolean;
  onGo(sectionId: number): void;
  onMove(positionIds: number[], sectionId: number): void;
  onDropNorm(norm: { family: string; code: string }, sectionId: number): void;
  onAddSection(): void;
}) {
  const [over, setOver] = useState<number | null>(null);
  return (
    <nav className="tree" aria-label="Разделы сметы">
      <h2>Разделы</h2>
      <ul>
        {props.model.sections.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              className={`${s.id === props.activeSectionId ? "current" : ""}${over === s.id ? " drop" : ""}`}
              aria-current={s.id === props.activeSectionId ? "true" : undefined}
              data-section-id={s.id}
              onClick={() => props.onGo(s.id)}
              onDragOver={(e) => {
                if (props.readOnly) return;
                if (e.dataTransfer.types.includes(NORM_MIME) || e.dataTransfer.types.includes(POSITION_MIME)) {
                  e.preventDefault();
                  setOver(s.id);
                }
              }}
              onDragLeave={() => setOver(null)}
              onDrop={(e) => {
                e.preventDefault();
                setOver(null);
                const norm = e.dataTransfer.getData(NORM_MIME);
                if (norm) props.onDropNorm(JSON.parse(norm), s.id);
                const moved = e.dataTransfer.getData(POSITION_MIME);
                if (moved) props.onMove(JSON.parse(moved), s.id);
              }}
            >
              <span className="name">
                {i + 1}. {s.name}
              </span>
              <span className="meta">
                {s.positionIds.length} поз. · {s.figures ? formatMoney(s.figures.total) : "—"}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {!props.readOnly && (
        <button type="button" onClick={props.onAddSection}>
          + Раздел
        </button>
      )}
    </nav>
  );
}
