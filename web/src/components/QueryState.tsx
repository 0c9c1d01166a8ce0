// What a list shows while its data comes, or when the service refused it.
import { errorText } from "./errors";
import { COMMON } from "./messages";

export function Loading({ text = COMMON.loading }: { text?: string }) {
  return (
    <p className="loading" role="status">
      {text}
    </p>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error load-error" role="alert">
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Повторить
        </button>
      )}
    </div>
  );
}
