// Every main screen once more, for the accessibility check (axe: no serious or critical
// violation) and the screenshots the README shows: the projects, an object with its estimates
// and its ОСР, the cost-structure chart, the admin pages.
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { estimateFromGolden } from "./support/data";
import { rows } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { signIn } from "./support/session";
import { shot } from "./support/shot";

test("the projects, an object, its ОСР and the cost chart are accessible", async ({ page, admin, adminApi }) => {
  const tree = await estimateFromGolden(adminApi, "rik_02-01-05_vodomernyi_uzel", "Экраны");
  await signIn(page, admin);
  await expect(page.getByTestId("projects-table")).toBeVisible();
  await shot(page, "projects");
  await expectNoSeriousA11yViolations(page, "проекты");

  await page.goto(`/objects/${tree.object.id}`);
  await expect(page.getByTestId("estimates-table")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "объект: сметы");
  await page.getByRole("tab", { name: "Объектная смета (ОСР)" }).click();
  await expect(page.getByTestId("object-estimate-table")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "ОСР");

  await page.goto(`/estimates/${tree.estimate.id}`);
  await expect(rows(page).first()).toBeVisible();
  await page.getByRole("button", { name: "Структура затрат" }).click();
  const chart = page.getByTestId("cost-chart");
  await expect(chart.locator("canvas")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "структура затрат");
});

test("the admin pages are accessible", async ({ page, admin }) => {
  await signIn(page, admin);
  await page.getByRole("link", { name: "Администрирование" }).click();
  await expect(page.getByTestId("members-table")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "участники");
  await page.goto("/admin/releases");
  await expect(page.getByTestId("releases-table")).toBeVisible();
  await expect(page.getByTestId("releases-table")).toContainText("Демо-база ФСНБ-2022");
  await expectNoSeriousA11yViolations(page, "релизы базы");
  await page.goto("/admin/audit");
  await expect(page.getByTestId("audit-table")).toBeVisible();
  await expectNoSeriousA11yViolations(page, "журнал аудита");
});
