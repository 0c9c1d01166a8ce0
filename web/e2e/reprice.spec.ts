// Re-pricing an estimate into another quarter from the editor: the demo base holds two price
// levels of region 28 (2025-Q2 and a 2025-Q3 10 % dearer, global-setup.ts); «Переоценка…» takes
// the estimate into 2025-Q3 as a new version, shows that version's diff against the one before, and
// the totals on screen are what calc computes of the re-priced document.
import { expectTotalsMatchCalc, rows, total } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { shot } from "./support/shot";
import { signIn } from "./support/session";

test("an estimate is re-priced into another quarter as a new version", async ({ page, admin, adminApi }) => {
  const project = await adminApi.createProject("Проект: переоценка");
  const object = await adminApi.createObject(project.id, "Котельная");
  const created = await adminApi.createEstimate(object.id, { name: "ЛСР 02-01-04 Фундаменты", number: "02-01-04", region: "28", zone: "1", quarter: "2025-Q2", sections: [{ name: "Фундаменты" }] } as never);
  const added = await adminApi.client.POST("/api/v1/estimates/{id}/changes", {
    params: { path: { id: created.id }, header: { "If-Match": `"${created.version}"` } },
    body: {
      changes: [
        { op: "add_position", section_id: created.sections[0].id, family: "gesn", code: "06-01-001-01", quantity: "2" },
        { op: "add_position", section_id: created.sections[0].id, family: "gesn", code: "16-02-005-05", quantity: "1.5" },
      ],
    },
  });
  expect(added.response.ok).toBe(true);
  const before = await adminApi.estimate(created.id);

  await signIn(page, admin);
  await page.goto(`/estimates/${created.id}`);
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole("button", { name: "Переоценка…" }).click();
  const dialog = page.getByTestId("reprice-dialog");
  await expect(dialog.getByLabel("Регион, зона и квартал")).toHaveValue("28|1|2025-Q3");
  await shot(page, "reprice-dialog");
  await dialog.getByRole("button", { name: "Переоценить" }).click();

  await expect(page.getByText(/Переоценка в 2025-Q3, регион 28, зона 1: версия \d+; все позиции переоценены/)).toBeVisible();
  // The resulting diff: the versions tab opens on the new version against the one before.
  await expect(page).toHaveURL(new RegExp(`/estimates/${created.id}/versions$`));
  const diff = page.getByTestId("diff-table");
  await expect(diff).toBeVisible();
  await expect(diff.locator("tbody tr")).toHaveCount(2);
  await shot(page, "reprice-diff");
  await expect(page.getByText("2025-Q3").first()).toBeVisible();
  const after = await adminApi.estimate(created.id);
  expect(after.quarter).toBe("2025-Q3");
  expect(after.totals!.total).not.toBe(before.totals!.total);
  await expect(total(page, "total")).not.toHaveText(/^$/);
  await expectTotalsMatchCalc(page, adminApi, created.id);
});
