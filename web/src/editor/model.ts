// The estimate as the editor holds it: sections in order with their position ids, positions by
// id, the totals and the version — all figures exactly as the service computed them. The model
// changes only by what the service answered (EditApplied) and by the structure of the change set
// that was applied (where a position was added, moved or removed); it never computes money.
import type { Schemas } from "../api/client";

export type Estimate = Schemas["Estimate"];
export type PositionRow = Schemas["PositionRow"];
export type SectionFigures = Schemas["SectionFigures"];
export type Totals = Schemas["Totals"];
export type Change = Schemas["Change"];
export type EditApplied = Schemas["EditApplied"];

export interface SectionModel {
  id: number;
  name: string;
  figures?: SectionFigures;
  positionIds: number[];
}

export interface EstimateModel {
  id: number;
  version: number;
  header: Omit<Estimate, "sections" | "totals" | "result">;
  sections: SectionModel[];
  positions: Map<number, PositionRow>;
  totals?: Totals;
  /** base-index estimates: the computed ЛСР (positions in estimate order, totals by column) */
  result?: Schemas["BaseIndexResult"];
  problem?: string;
}

type Amounts = Schemas["BaseIndexAmounts"];

/**
 * A base-index estimate shows what resource-index ones show: each position's row takes its fields
 * from its document and its figures from the result's position of the same place (base prices);
 * the totals are the result's, in current prices, construction and installation from their blocks.
 */
function withBaseIndex(model: EstimateModel): EstimateModel {
  const result = model.result;
  if (!result) return model;
  const positions = new Map(model.positions);
  let i = 0;
  for (const s of model.sections) {
    for (const id of s.positionIds) {
      const row = positions.get(id);
      const computed = result.positions[i++];
      if (!row) continue;
      const d = row.document ?? {};
      positions.set(id, {
        ...row,
        number: row.number ?? d.number,
        code: row.code ?? d.code,
        name: row.name ?? d.name,
        unit: row.unit ?? d.unit,
        quantity: row.quantity ?? d.quantity,
        figures: computed ? positionFigures(computed.base, computed.labor_hours, computed.machinist_hours) : row.figures,
      });
    }
  }
  const t = result.totals;
  const totals: Totals = {
    ...positionFigures(t.total.current, t.total.labor_hours, t.total.machinist_hours),
    construction: t.construction.current.total,
    installation: t.installation.current.total,
    market_materials: "0.00",
    market_equipment: "0.00",
    by_work_kind: {} as Totals["by_work_kind"],
  } as Totals;
  return { ...model, positions, totals };
}

function positionFigures(a: Amounts, labor: string, machinist: string): Schemas["PositionFigures"] {
  return {
    ot: a.ot,
    em: a.em,
    otm: a.otm,
    m: a.m,
    equipment: a.equipment,
    direct: a.direct,
    extra: "0.00",
    fot: a.fot,
    overhead: a.overhead,
    profit: a.profit,
    total: a.total,
    per_unit: "",
    labor_hours: labor,
    machinist_hours: machinist,
  };
}

export function fromEstimate(estimate: Estimate): EstimateModel {
  const positions = new Map<number, PositionRow>();
  const sections = estimate.sections.map((s) => {
    const ids: number[] = [];
    for (const p of s.positions ?? []) {
      positions.set(p.id, p);
      ids.push(p.id);
    }
    return { id: s.id, name: s.name, figures: s.figures, positionIds: ids };
  });
  const { sections: _s, totals, result, ...header } = estimate;
  return withBaseIndex({ id: estimate.id, version: estimate.version, header, sections, positions, totals, result, problem: estimate.problem });
}

/** The section a position is in, or undefined. */
export function sectionOf(model: EstimateModel, positionId: number): SectionModel | undefined {
  return model.sections.find((s) => s.positionIds.includes(positionId));
}

/**
 * The model after the service applied `changes` as one version and answered `applied`: the
 * structure follows the change set (adds at their index or the end, with the ids the service
 * gave in order; moves; removals), the rows, section figures and totals are the service's.
 */
export function applyEdit(model: EstimateModel, changes: Change[], applied: EditApplied): EstimateModel {
  const positions = new Map(model.positions);
  let sections = model.sections.map((s) => ({ ...s, positionIds: [...s.positionIds] }));
  const addedIds = [...applied.added_ids];
  for (const change of changes) {
    switch (change.op) {
      case "add_section": {
        const id = addedIds.shift();
        if (id === undefined) break;
        const section = { id, name: change.name, positionIds: [] };
        if (change.index !== undefined && change.index < sections.length) sections.splice(change.index, 0, section);
        else sections.push(section);
        break;
      }
      case "rename_section":
        sections = sections.map((s) => (s.id === change.section_id ? { ...s, name: change.name } : s));
        break;
      case "remove_section": {
        const gone = sections.find((s) => s.id === change.section_id);
        gone?.positionIds.forEach((id) => positions.delete(id));
        sections = sections.filter((s) => s.id !== change.section_id);
        break;
      }
      case "add_position": {
        const id = addedIds.shift();
        const section = sections.find((s) => s.id === change.section_id);
        if (id === undefined || !section) break;
        if (change.index !== undefined && change.index < section.positionIds.length) section.positionIds.splice(change.index, 0, id);
        else section.positionIds.push(id);
        break;
      }
      case "remove_position":
        for (const s of sections) s.positionIds = s.positionIds.filter((id) => id !== change.position_id);
        positions.delete(change.position_id);
        break;
      case "move_position": {
        for (const s of sections) s.positionIds = s.positionIds.filter((id) => id !== change.position_id);
        const target = sections.find((s) => s.id === change.section_id);
        if (!target) break;
        if (change.index !== undefined && change.index < target.positionIds.length) target.positionIds.splice(change.index, 0, change.position_id);
        else target.positionIds.push(change.position_id);
        break;
      }
      default:
        break;
    }
  }
  for (const row of applied.positions) positions.set(row.id, row);
  // Every section with its figures, in order: names and figures are the service's.
  const byId = new Map(sections.map((s) => [s.id, s]));
  const ordered: SectionModel[] = applied.sections.map((v) => ({
    id: v.id,
    name: v.name,
    figures: v.figures,
    positionIds: byId.get(v.id)?.positionIds ?? [],
  }));
  const header = { ...model.header, version: applied.version };
  for (const change of changes) {
    if (change.op === "update_header") {
      const { op: _op, ...fields } = change;
      Object.assign(header, fields);
    }
  }
  return withBaseIndex({
    ...model,
    header,
    version: applied.version,
    sections: ordered.length > 0 || sections.length === 0 ? ordered : sections,
    positions,
    totals: applied.totals,
    result: applied.result,
    problem: applied.problem,
  });
}

export type RowKind = "section" | "position" | "resource";

export interface GridRow {
  key: string;
  kind: RowKind;
  sectionId: number;
  positionId?: number;
  /** resource rows: index of the resource in the position */
  resourceIndex?: number;
  /** position rows: the running number in the estimate (№ п/п) */
  ordinal?: number;
}

/** The rows the grid shows: each section's title, its positions, and unfolded positions' resources. */
export function gridRows(
  model: EstimateModel,
  expanded: ReadonlySet<number>,
  resourceCount: (positionId: number) => number,
): GridRow[] {
  const rows: GridRow[] = [];
  let ordinal = 0;
  for (const s of model.sections) {
    rows.push({ key: `s${s.id}`, kind: "section", sectionId: s.id });
    for (const id of s.positionIds) {
      ordinal++;
      rows.push({ key: `p${id}`, kind: "position", sectionId: s.id, positionId: id, ordinal });
      if (expanded.has(id)) {
        const n = resourceCount(id);
        for (let i = 0; i < n; i++) rows.push({ key: `r${id}.${i}`, kind: "resource", sectionId: s.id, positionId: id, resourceIndex: i });
      }
    }
  }
  return rows;
}
