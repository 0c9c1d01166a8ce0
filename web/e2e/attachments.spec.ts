// Files of an estimate (issue 16): an imported ГГЭ file is kept as the new estimate's original —
// the import report says so, the «Файлы» tab lists it and downloads it byte for byte; a PDF is
// kept from the keyboard (made as a job, then kept), and deleted through the confirmation. A
// viewer sees and downloads the files but is offered neither keeping nor deleting.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { REPO_ROOT } from "./support/paths";
import { signIn } from "./support/session";
import { shot } from "./support/shot";

const PD12 = resolve(REPO_ROOT, "..", "shared", "samples", "gge_lsr_rim_example_PD12.gge");

test("an import keeps its original; a PDF is kept from the keyboard and deleted; a viewer only reads", async ({ page, admin, adminApi, newUser, browser, baseURL }) => {
  test.setTimeout(120_000);
  const project = await adminApi.createProject("Школа с файлами");
  const object = await adminApi.createObject(project.id, "Корпус Б");
  await signIn(page, admin, `/objects/${object.id}`);
  await page.getByLabel("Файл сметы").setInputFiles(PD12);
  const report = page.getByTestId("import-report");
  await expect(report).toBeVisible({ timeout: 30_000 });
  await expect(report).toContainText("сохранён в файлах сметы");
  await page.getByRole("dialog").getByRole("link", { name: "Открыть смету" }).click();
  await expect(page).toHaveURL(/\/estimates\/\d+$/);
  const estimateId = Number(/\/estimates\/(\d+)/.exec(page.url())![1]);

  // The «Файлы» tab: the original, downloaded byte for byte.
  await page.getByRole("link", { name: "Файлы" }).click();
  await expect(page).toHaveURL(new RegExp(`/estimates/${estimateId}/files$`));
  const table = page.locator(".attachments-table");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table).toContainText("исходный файл импорта");
  const download = page.waitForEvent("download");
  await table.getByRole("button", { name: /^Скачать / }).click();
  const saved = await download;
  const path = test.info().outputPath("original.gge");
  await saved.saveAs(path);
  expect(readFileSync(path).equals(readFileSync(PD12))).toBe(true);

  // Keep a PDF from the keyboard: the format chosen with the arrows, then Enter on «Сохранить».
  const format = page.getByLabel("Сохранить выгрузку в смете:");
  await format.focus();
  await page.keyboard.press("ArrowDown");
  await expect(format).toHaveValue("xlsx");
  await page.keyboard.press("ArrowUp");
  await expect(format).toHaveValue("pdf");
  const kept = page.waitForResponse((r) => r.url().endsWith(`/api/v1/estimates/${estimateId}/attachments`) && r.request().method() === "POST");
  await page.getByRole("button", { name: "Сохранить", exact: true }).focus();
  await page.keyboard.press("Enter");
  expect((await kept).status()).toBe(201);
  await expect(page.getByRole("status").filter({ hasText: "Сохранено в смете" })).toBeVisible();
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table).toContainText("сохранённая выгрузка");
  await expect(table).toContainText(/\.pdf/);
  await shot(page, "estimate-files");
  await expectNoSeriousA11yViolations(page, "файлы сметы");

  // The stored PDF is a PDF.
  const listed = await adminApi.client.GET("/api/v1/estimates/{id}/attachments", { params: { path: { id: estimateId } } });
  const pdf = listed.data!.find((a) => a.kind === "export")!;
  expect(pdf.content_type).toBe("application/pdf");
  expect(pdf.size).toBeGreaterThan(1000);

  // A viewer: the list and downloads, nothing to keep or delete.
  const viewer = await newUser("viewer");
  const context = await browser.newContext({ baseURL });
  const viewerPage = await context.newPage();
  await signIn(viewerPage, viewer, `/estimates/${estimateId}/files`);
  await expect(viewerPage.locator(".attachments-table tbody tr")).toHaveCount(2);
  await expect(viewerPage.getByRole("button", { name: "Сохранить", exact: true })).toHaveCount(0);
  await expect(viewerPage.getByRole("button", { name: /^Удалить / })).toHaveCount(0);
  await expect(viewerPage.getByRole("button", { name: /^Скачать / })).toHaveCount(2);
  await context.close();

  // Delete the PDF through the confirmation (its button reached from the keyboard).
  await table.getByRole("button", { name: `Удалить ${pdf.file_name}` }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("будет удалён из сметы");
  await dialog.getByRole("button", { name: "Удалить" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(table.locator("tbody tr")).toHaveCount(1);
  const after = await adminApi.client.GET("/api/v1/estimates/{id}/attachments", { params: { path: { id: estimateId } } });
  expect(after.data!.map((a) => a.kind)).toEqual(["import"]);
});
