// A dialog around a form: Enter submits, the button says what happens, a refusal stays visible
// inside the dialog with the fields kept as typed.
import { useState, type FormEvent, type ReactNode } from "react";
import { Dialog } from "./Dialog";
import { errorText } from "./errors";
import { COMMON } from "./messages";

export interface FormDialogProps {
  title: string;
  submitLabel: string;
  /** Resolves when done (the dialog closes); a rejection's text stays in the dialog. */
  onSubmit: () => Promise<unknown>;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  /** The submit stays disabled while false (e.g. an empty name). */
  valid?: boolean;
}

export function FormDialog({ title, submitLabel, onSubmit, onClose, children, testId, valid = true }: FormDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={onClose} testId={testId}>
      <form className="dialog-form" onSubmit={(e) => void submit(e)}>
        {children}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {COMMON.cancel}
          </button>
          {/* aria-disabled while busy, not disabled: a disabled button loses the focus to the page. */}
          <button type="submit" className="primary" disabled={!valid} aria-disabled={busy}>
            {busy ? `${submitLabel}…` : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Create or rename something that has only a name (a project, an object). */
export function NameDialog({
  title,
  label,
  submitLabel,
  initial = "",
  onSubmit,
  onClose,
  testId,
}: {
  title: string;
  label: string;
  submitLabel: string;
  initial?: string;
  onSubmit: (name: string) => Promise<unknown>;
  onClose: () => void;
  testId?: string;
}) {
  const [name, setName] = useState(initial);
  const trimmed = name.trim();
  return (
    <FormDialog
      title={title}
      submitLabel={submitLabel}
      onSubmit={() => onSubmit(trimmed)}
      onClose={onClose}
      testId={testId}
      valid={trimmed !== "" && trimmed !== initial.trim()}
    >
      <label>
        {label}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={500} data-autofocus onFocus={(e) => e.currentTarget.select()} />
      </label>
    </FormDialog>
  );
}
