// Export jobs in the browser (issue 13): the PDF of a large estimate is made as a job — a
// progress bar «Готовится PDF… N %» with «Отменить», reached and pressed from the keyboard, and
// the job ends cancelled on the service with no file; a small estimate's Excel goes through a job
// too and downloads as soon as it is ready.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import type { Schemas } from "./support/api";
import { openEstimate } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { REPO_ROOT } from "./support/paths";
import { signIn } from "./support/session";
import { shot } from "./support/shot";

/** bench/make_calc_document.py's sections: `positions` positions, 12 resource lines per norm. */
function generatedSections(positions: number): Schemas["NewEstimate"]["sections"] {
  const dir = mkdtempSync(join(tmpdir(), "e2e-doc-"));
  try {
    const file = join(dir, "doc.json");
    execFileSync("python3", [join(REPO_ROOT, "bench", "make_calc_document.py"), file, String(positions)], { stdio: "ignore" });
    return JSON.parse(readFileSync(file, "utf8")).sections;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a large PDF is a job with its progress, cancelled from the keyboard; a small Excel downloads through its job", async ({ page, admin, adminApi }) => {
  test.setTimeout(240_000);
  const project = await adminApi.createProject("Стройка с большой сметой");
  const object = await adminApi.createObject(project.id, "Корпус А");
  const header = { region: "77", zone: "1", quarter: "2025-Q2" };
  const big = await adminApi.createEstimate(object.id, { name: "Большая смета", number: "02-01-07", ...header, sections: generatedSections(10000) });
  const small = await adminApi.createEstimate(object.id, { name: "Малая смета", number: "02-01-08", ...header, sections: generatedSections(20) });

  await signIn(page, admin);
  await openEstimate(page, big.id);

  // PDF from the keyboard: the service answers 202 with a job; the bar shows its progress and
  // the focus moves to «Отменить».
  const accepted = page.waitForResponse((r) => r.url().includes(`/api/v1/estimates/${big.id}/export?format=pdf`));
  await page.locator('[data-export="pdf"]').focus();
  await page.keyboard.press("Enter");
  const answer = await accepted;
  expect(answer.status()).toBe(202);
  expect(answer.request().headers()["prefer"]).toBe("respond-async");
  const job = (await answer.json()) as Schemas["ExportJob"];
  const bar = page.getByRole("progressbar", { name: "Готовится PDF" });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("aria-valuemin", "0");
  await expect(bar).toHaveAttribute("aria-valuemax", "100");
  expect(Number(await bar.getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(0);
  await expect(page.getByText(/^Готовится PDF… \d+ %$/)).toBeVisible();
  const cancel = page.getByRole("button", { name: "Отменить выгрузку PDF" });
  await expect(cancel).toHaveText("Отменить");
  await expect(cancel).toBeFocused();
  await shot(page, "export-progress");
  await expectNoSeriousA11yViolations(page, "выгрузка с ходом работы");

  const cancelled = page.waitForResponse((r) => r.url().endsWith(`/api/v1/jobs/${job.id}`) && r.request().method() === "DELETE");
  await page.keyboard.press("Enter");
  expect((await cancelled).status()).toBe(204);
  await expect(bar).toHaveCount(0);
  await expect(page.locator('[data-export="pdf"]')).toBeFocused();
  const after = await adminApi.client.GET("/api/v1/jobs/{id}", { params: { path: { id: job.id } } });
  expect(after.data?.status).toBe("cancelled");
  const file = await adminApi.client.GET("/api/v1/jobs/{id}/file", { params: { path: { id: job.id } }, parseAs: "blob" });
  expect(file.response.status).toBe(409);

  // A small estimate's Excel: a job that is done at once, then the file.
  await openEstimate(page, small.id);
  const download = page.waitForEvent("download");
  const smallAnswer = page.waitForResponse((r) => r.url().includes(`/api/v1/estimates/${small.id}/export?format=xlsx`));
  await page.locator('[data-export="xlsx"]').click();
  expect((await smallAnswer).status()).toBe(202);
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(/\.xlsx$/);
  const path = test.info().outputPath("small.xlsx");
  await saved.saveAs(path);
  expect(readFileSync(path).subarray(0, 2).toString()).toBe("PK");
});
