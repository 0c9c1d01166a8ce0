// Undo and redo of the session's edits. An entry knows how to go back (undo) and forth (redo);
// a new edit clears what could be redone, as in every editor.

export class UndoStack<T> {
  private done: T[] = [];
  private undone: T[] = [];

  constructor(private readonly limit = 200) {}

  push(entry: T): void {
    this.done.push(entry);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  /** The entry to revert, moved to the redo side; undefined when there is none. */
  undo(): T | undefined {
    const entry = this.done.pop();
    if (entry !== undefined) this.undone.push(entry);
    return entry;
  }

  /** The entry to apply again, moved back to the undo side. */
  redo(): T | undefined {
    const entry = this.undone.pop();
    if (entry !== undefined) this.done.push(entry);
    return entry;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
