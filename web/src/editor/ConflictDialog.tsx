// A version conflict (412) explained: which versions came first, by whom and when, and the two
// ways out — reload and send my edit again on top, or drop my edit.
import { formatDateTime } from "../components/format";
import { Dialog } from "../components/Dialog";
import type { Conflict } from "./useEstimateEditor";

export function ConflictDialog({ conflict, onReapply, onDiscard }: { conflict: Conflict; onReapply(): void; onDiscard(): void }) {
  return (
    <Dialog title="Смета уже изменена" onClose={onReapply} testId="conflict-dialog">
      <p>
        Пока вы вносили правку «{conflict.label}», смету изменил другой пользователь. Ваша правка ещё не сохранена.
      </p>
      {conflict.versions.length > 0 ? (
        <ul>
          {conflict.versions.map((v) => (
            <li key={v.version}>
              Версия {v.version}: {v.actor_name || (v.actor_user_id ? `пользователь №${v.actor_user_id}` : "система")},{" "}
              {formatDateTime(v.created_at)} — {v.summary}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{conflict.detail}</p>
      )}
      <div className="actions">
        <button type="button" onClick={onDiscard}>
          Отказаться от моей правки
        </button>
        <button type="button" className="primary" onClick={onReapply} autoFocus>
          Загрузить новую версию и применить мою правку
        </button>
      </div>
    </Dialog>
  );
}
