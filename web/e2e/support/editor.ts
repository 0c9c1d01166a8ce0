// The estimate editor as the tests see it: the grid (role=treegrid, rows with data-position-id,
// cells with data-col), the totals ([data-total=…]) and the base panel. The figures on screen are
// compared with POST /api/v1/calc of the stored document, kopeck for kopeck.
import { expect, type Locator, type Page } from "@playwright/test";
import type { Api } from "./api";
import { moneyText, TOTAL_KEYS, type TotalKey } from "./money";

export type Column =
  | "number" | "code" | "name" | "unit" | "quantity" | "ot" | "em" | "otm" | "m" | "equipment"
  | "overhead" | "profit" | "total";

export function grid(page: Page): Locator {
  return page.getByTestId("positions-grid");
}

/** Every position row the grid has rendered (it is virtualised: the visible ones and a margin). */
export function rows(page: Page): Locator {
  return grid(page).locator("[role=row][data-position-id]");
}

export function row(page: Page, positionId: number): Locator {
  return grid(page).locator(`[role=row][data-position-id="${positionId}"]`);
}

export function cell(page: Page, positionId: number, column: Column): Locator {
  return row(page, positionId).locator(`[data-col="${column}"]`);
}

export function total(page: Page, key: TotalKey): Locator {
  return page.getByTestId("totals").locator(`[data-total="${key}"]`);
}

export function syncStatus(page: Page): Locator {
  return page.getByTestId("sync-status");
}

export function basePanel(page: Page): Locator {
  return page.getByTestId("base-panel");
}

/** Searches the normative base in the editor's panel and waits for hits. */
export async function searchBase(page: Page, query: string): Promise<Locator> {
  await basePanel(page).getByLabel("Поиск в нормативной базе").fill(query);
  const hits = basePanel(page).getByTestId("norm-hit");
  await expect(hits.first()).toBeVisible();
  return hits;
}

/** Opens /estimates/:id and waits for its first rows. */
export async function openEstimate(page: Page, estimateId: number): Promise<void> {
  await page.goto(`/estimates/${estimateId}`);
  await expect(rows(page).first()).toBeVisible();
}

/**
 * Waits until every total on screen is what calc computes from the stored estimate: the screen
 * shows the service's figures, formatted, never figures of its own. `keys` limits the check to
 * the totals the screen has.
 */
export async function expectTotalsMatchCalc(page: Page, api: Api, estimateId: number, keys: readonly TotalKey[] = TOTAL_KEYS): Promise<void> {
  const calc = await api.calcOfEstimate(estimateId);
  for (const key of keys) {
    await expect(total(page, key), `total ${key}`).toHaveText(moneyText(calc.totals[key]));
  }
}
