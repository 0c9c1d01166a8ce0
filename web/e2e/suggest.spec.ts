// The assistant's norm suggestion in the editor's base panel: the estimator writes the work as a
// bill of quantities does — not the norm's name — and gets the norms ranked with their confidence
// and reasons; Enter adds the first one to the section. The model of the demo base is prepared by
// the service in the background: until it is ready the panel says so and asks again by itself.
import { basePanel, grid, rows } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { shot } from "./support/shot";
import { signIn } from "./support/session";

test("a plain description gets the right norm with its reasons, and Enter adds it", async ({ page, admin, adminApi }) => {
  test.setTimeout(180_000);
  const project = await adminApi.createProject("Проект: подбор норм");
  const object = await adminApi.createObject(project.id, "Корпус 2");
  const estimate = await adminApi.createEstimate(object.id, {
    name: "Земляные работы по ведомости",
    number: "02-01-09",
    region: "28",
    zone: "1",
    quarter: "2025-Q2",
    sections: [{ name: "Земляные работы" }],
  } as never);

  await signIn(page, admin);
  await page.goto(`/estimates/${estimate.id}`);
  await expect(grid(page)).toBeVisible();
  await expect(rows(page)).toHaveCount(0);

  const panel = basePanel(page);
  await panel.getByRole("button", { name: "Подбор по описанию" }).click();
  await expect(panel.getByRole("button", { name: "Подбор по описанию" })).toHaveAttribute("aria-pressed", "true");
  const description = panel.getByLabel("Описание работы, как в ведомости объёмов");
  await description.fill("копка траншей лопатами без креплений, грунт 2 группы");
  await panel.getByLabel("Ед. изм.").fill("м3");

  const suggestions = panel.getByTestId("norm-suggestion");
  // The first answer may wait for the model of the demo base (the panel asks again by itself).
  await expect(suggestions.first()).toContainText("01-02-057-02", { timeout: 120_000 });
  const best = suggestions.first();
  await expect(best.locator(".badge.confidence")).toHaveText(/высокая|средняя|низкая/);
  await expect(best.getByRole("list", { name: "Почему эта норма" })).toContainText("совпали слова");
  await expect(best.getByRole("list", { name: "Почему эта норма" })).toContainText("«2 группы» как в норме: «группа грунтов 2»");
  await expect(suggestions.nth(1)).toBeVisible();
  await shot(page, "suggest-panel");

  // Enter in the description adds the first suggestion to the current section.
  await description.focus();
  await page.keyboard.press("Enter");
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first().locator("[data-col=code]")).toContainText("01-02-057-02");

  // Arrows move through the list; Enter on the second adds it as well.
  await description.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const secondCode = (await suggestions.nth(1).locator(".code").innerText()).split(/\s/)[0];
  await page.keyboard.press("Enter");
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(1).locator("[data-col=code]")).toContainText(secondCode.replace(/^ГЭСН[а-я]*/, ""));
});
