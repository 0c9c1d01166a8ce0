import { describe, expect, it } from "vitest";
import { applyEdit, fromEstimate, gridRows, type EditApplied, type Estimate } from "../../src/editor/model";
import { remapAddedIds } from "../../src/editor/useEstimateEditor";

const figures = (total: string) => ({
  ot: "1.00", em: "0.00", otm: "0.00", m: "0.00", equipment: "0.00", direct: "1.00", extra: "0.00",
  fot: "1.00", overhead: "0.50", profit: "0.25", total, per_unit: total, labor_hours: "1", machinist_hours: "0",
});
const sectionFigures = (total: string) => {
  const { extra: _e, per_unit: _p, ...rest } = figures(total);
  return rest;
};

function estimate(): Estimate {
  return {
    id: 7, object_id: 1, version: 3, name: "Смета", number: "1", status: "draft", method: "resource-index",
    release_id: 1, region: "28", zone: "1", quarter: "2025-Q2", date: "", vat_date: "",
    created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", options: {}, position_count: 3,
    sections: [
      { id: 1, name: "А", figures: sectionFigures("3.00"), positions: [{ id: 10, code: "a", quantity: "1", figures: figures("1.00") }, { id: 11, code: "b", quantity: "1", figures: figures("2.00") }] },
      { id: 2, name: "Б", figures: sectionFigures("3.00"), positions: [{ id: 12, code: "c", quantity: "1", figures: figures("3.00") }] },
    ],
  } as Estimate;
}

const applied = (over: Partial<EditApplied>): EditApplied => ({
  id: 7, version: 4, changed: true, added_ids: [], positions: [], warnings: [],
  sections: [
    { id: 1, name: "А", figures: sectionFigures("9.00") },
    { id: 2, name: "Б", figures: sectionFigures("3.00") },
  ],
  ...over,
}) as EditApplied;

describe("the editor's model", () => {
  it("takes the service's rows, section figures and version after an update", () => {
    const m = fromEstimate(estimate());
    const next = applyEdit(m, [{ op: "update_position", position_id: 11, quantity: "4" }], applied({ positions: [{ id: 11, code: "b", quantity: "4", figures: figures("8.00") }] }));
    expect(next.version).toBe(4);
    expect(next.positions.get(11)?.quantity).toBe("4");
    expect(next.sections[0].figures?.total).toBe("9.00");
    expect(m.positions.get(11)?.quantity).toBe("1");
  });

  it("puts added positions where the change set asked, with the ids the service gave in order", () => {
    const m = fromEstimate(estimate());
    const next = applyEdit(
      m,
      [
        { op: "add_position", section_id: 1, index: 0, code: "x" },
        { op: "add_position", section_id: 2, code: "y" },
      ],
      applied({ added_ids: [20, 21], positions: [{ id: 20, code: "x" }, { id: 21, code: "y" }] }),
    );
    expect(next.sections[0].positionIds).toEqual([20, 10, 11]);
    expect(next.sections[1].positionIds).toEqual([12, 21]);
  });

  it("moves and removes positions, and follows new sections in the service's order", () => {
    const m = fromEstimate(estimate());
    const next = applyEdit(
      m,
      [
        { op: "move_position", position_id: 12, section_id: 1, index: 1 },
        { op: "remove_position", position_id: 10 },
        { op: "add_section", name: "В" },
      ],
      applied({
        added_ids: [3],
        sections: [
          { id: 1, name: "А", figures: sectionFigures("5.00") },
          { id: 2, name: "Б", figures: sectionFigures("0.00") },
          { id: 3, name: "В", figures: sectionFigures("0.00") },
        ],
      }),
    );
    expect(next.sections.map((s) => [s.id, s.positionIds])).toEqual([
      [1, [12, 11]],
      [2, []],
      [3, []],
    ]);
    expect(next.positions.has(10)).toBe(false);
  });

  it("lists rows: sections, numbered positions, and the resources of unfolded ones", () => {
    const m = fromEstimate(estimate());
    const rows = gridRows(m, new Set([11]), (id) => (id === 11 ? 2 : 0));
    expect(rows.map((r) => r.key)).toEqual(["s1", "p10", "p11", "r11.0", "r11.1", "s2", "p12"]);
    expect(rows.filter((r) => r.kind === "position").map((r) => r.ordinal)).toEqual([1, 2, 3]);
  });

  it("an undone add removes the position the add made; a redone removal removes the re-added one", () => {
    const inverse = [{ op: "remove_position" as const, position_id: 0 }];
    remapAddedIds([{ op: "add_position", section_id: 1, code: "x" }], [42], inverse);
    expect(inverse[0].position_id).toBe(42);
    const forward = [{ op: "remove_position" as const, position_id: 42 }, { op: "remove_position" as const, position_id: 43 }];
    remapAddedIds(
      [
        { op: "add_position", section_id: 1, index: 0, position: {} },
        { op: "add_position", section_id: 1, index: 1, position: {} },
      ],
      [50, 51],
      forward,
    );
    expect(forward.map((c) => c.position_id)).toEqual([50, 51]);
  });
});
