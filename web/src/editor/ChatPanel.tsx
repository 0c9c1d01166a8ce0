// The assistant's chat beside the estimate: a question about the rules or this estimate, and an
// answer that says where it comes from. The service streams server-sent events (POST
// /api/v1/ai/chat): the sources found — methodology, the base's technical parts, lines of this
// estimate —, then the model's answer piece by piece with references [n]; without a model the
// sources and suggested norms are the answer, and the panel says so. A source that is a position
// of the estimate goes to it in the grid. Enter sends, Shift+Enter starts a new line.
import { useRef, useState } from "react";
import { authFetch } from "../api/client";

interface Source {
  n: number;
  kind: "methodology" | "technical_part" | "estimate";
  title: string;
  text: string;
  citation: string;
  position_id: number | null;
}
interface Norm {
  code: string;
  name: string;
  unit: string;
}
interface Turn {
  question: string;
  notice: string;
  mode: string;
  sources: Source[];
  norms: Norm[];
  answer: string;
  error: string;
  done: boolean;
  citations: number[];
}

const KIND: Record<Source["kind"], string> = { methodology: "методика", technical_part: "база", estimate: "смета" };

/** The events of a text/event-stream as they arrive: (event, data) for each complete one. */
export function eventReader(onEvent: (event: string, data: string) => void) {
  let pending = "";
  return (chunk: string) => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      const block = pending.slice(0, end);
      pending = pending.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length > 0) onEvent(event, data.join("\n"));
    }
  };
}

export function ChatPanel(props: { estimateId: number; onGo(positionId: number): void; onClose(): void }) {
  const [text, setText] = useState("");
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const endRef = useRef<HTMLDivElement>(null);

  const update = (f: (t: Turn) => Turn) =>
    setTurns((all) => {
      const next = [...all];
      next[next.length - 1] = f(next[next.length - 1]);
      return next;
    });

  const ask = async () => {
    const question = text.trim();
    if (!question || busy) return;
    setText("");
    setBusy(true);
    setTurns((all) => [...all, { question, notice: "", mode: "", sources: [], norms: [], answer: "", error: "", done: false, citations: [] }]);
    // The new question at the top of the log: the answer and its sources read from there down.
    setTimeout(() => endRef.current?.previousElementSibling?.scrollIntoView({ block: "start" }), 0);
    try {
      const response = await authFetch(
        new Request("/api/v1/ai/chat", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
          body: JSON.stringify({ message: question, estimate_id: props.estimateId }),
        }),
      );
      if (!response.ok || !response.body) {
        const problem = (await response.json().catch(() => ({}))) as { detail?: string };
        update((t) => ({ ...t, error: problem.detail || `Ошибка ${response.status}`, done: true }));
        return;
      }
      const feed = eventReader((event, data) => {
        const d = JSON.parse(data);
        if (event === "meta") update((t) => ({ ...t, notice: d.notice, mode: d.mode }));
        else if (event === "source") update((t) => ({ ...t, sources: [...t.sources, d as Source] }));
        else if (event === "norm") update((t) => ({ ...t, norms: [...t.norms, d as Norm] }));
        else if (event === "delta") update((t) => ({ ...t, answer: t.answer + d.text }));
        else if (event === "error") update((t) => ({ ...t, error: `Языковая модель не ответила: ${d.detail}` }));
        else if (event === "done") update((t) => ({ ...t, done: true, citations: d.citations }));
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feed(value);
      }
    } catch (e) {
      update((t) => ({ ...t, error: (e as Error).message, done: true }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="base-panel chat-panel" data-testid="chat-panel" aria-label="Помощник сметчика">
      <div className="base-head">
        <h2>Помощник</h2>
        <button type="button" onClick={props.onClose} aria-label="Закрыть помощника">
          ×
        </button>
      </div>
      <div className="chat-log" aria-live="polite">
        {turns.length === 0 && (
          <p className="muted">
            Спросите о правилах составления сметы или об этой смете: «какой коэффициент при ремонте в эксплуатируемом здании?», «где учитывать зимнее удорожание?»
          </p>
        )}
        {turns.map((t, i) => (
          <div key={i} className="turn" data-testid="chat-turn">
            <p className="question">{t.question}</p>
            {t.notice && <p className="muted notice">{t.notice}</p>}
            {t.answer && <p className="answer">{t.answer}</p>}
            {t.error && (
              <p className="error" role="alert">
                {t.error}
              </p>
            )}
            {t.sources.length > 0 && (
              <ol className="sources" aria-label="Источники">
                {t.sources.map((s) => (
                  <li key={s.n} className={t.citations.includes(s.n) ? "cited" : ""} data-testid="chat-source">
                    <span className="code">
                      [{s.n}] <span className="badge">{KIND[s.kind]}</span> {s.title}
                    </span>
                    <span className="text">{s.text}</span>
                    <span className="citation muted">Источник: {s.citation}</span>
                    {s.position_id != null && (
                      <button type="button" className="link" onClick={() => props.onGo(s.position_id!)}>
                        к позиции
                      </button>
                    )}
                  </li>
                ))}
              </ol>
            )}
            {t.norms.length > 0 && (
              <p className="muted norms">
                Подходящие нормы: {t.norms.map((n) => `${n.code} (${n.unit})`).join("; ")}
              </p>
            )}
            {!t.done && <p className="muted">…</p>}
          </div>
        ))}
        <div ref={endRef} />
      </div>
      <label>
        Вопрос
        <textarea
          rows={3}
          maxLength={4000}
          value={text}
          placeholder="Enter — отправить, Shift+Enter — новая строка"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              void ask();
            }
          }}
        />
      </label>
      <button type="button" className="primary" onClick={() => void ask()} disabled={busy || !text.trim()}>
        {busy ? "Отвечаю…" : "Спросить"}
      </button>
    </aside>
  );
}
