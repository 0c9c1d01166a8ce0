// How far a document being made has come («Готовится PDF… 42 %»), with the button that cancels
// it. A progress bar by role, with its value for assistive technology. The export buttons are
// disabled meanwhile, so the keyboard's focus moves to «Отменить» (Enter cancels) and goes back
// to where it was when the bar goes away.
import { useEffect, useRef } from "react";
import { EXPORT_TEXT } from "./messages";
import type { ExportState } from "./useExport";

export function ExportProgress({ state, label, onCancel }: { state: ExportState; label: string; onCancel: () => void }) {
  const progress = state.job?.progress ?? 0;
  const text = EXPORT_TEXT.preparing(label, progress);
  const cancel = useRef<HTMLButtonElement>(null);
  const trigger = state.trigger;
  useEffect(() => {
    // The export began from the keyboard or a click on its button: that button is disabled now.
    if (trigger) cancel.current?.focus();
    return () => {
      // Back to the export button once it is enabled again (the same render ends the export),
      // unless the user has moved on.
      const active = document.activeElement;
      if (trigger && (active === null || active === document.body || active === cancel.current)) {
        setTimeout(() => trigger.focus(), 0);
      }
    };
  }, [trigger]);
  return (
    <div className="export-progress" role="status">
      <div
        className="export-progress-bar"
        role="progressbar"
        aria-label={EXPORT_TEXT.preparingLabel(label)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress}
        aria-valuetext={text}
      >
        <div className="export-progress-fill" style={{ width: `${progress}%` }} />
      </div>
      <span className="export-progress-text">{text}</span>
      <button type="button" ref={cancel} onClick={onCancel} aria-label={EXPORT_TEXT.cancelLabel(label)}>
        {EXPORT_TEXT.cancel}
      </button>
    </div>
  );
}
