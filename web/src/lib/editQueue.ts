// The queue of an estimate's edits on their way to the service. Every edit is a change set sent
// with If-Match of the version it was made on, one at a time, in the order typed. Nothing typed is
// lost: the queue is kept in storage (a reload, a crash or a sign-in in between keep it), an edit
// the service could not take now (offline, restarting, 502/503/504, 429) waits and is sent again
// with growing pauses, and a version conflict (412) stops the queue until the user decides.

export type EditState = "pending" | "sending" | "waiting" | "conflict" | "paused";

export interface EditTarget {
  positionId?: number;
  field?: string;
}

export interface QueuedEdit<B = unknown> {
  id: string;
  body: B;
  /** What the user sees in the list of pending edits. */
  label: string;
  target?: EditTarget;
  attempts: number;
  state: EditState;
  /** Why it waits or stopped (the last failure), in Russian. */
  reason?: string;
}

export type Outcome =
  | { kind: "applied"; version: number; payload: unknown }
  | { kind: "unavailable"; reason: string; retryAfterMs?: number }
  | { kind: "conflict"; detail: string }
  | { kind: "rejected"; status: number; detail: string }
  | { kind: "signed-out" };

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface EditQueueEvents<B> {
  applied?(edit: QueuedEdit<B>, version: number, payload: unknown): void;
  rejected?(edit: QueuedEdit<B>, status: number, detail: string): void;
  conflict?(edit: QueuedEdit<B>, detail: string): void;
  signedOut?(): void;
  changed?(): void;
}

export interface EditQueueOptions<B> {
  send(edit: QueuedEdit<B>, baseVersion: number): Promise<Outcome>;
  storage?: KeyValueStorage;
  storageKey?: string;
  timers?: Timers;
  /** Pause before the n-th retry (n from 1), in ms. */
  backoff?: (attempt: number) => number;
  events?: EditQueueEvents<B>;
  newId?: () => string;
}

const defaultTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const defaultBackoff = (attempt: number): number =>
  Math.min(500 * 2 ** Math.max(0, attempt - 1), 8000);

let counter = 0;

export class EditQueue<B = unknown> {
  private queue: QueuedEdit<B>[] = [];
  private version: number | undefined;
  private inFlight = false;
  private timer: unknown = undefined;
  private stopped = false;
  /** The version the stored edits were based on, when they came from storage. */
  private restoredBase: number | undefined;
  private readonly timers: Timers;
  private readonly backoff: (attempt: number) => number;

  constructor(private options: EditQueueOptions<B>) {
    this.timers = options.timers ?? defaultTimers;
    this.backoff = options.backoff ?? defaultBackoff;
    this.restore();
  }

  /** The version the next edit is based on: set when the estimate is (re)loaded. */
  setVersion(version: number): void {
    this.version = version;
    const base = this.restoredBase;
    this.restoredBase = undefined;
    const head = this.queue[0];
    // Edits kept from an earlier page were made on another version: someone may have changed
    // the same fields since. Sending them on top would overwrite that without a 412.
    if (head && base !== undefined && base !== version && head.state !== "conflict") {
      head.state = "conflict";
      head.reason = `правки сделаны на версии ${base}, смета уже на версии ${version}`;
    }
    if (head?.state === "conflict") {
      this.stopped = true;
      this.changed();
      this.options.events?.conflict?.(head, head.reason ?? "");
      return;
    }
    this.pump();
  }

  get baseVersion(): number | undefined {
    return this.version;
  }

  items(): readonly QueuedEdit<B>[] {
    return this.queue;
  }

  get size(): number {
    return this.queue.length;
  }

  /** Queues an edit and sends it when those before it are through. Returns its id. */
  enqueue(body: B, label: string, target?: EditTarget): string {
    const id = this.options.newId?.() ?? `e${Date.now().toString(36)}-${(counter++).toString(36)}`;
    this.queue.push({ id, body, label, target, attempts: 0, state: "pending" });
    this.changed();
    this.pump();
    return id;
  }

  /** Sends the waiting edit now (the service answers again, the browser is online again). */
  retryNow(): void {
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
      this.timer = undefined;
    }
    const head = this.queue[0];
    if (head && (head.state === "waiting" || head.state === "paused")) head.state = "pending";
    this.stopped = false;
    this.pump();
  }

  /** After a conflict: send the edit again on top of `version` (the reloaded estimate). */
  reapply(version: number): void {
    const head = this.queue[0];
    if (!head || head.state !== "conflict") return;
    this.version = version;
    head.state = "pending";
    head.reason = undefined;
    this.stopped = false;
    this.changed();
    this.pump();
  }

  /** After a conflict: drop the edit that conflicted, take `version` and go on with the rest. */
  discardHead(version: number): void {
    const head = this.queue[0];
    if (!head || head.state !== "conflict") return;
    this.queue.shift();
    this.version = version;
    this.stopped = false;
    this.changed();
    this.pump();
  }

  /** Forgets a queued edit that is not on its way (the user gives it up). */
  remove(id: string): void {
    const at = this.queue.findIndex((e) => e.id === id);
    if (at < 0 || this.queue[at].state === "sending") return;
    this.queue.splice(at, 1);
    if (at === 0) this.stopped = false;
    this.changed();
    this.pump();
  }

  /** Replaces the listeners (a component sets them once its state exists). */
  setEvents(events: EditQueueEvents<B>): void {
    this.options = { ...this.options, events };
  }

  /** Starts (again) after dispose: a remounted editor takes the same queue. */
  start(): void {
    // A queue paused for a sign-in goes on: the editor mounts again only once signed in.
    const head = this.queue[0];
    if (head?.state === "paused") {
      head.state = "pending";
      head.reason = undefined;
    }
    this.stopped = head?.state === "conflict";
    this.pump();
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.stopped = true;
  }

  private pump(): void {
    if (this.inFlight || this.stopped || this.timer !== undefined) return;
    const head = this.queue[0];
    if (!head || this.version === undefined || head.state !== "pending") return;
    this.inFlight = true;
    head.state = "sending";
    head.attempts++;
    this.changed();
    const base = this.version;
    this.options
      .send(head, base)
      .catch((error: unknown): Outcome => ({ kind: "unavailable", reason: describe(error) }))
      .then((outcome) => this.settle(head, outcome));
  }

  private settle(edit: QueuedEdit<B>, outcome: Outcome): void {
    this.inFlight = false;
    if (this.queue[0] !== edit) {
      this.pump();
      return;
    }
    switch (outcome.kind) {
      case "applied":
        this.queue.shift();
        this.version = outcome.version;
        this.changed();
        this.options.events?.applied?.(edit, outcome.version, outcome.payload);
        break;
      case "unavailable": {
        edit.state = "waiting";
        edit.reason = outcome.reason;
        const pause = outcome.retryAfterMs ?? this.backoff(edit.attempts);
        this.timer = this.timers.set(() => {
          this.timer = undefined;
          if (edit.state === "waiting") edit.state = "pending";
          this.pump();
        }, pause);
        this.changed();
        return;
      }
      case "conflict":
        edit.state = "conflict";
        edit.reason = outcome.detail;
        this.stopped = true;
        this.changed();
        this.options.events?.conflict?.(edit, outcome.detail);
        return;
      case "rejected":
        this.queue.shift();
        this.changed();
        this.options.events?.rejected?.(edit, outcome.status, outcome.detail);
        break;
      case "signed-out":
        edit.state = "paused";
        edit.reason = "сеанс завершён — войдите снова, правка будет отправлена";
        this.stopped = true;
        this.changed();
        this.options.events?.signedOut?.();
        return;
    }
    this.pump();
  }

  private changed(): void {
    this.persist();
    this.options.events?.changed?.();
  }

  private persist(): void {
    const { storage, storageKey } = this.options;
    if (!storage || !storageKey) return;
    if (this.queue.length === 0) {
      storage.removeItem(storageKey);
      return;
    }
    const items = this.queue.map((e) => ({ ...e, state: e.state === "conflict" ? "conflict" : "pending" }));
    storage.setItem(storageKey, JSON.stringify({ base: this.version, items }));
  }

  private restore(): void {
    const { storage, storageKey } = this.options;
    if (!storage || !storageKey) return;
    const text = storage.getItem(storageKey);
    if (!text) return;
    try {
      const kept = JSON.parse(text) as { base?: number; items?: QueuedEdit<B>[] };
      if (Array.isArray(kept.items)) {
        this.queue = kept.items.map((e) => ({ ...e, state: (e.state === "conflict" ? "conflict" : "pending") as EditState, reason: undefined }));
        this.restoredBase = typeof kept.base === "number" ? kept.base : undefined;
      }
    } catch {
      storage.removeItem(storageKey);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `нет связи с сервером (${error.message})`;
  return "нет связи с сервером";
}
