// Whether everything typed has reached the service: saved, being sent, or waiting (offline, the
// service restarting) — with the list of what waits.
import type { QueuedEdit } from "../lib/editQueue";
import type { EditBody } from "./useEstimateEditor";

export function SyncStatus({ items, onRetry }: { items: readonly QueuedEdit<EditBody>[]; onRetry(): void }) {
  const waiting = items.filter((i) => i.state === "waiting" || i.state === "paused");
  const label =
    items.length === 0
      ? "Все изменения сохранены"
      : waiting.length > 0
        ? `Ожидают отправки: ${items.length} — ${waiting[0].reason ?? "нет связи"}`
        : `Сохранение… (${items.length})`;
  return (
    <div className={`sync ${items.length === 0 ? "ok" : waiting.length > 0 ? "waiting" : "sending"}`} data-testid="sync-status" role="status" aria-live="polite">
      <span>{label}</span>
      {waiting.length > 0 && (
        <button type="button" className="link" onClick={onRetry}>
          Повторить сейчас
        </button>
      )}
      {items.length > 0 && (
        <details>
          <summary>Список</summary>
          <ul>
            {items.map((i) => (
              <li key={i.id}>{i.label}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
