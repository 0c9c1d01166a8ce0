import { describe, expect, it } from "vitest";
import { UndoStack } from "../../src/lib/undo";

describe("UndoStack", () => {
  it("undoes in reverse order and redoes in order", () => {
    const s = new UndoStack<number>();
    s.push(1);
    s.push(2);
    s.push(3);
    expect(s.undo()).toBe(3);
    expect(s.undo()).toBe(2);
    expect(s.redo()).toBe(2);
    expect(s.redo()).toBe(3);
    expect(s.redo()).toBeUndefined();
    expect(s.canRedo).toBe(false);
  });
  it("a new edit clears what could be redone", () => {
    const s = new UndoStack<string>();
    s.push("a");
    s.push("b");
    s.undo();
    expect(s.canRedo).toBe(true);
    s.push("c");
    expect(s.canRedo).toBe(false);
    expect(s.undo()).toBe("c");
    expect(s.undo()).toBe("a");
    expect(s.undo()).toBeUndefined();
    expect(s.canUndo).toBe(false);
  });
  it("keeps at most its limit, forgetting the oldest", () => {
    const s = new UndoStack<number>(2);
    s.push(1);
    s.push(2);
    s.push(3);
    expect(s.undo()).toBe(3);
    expect(s.undo()).toBe(2);
    expect(s.undo()).toBeUndefined();
  });
});
