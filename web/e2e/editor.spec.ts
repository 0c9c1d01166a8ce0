// The estimate editor, first touch: an estimate made over the API opens with its rows, and every
// total on screen is what POST /api/v1/calc computes from the stored document, to the kopeck.
// The full estimator's scenario (editing, the base panel, versions, going offline) builds on the
// helpers of support/editor.ts.
import { expectTotalsMatchCalc, grid, openEstimate, rows } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { estimateFromGolden } from "./support/data";
import { signIn } from "./support/session";

test("an estimate opens with its rows and the totals of calc, kopeck for kopeck", async ({ page, adminApi, newUser }) => {
  const { estimate } = await estimateFromGolden(adminApi, "rik_02-01-05_vodomernyi_uzel", "Водомерный узел");
  const estimator = await newUser("estimator");
  await signIn(page, estimator);
  await openEstimate(page, estimate.id);
  // The grid is virtualised: it renders what is in view, and counts every row for assistive tech.
  await expect(rows(page).first().locator("[data-col=number]")).toHaveText(/1$/);
  const rowCount = Number(await grid(page).getAttribute("aria-rowcount"));
  expect(rowCount).toBeGreaterThan(estimate.position_count);
  await expectTotalsMatchCalc(page, adminApi, estimate.id);
});
