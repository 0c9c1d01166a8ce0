import { describe, expect, it } from "vitest";
import { EditQueue, type KeyValueStorage, type Outcome, type QueuedEdit, type Timers } from "../../src/lib/editQueue";

class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number }[] = [];
  set(fn: () => void, ms: number) {
    const t = { fn, ms };
    this.pending.push(t);
    return t;
  }
  clear(h: unknown) {
    this.pending = this.pending.filter((t) => t !== h);
  }
  fire() {
    const all = this.pending;
    this.pending = [];
    all.forEach((t) => t.fn());
  }
}

class MemoryStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function scripted(outcomes: Outcome[]) {
  const sent: { body: unknown; base: number }[] = [];
  const send = async (edit: QueuedEdit<unknown>, base: number) => {
    sent.push({ body: edit.body, base });
    const next = outcomes.shift();
    if (!next) throw new Error("no scripted outcome");
    return next;
  };
  return { sent, send };
}

describe("EditQueue", () => {
  it("sends edits one at a time in order, each on the version the previous one made", async () => {
    const { sent, send } = scripted([
      { kind: "applied", version: 6, payload: "a" },
      { kind: "applied", version: 7, payload: "b" },
    ]);
    const applied: unknown[] = [];
    const q = new EditQueue({ send, events: { applied: (_e, v, p) => applied.push([v, p]) } });
    q.setVersion(5);
    q.enqueue("first", "1");
    q.enqueue("second", "2");
    await flush();
    await flush();
    expect(sent).toEqual([
      { body: "first", base: 5 },
      { body: "second", base: 6 },
    ]);
    expect(applied).toEqual([
      [6, "a"],
      [7, "b"],
    ]);
    expect(q.size).toBe(0);
    expect(q.baseVersion).toBe(7);
  });

  it("waits without a version and starts when the estimate is loaded", async () => {
    const { sent, send } = scripted([{ kind: "applied", version: 2, payload: null }]);
    const q = new EditQueue({ send });
    q.enqueue("x", "x");
    await flush();
    expect(sent).toHaveLength(0);
    q.setVersion(1);
    await flush();
    expect(sent).toHaveLength(1);
  });

  it("keeps an edit while the service is unreachable and retries with growing pauses", async () => {
    const timers = new ManualTimers();
    const { sent, send } = scripted([
      { kind: "unavailable", reason: "down" },
      { kind: "unavailable", reason: "down" },
      { kind: "applied", version: 3, payload: null },
    ]);
    const q = new EditQueue({ send, timers });
    q.setVersion(2);
    q.enqueue("edit", "edit");
    await flush();
    expect(q.items()[0].state).toBe("waiting");
    expect(timers.pending.map((t) => t.ms)).toEqual([500]);
    timers.fire();
    await flush();
    expect(timers.pending.map((t) => t.ms)).toEqual([1000]);
    timers.fire();
    await flush();
    expect(sent).toHaveLength(3);
    expect(q.size).toBe(0);
  });

  it("treats a thrown fetch (network down) as unavailable, honours Retry-After", async () => {
    const timers = new ManualTimers();
    let calls = 0;
    const q = new EditQueue({
      timers,
      send: async (): Promise<Outcome> => {
        calls++;
        if (calls === 1) throw new TypeError("Failed to fetch");
        if (calls === 2) return { kind: "unavailable", reason: "503", retryAfterMs: 3000 };
        return { kind: "applied", version: 9, payload: null };
      },
    });
    q.setVersion(8);
    q.enqueue("e", "e");
    await flush();
    expect(q.items()[0].reason).toMatch(/нет связи/);
    timers.fire();
    await flush();
    expect(timers.pending.map((t) => t.ms)).toEqual([3000]);
    q.retryNow();
    await flush();
    expect(calls).toBe(3);
    expect(q.size).toBe(0);
  });

  it("stops at a conflict until the user reapplies on the reloaded version", async () => {
    const { sent, send } = scripted([
      { kind: "conflict", detail: "estimate 7 is at version 4, not 3" },
      { kind: "applied", version: 5, payload: null },
      { kind: "applied", version: 6, payload: null },
    ]);
    const conflicts: string[] = [];
    const q = new EditQueue({ send, events: { conflict: (_e, d) => conflicts.push(d) } });
    q.setVersion(3);
    q.enqueue("mine", "mine");
    q.enqueue("next", "next");
    await flush();
    expect(conflicts).toEqual(["estimate 7 is at version 4, not 3"]);
    expect(q.items()[0].state).toBe("conflict");
    expect(sent).toHaveLength(1);
    q.reapply(4);
    await flush();
    await flush();
    expect(sent).toEqual([
      { body: "mine", base: 3 },
      { body: "mine", base: 4 },
      { body: "next", base: 5 },
    ]);
  });

  it("discarding the conflicting edit goes on with the rest", async () => {
    const { sent, send } = scripted([
      { kind: "conflict", detail: "c" },
      { kind: "applied", version: 11, payload: null },
    ]);
    const q = new EditQueue({ send });
    q.setVersion(9);
    q.enqueue("a", "a");
    q.enqueue("b", "b");
    await flush();
    q.discardHead(10);
    await flush();
    expect(sent.map((s) => [s.body, s.base])).toEqual([
      ["a", 9],
      ["b", 10],
    ]);
  });

  it("drops an edit the service refuses and reports its problem text", async () => {
    const { send } = scripted([
      { kind: "rejected", status: 400, detail: "quantity: must be a decimal" },
      { kind: "applied", version: 2, payload: null },
    ]);
    const rejected: string[] = [];
    const q = new EditQueue({ send, events: { rejected: (e, _s, d) => rejected.push(`${e.body}: ${d}`) } });
    q.setVersion(1);
    q.enqueue("bad", "bad");
    q.enqueue("good", "good");
    await flush();
    await flush();
    expect(rejected).toEqual(["bad: quantity: must be a decimal"]);
    expect(q.size).toBe(0);
  });

  it("keeps the queue in storage across a reload and after the session ended", async () => {
    const storage = new MemoryStorage();
    let signedOut = 0;
    const first = new EditQueue({
      storage,
      storageKey: "k",
      send: async (): Promise<Outcome> => ({ kind: "signed-out" }),
      events: { signedOut: () => signedOut++ },
    });
    first.setVersion(4);
    first.enqueue({ quantity: "2.5" }, "Кол-во");
    first.enqueue({ quantity: "3" }, "Кол-во");
    await flush();
    expect(signedOut).toBe(1);
    expect(first.items()[0].state).toBe("paused");
    first.dispose();
    expect(JSON.parse(storage.getItem("k")!)).toMatchObject({ base: 4, items: [{}, {}] });

    const { sent, send } = scripted([
      { kind: "applied", version: 5, payload: null },
      { kind: "applied", version: 6, payload: null },
    ]);
    const second = new EditQueue({ storage, storageKey: "k", send });
    expect(second.items().map((e) => e.state)).toEqual(["pending", "pending"]);
    second.setVersion(4);
    await flush();
    await flush();
    expect(sent.map((s) => s.body)).toEqual([{ quantity: "2.5" }, { quantity: "3" }]);
    expect(storage.getItem("k")).toBeNull();
  });

  it("stored edits made on another version than the one loaded now stop as a conflict", async () => {
    const storage = new MemoryStorage();
    const first = new EditQueue({ storage, storageKey: "k", send: async (): Promise<Outcome> => ({ kind: "unavailable", reason: "down" }), timers: new ManualTimers() });
    first.setVersion(4);
    first.enqueue({ quantity: "7" }, "Кол-во");
    await flush();
    first.dispose();

    const { sent, send } = scripted([{ kind: "applied", version: 9, payload: null }]);
    const conflicts: string[] = [];
    const second = new EditQueue({ storage, storageKey: "k", send, events: { conflict: (_e, d) => conflicts.push(d) } });
    second.setVersion(8);
    await flush();
    expect(sent).toHaveLength(0);
    expect(second.items()[0].state).toBe("conflict");
    expect(conflicts[0]).toMatch(/версии 4.*версии 8/);
    second.reapply(8);
    await flush();
    expect(sent).toEqual([{ body: { quantity: "7" }, base: 8 }]);
  });

  it("a queue paused for a sign-in goes on when the editor starts it again", async () => {
    let signedIn = false;
    const sent: unknown[] = [];
    const q = new EditQueue({
      send: async (edit): Promise<Outcome> => {
        if (!signedIn) return { kind: "signed-out" };
        sent.push(edit.body);
        return { kind: "applied", version: 3, payload: null };
      },
    });
    q.setVersion(2);
    q.enqueue("typed", "typed");
    await flush();
    expect(q.items()[0].state).toBe("paused");
    q.dispose();
    signedIn = true;
    q.start();
    await flush();
    expect(sent).toEqual(["typed"]);
    expect(q.size).toBe(0);
  });
});
