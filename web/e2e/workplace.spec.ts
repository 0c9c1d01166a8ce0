// The estimator's whole path in the browser, against the real service on SQLite: a project, an
// object and an estimate made through the pages; territory and quarter set; three norms found in
// the base panel and added (one dragged); a quantity typed with the decimal comma, a coefficient,
// three quantities pasted as Excel text, one edit undone; the totals on screen are calc of the
// stored document, kopeck for kopeck; XLSX and PDF exported and opened; versions compared.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Locator, Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { basePanel, cell, expectTotalsMatchCalc, grid, rows, searchBase, syncStatus } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { signIn } from "./support/session";
import { shot } from "./support/shot";

async function positionIds(page: Page): Promise<number[]> {
  return rows(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-position-id"))));
}

async function saved(page: Page): Promise<void> {
  await expect(syncStatus(page)).toHaveText(/Все изменения сохранены/, { timeout: 20_000 });
}

/** Pastes text into the grid as Excel puts it on the clipboard (a paste event with text/plain). */
async function pasteExcel(target: Locator, text: string): Promise<void> {
  await target.evaluate((el, value) => {
    const data = new DataTransfer();
    data.setData("text/plain", value);
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

async function createNamed(page: Page, button: string, label: string, name: string): Promise<void> {
  await page.getByRole("button", { name: button }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(label).fill(name);
  await dialog.getByRole("button", { name: "Создать" }).click();
  await expect(dialog).toHaveCount(0);
}

test("an estimator builds an estimate from the pages, the base panel and the keyboard", async ({ page, admin, adminApi }) => {
  test.setTimeout(240_000);
  await signIn(page, admin);

  // Project → object → estimate, through the pages.
  await createNamed(page, "Создать проект", "Название проекта (стройки)", "Школа на 550 мест");
  await page.getByTestId("projects-table").getByRole("link", { name: "Школа на 550 мест" }).click();
  await expect(page).toHaveURL(/\/projects\/\d+$/);
  await createNamed(page, "Создать объект", "Название объекта", "Главный корпус");
  await page.getByTestId("objects-table").getByRole("link", { name: "Главный корпус" }).click();
  await expect(page).toHaveURL(/\/objects\/\d+/);
  await page.getByRole("button", { name: "Создать смету" }).click();
  const create = page.getByRole("dialog");
  await create.getByLabel("Номер сметы").fill("02-01-01");
  await create.getByLabel("Наименование").fill("Общестроительные работы");
  await create.getByRole("button", { name: "Создать" }).click();
  await expect(page).toHaveURL(/\/estimates\/\d+$/);
  const estimateId = Number(/\/estimates\/(\d+)/.exec(page.url())![1]);

  // A section, then the territory and the quarter of the active release's prices.
  await page.getByRole("button", { name: "Добавить раздел" }).click();
  await page.getByRole("dialog").getByLabel("Наименование раздела").fill("Земляные работы");
  await page.getByRole("dialog").getByRole("button", { name: "Добавить" }).click();
  await expect(grid(page)).toBeVisible();
  await page.getByRole("button", { name: "Параметры сметы" }).click();
  const header = page.getByTestId("header-panel");
  const territory = header.getByLabel(/Регион, ценовая зона и квартал/);
  if (await territory.count()) {
    await territory.selectOption({ value: "28|1|2025-Q2" });
  } else {
    await header.getByLabel("Регион").fill("28");
    await header.getByLabel("Ценовая зона").fill("1");
    await header.getByLabel("Квартал").fill("2025-Q2");
  }
  await header.getByRole("button", { name: "Сохранить параметры" }).click();
  await expect(page.getByText("регион 28, зона 1, 2025-Q2")).toBeVisible();
  await saved(page);

  // Three norms from the base panel: by the card's button, by the hit's «+», by dragging.
  let hits = await searchBase(page, "разработка грунта");
  await expect(hits.first().locator("mark").first()).toHaveText(/разработка/i);
  await hits.first().click();
  const card = basePanel(page).getByTestId("norm-card");
  await expect(card.getByRole("table")).toBeVisible();
  await expect(card).toContainText("цены 28, зона 1, 2025-Q2");
  await shot(page, "base-panel");
  await card.getByRole("button", { name: "Добавить в смету" }).click();
  await expect(rows(page)).toHaveCount(1);
  await hits.nth(1).getByRole("button", { name: /Добавить .* в смету/ }).click();
  await expect(rows(page)).toHaveCount(2);
  hits = await searchBase(page, "бетонной подготовки");
  await expect(hits.first()).toContainText("бетонной подготовки");
  await hits.first().dragTo(grid(page).locator("[role=row][data-section-id]").first());
  await expect(rows(page)).toHaveCount(3);
  await saved(page);
  const [first, second, third] = await positionIds(page);

  // A quantity typed with the decimal comma.
  await cell(page, first, "quantity").click();
  await page.keyboard.type("12,5");
  await page.keyboard.press("Enter");
  await expect(cell(page, first, "quantity")).toHaveText("12,5");
  await saved(page);
  expect((await adminApi.estimate(estimateId)).sections[0].positions![0].quantity).toBe("12.5");

  // A bad value is refused at the cell, with what is wrong.
  await cell(page, second, "quantity").click();
  await page.keyboard.press("F2");
  await page.keyboard.press("Control+a");
  await page.keyboard.type("2,5,1");
  await page.keyboard.press("Enter");
  await expect(grid(page).getByRole("alert")).toContainText("не число");
  await page.keyboard.press("Escape");

  // A coefficient of the second position, in its properties under the grid.
  await cell(page, second, "name").click();
  const props = page.getByTestId("position-panel");
  await props.getByRole("button", { name: "+ Коэффициент" }).click();
  await props.getByLabel("Коэффициент 1, наименование").fill("Стеснённые условия");
  await props.getByLabel("Коэффициент 1, ОЗП").fill("1,15");
  await props.getByLabel("Коэффициент 1, ЭМ").fill("1,25");
  await props.getByRole("button", { name: "Применить коэффициенты" }).click();
  await saved(page);
  const doc = await adminApi.document(estimateId);
  const coefficients = (doc as { sections: { positions: { coefficients?: { labor?: string; machines?: string }[] }[] }[] }).sections[0].positions[1].coefficients;
  expect(coefficients?.[0]).toMatchObject({ labor: "1.15", machines: "1.25" });

  // Three quantities pasted as Excel copies them, then that paste undone with Ctrl+Z.
  await cell(page, first, "quantity").click();
  await pasteExcel(grid(page), "2,5\r\n10\r\n0,75\r\n");
  await expect(cell(page, first, "quantity")).toHaveText("2,5");
  await expect(cell(page, second, "quantity")).toHaveText("10");
  await expect(cell(page, third, "quantity")).toHaveText("0,75");
  await saved(page);
  await grid(page).focus();
  await page.keyboard.press("Control+z");
  await expect(cell(page, first, "quantity")).toHaveText("12,5");
  await expect(cell(page, second, "quantity")).toHaveText("1");
  await expect(cell(page, third, "quantity")).toHaveText("1");
  await saved(page);
  await page.keyboard.press("Control+y");
  await expect(cell(page, third, "quantity")).toHaveText("0,75");
  await saved(page);

  // The totals on screen are the service's calc of the stored document, kopeck for kopeck.
  await expectTotalsMatchCalc(page, adminApi, estimateId);

  // A position unfolded into its resources.
  await cell(page, first, "name").click();
  await page.keyboard.press("Space");
  await expect(grid(page).locator("[role=row].resource").first()).toBeVisible();
  // The base panel closed (Ctrl+B), as one works on figures: more of the ЛСР columns in view.
  await page.keyboard.press("Control+b");
  await expect(basePanel(page)).toHaveCount(0);
  await shot(page, "estimate-editor");
  await expectNoSeriousA11yViolations(page, "редактор сметы");

  // XLSX and PDF, downloaded and opened.
  for (const [format, check] of [
    ["xlsx", (path: string) => execFileSync("python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.read('xl/workbook.xml')))", path])],
    ["pdf", (path: string) => execFileSync("pdftotext", [path, "-"]).toString()],
  ] as const) {
    const download = page.waitForEvent("download");
    await page.locator(`[data-export="${format}"]`).click();
    const file = await download;
    const path = test.info().outputPath(`estimate.${format}`);
    await file.saveAs(path);
    if (format === "pdf") {
      expect(readFileSync(path).subarray(0, 5).toString()).toBe("%PDF-");
      expect(String(check(path))).toContain("Общестроительные работы");
    } else {
      expect(Number(String(check(path)).trim())).toBeGreaterThan(0);
    }
  }

  // Versions: who and when, the diff of two with changed figures marked.
  await page.getByRole("link", { name: "Версии" }).click();
  const versions = page.getByTestId("versions-table");
  await expect(versions).toBeVisible();
  await expect(versions.locator("tbody tr").first()).toContainText(/admin|Администратор/i);
  await versions.getByLabel("Было: версия 6").check();
  const diff = page.getByTestId("diff-table");
  await expect(diff).toBeVisible();
  await expect(diff.locator(".changed").first()).toBeVisible();
  await shot(page, "version-diff");
  await expectNoSeriousA11yViolations(page, "версии сметы");
});
