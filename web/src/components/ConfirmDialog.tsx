// «Удалить …?» — the question, the action named on its button, and the service's refusal shown in
// the dialog (a non-empty project, a stale version) instead of closing silently.
import { useId, useState, type ReactNode } from "react";
import { Dialog } from "./Dialog";
import { errorText } from "./errors";
import { COMMON } from "./messages";

export interface ConfirmDialogProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Resolves when done (the dialog closes); a rejection's text stays in the dialog. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}

export function ConfirmDialog({ title, message, confirmLabel, danger = true, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const messageId = useId();

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={onClose} describedBy={messageId} role="alertdialog">
      <div id={messageId}>{message}</div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose} data-autofocus>
          {COMMON.cancel}
        </button>
        {/* aria-disabled, not disabled: a disabled button loses the focus to the page. */}
        <button type="button" className={danger ? "danger" : "primary"} onClick={() => !busy && void confirm()} aria-disabled={busy}>
          {busy ? `${confirmLabel}…` : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
