// The estimate's GET starts as soon as its route matches, while the editor's code is still
// loading: the two downloads overlap instead of following each other.
import { api } from "../api/client";

type EstimateResult = ReturnType<typeof fetchEstimate>;

function fetchEstimate(id: number) {
  return api.GET("/api/v1/estimates/{id}", { params: { path: { id } } });
}

const pending = new Map<number, EstimateResult>();

export function prefetchEstimate(id: number): void {
  if (Number.isInteger(id) && id > 0 && !pending.has(id)) pending.set(id, fetchEstimate(id));
}

/** A GET now, for a reload after a change the editor did not make itself. */
export function freshEstimate(id: number): EstimateResult {
  pending.delete(id);
  return fetchEstimate(id);
}

/** The prefetched answer once (then a fresh GET each time). */
export function takeEstimate(id: number): EstimateResult {
  const p = pending.get(id);
  pending.delete(id);
  return p ?? fetchEstimate(id);
}
