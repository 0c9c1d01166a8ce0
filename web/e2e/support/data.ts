// Test data made over the API: a project, an object and an estimate from a golden case of
// tests/golden/ (the figures there are checked by the calc tests, so the tests can rely on them).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Api, Schemas } from "./api";
import { REPO_ROOT } from "./paths";

export interface GoldenCase {
  input: Schemas["EstimateDocument"];
  expected: Schemas["EstimateResult"];
}

export function goldenCase(name: string): GoldenCase {
  const dir = join(REPO_ROOT, "tests", "golden", name);
  return {
    input: JSON.parse(readFileSync(join(dir, "input.json"), "utf8")) as Schemas["EstimateDocument"],
    expected: JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Schemas["EstimateResult"],
  };
}

export interface EstimateTree {
  project: Schemas["Project"];
  object: Schemas["SiteObject"];
  estimate: Schemas["Estimate"];
}

/** A new project with one object holding one estimate whose sections are the golden case's. */
export async function estimateFromGolden(api: Api, name: string, label = name): Promise<EstimateTree> {
  const { input } = goldenCase(name);
  const stamp = new Date().toISOString().slice(11, 19);
  const project = await api.createProject(`Проект «${label}» ${stamp}`);
  const object = await api.createObject(project.id, "Объект 1");
  const estimate = await api.createEstimate(object.id, {
    name: input.name ?? label,
    region: input.region,
    zone: input.zone,
    quarter: input.quarter,
    sections: input.sections.map((s, i) => ({ name: s.name || `Раздел ${i + 1}`, positions: s.positions })),
  });
  return { project, object, estimate };
}
