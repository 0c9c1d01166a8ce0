// What happens around the estimator: another person editing the same position, a viewer, the
// service stopping while one types, the session ended elsewhere, a ГГЭ file imported, the ССР.
import { resolve } from "node:path";
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/a11y";
import type { Api } from "./support/api";
import { cell, grid, rows, syncStatus } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { REPO_ROOT } from "./support/paths";
import { signIn, tokens } from "./support/session";
import { shot } from "./support/shot";

const SAMPLES = resolve(REPO_ROOT, "..", "shared", "samples");

/** A project, an object and an estimate of three norms priced in region 28, 2025-Q2. */
async function estimateOfThree(api: Api, name: string) {
  const project = await api.createProject(`Проект: ${name}`);
  const object = await api.createObject(project.id, "Корпус 1");
  const created = await api.createEstimate(object.id, { name, number: "01-01", region: "28", zone: "1", quarter: "2025-Q2", sections: [{ name: "Земляные работы" }] } as never);
  const section = created.sections[0].id;
  const result = await api.client.POST("/api/v1/estimates/{id}/changes", {
    params: { path: { id: created.id }, header: { "If-Match": `"${created.version}"` } },
    body: {
      changes: [
        { op: "add_position", section_id: section, family: "gesn", code: "01-01-013-01", quantity: "1" },
        { op: "add_position", section_id: section, family: "gesn", code: "01-02-057-02", quantity: "2" },
        { op: "add_position", section_id: section, family: "gesn", code: "06-01-001-01", quantity: "3" },
      ],
    },
  });
  if (!result.response.ok) throw new Error(`add positions: ${result.response.status} ${JSON.stringify(result.error)}`);
  const estimate = await api.estimate(created.id);
  const ids = estimate.sections[0].positions!.map((p) => p.id);
  return { project, object, estimate, ids };
}

async function typeQuantity(page: Page, positionId: number, text: string) {
  await cell(page, positionId, "quantity").click();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

async function quantities(api: Api, estimateId: number): Promise<string[]> {
  return (await api.estimate(estimateId)).sections[0].positions!.map((p) => p.quantity ?? "");
}

test("two people edit the same position: the second is told who came first and reapplies", async ({ browser, admin, adminApi, baseURL }) => {
  const { estimate, ids } = await estimateOfThree(adminApi, "Конфликт версий");
  const colleague = await adminApi.createUser("estimator", undefined, "Ирина Петрова");
  const mine = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: "ru-RU" });
  const theirs = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, locale: "ru-RU" });
  const me = await mine.newPage();
  const them = await theirs.newPage();
  await signIn(me, admin, `/estimates/${estimate.id}`);
  await signIn(them, colleague, `/estimates/${estimate.id}`);
  await expect(rows(me)).toHaveCount(3);
  await expect(rows(them)).toHaveCount(3);

  await typeQuantity(them, ids[0], "5");
  await expect(syncStatus(them)).toHaveText(/Все изменения сохранены/);
  await typeQuantity(me, ids[0], "7,25");
  const dialog = me.getByTestId("conflict-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Ирина Петрова");
  await expect(dialog).toContainText(`Версия ${estimate.version + 1}`);
  await expectNoSeriousA11yViolations(me, "конфликт версий");
  await dialog.getByRole("button", { name: /применить мою правку/ }).click();
  await expect(syncStatus(me)).toHaveText(/Все изменения сохранены/);
  await expect(cell(me, ids[0], "quantity")).toHaveText("7,25");
  expect((await quantities(adminApi, estimate.id))[0]).toBe("7.25");
  await mine.close();
  await theirs.close();
});

test("a viewer sees no edit controls, and a forced change is refused", async ({ page, adminApi, newUser }) => {
  const { estimate, ids } = await estimateOfThree(adminApi, "Только просмотр");
  const viewer = await newUser("viewer");
  await signIn(page, viewer, `/estimates/${estimate.id}`);
  await expect(rows(page)).toHaveCount(3);
  await expect(page.getByRole("note")).toHaveText(/Только просмотр: ваша роль не позволяет изменять сметы/);
  for (const name of ["↶ Отменить", "+ Раздел", "Удалить", "Коэффициент…", "Переместить…", "На проверку"]) {
    await expect(page.getByRole("button", { name })).toHaveCount(0);
  }
  await expect(grid(page)).toHaveAttribute("aria-readonly", "true");
  await cell(page, ids[0], "quantity").click();
  await page.keyboard.press("Enter");
  await page.keyboard.type("9");
  await expect(grid(page).locator("input")).toHaveCount(0);
  await expect(page.getByTestId("base-panel")).toHaveCount(0);

  // The same change, forced past the screen, is refused by the service.
  const pair = await tokens(page);
  const status = await page.evaluate(
    async ([id, position, token]) => {
      const r = await fetch(`/api/v1/estimates/${id}/positions/${position}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "If-Match": '"1"' },
        body: JSON.stringify({ quantity: "9" }),
      });
      return r.status;
    },
    [estimate.id, ids[0], pair!.access_token] as const,
  );
  expect(status).toBe(403);
  expect((await quantities(adminApi, estimate.id))[0]).toBe("1");

  // Pages too: no create, import, rename or delete.
  await page.goto("/projects");
  await expect(page.getByRole("button", { name: "Создать проект" })).toHaveCount(0);
});

test("the service stopped for 5 s while one types loses nothing", async ({ page, admin, adminApi, service }) => {
  const { estimate, ids } = await estimateOfThree(adminApi, "Перезапуск сервера");
  await signIn(page, admin, `/estimates/${estimate.id}`);
  await expect(rows(page)).toHaveCount(3);
  await service.stop();
  await typeQuantity(page, ids[0], "4,5");
  await typeQuantity(page, ids[1], "6");
  await typeQuantity(page, ids[2], "8,25");
  await expect(syncStatus(page)).toHaveText(/Ожидают отправки/);
  await expect(cell(page, ids[2], "quantity")).toHaveText("8,25");
  await page.waitForTimeout(5_000);
  await service.start();
  await expect(syncStatus(page)).toHaveText(/Все изменения сохранены/, { timeout: 30_000 });
  expect(await quantities(adminApi, estimate.id)).toEqual(["4.5", "6", "8.25"]);
});

test("a session ended elsewhere goes to sign-in and the edit typed meanwhile is sent after it", async ({ page, admin, adminApi }) => {
  const { estimate, ids } = await estimateOfThree(adminApi, "Сеанс завершён");
  await signIn(page, admin, `/estimates/${estimate.id}`);
  await expect(rows(page)).toHaveCount(3);
  // The position is selected and its details loaded first: the first call after the session
  // ends must be the edit's own, not the details' (which would end the session while typing).
  const detail = page.waitForResponse((r) => r.url().endsWith(`/api/v1/estimates/${estimate.id}/positions/${ids[1]}`));
  await cell(page, ids[1], "quantity").click();
  expect((await detail).status()).toBe(200);
  // Signed out elsewhere: the refresh token is revoked, the access token forged stale.
  const pair = (await tokens(page))!;
  await page.request.post("/api/v1/auth/logout", { data: { refresh_token: pair.refresh_token } });
  await page.evaluate((p) => localStorage.setItem("estimate.tokens", JSON.stringify({ ...p, access_token: p.access_token.slice(0, -4) + "AAAA" })), pair);
  await typeQuantity(page, ids[1], "3,5");
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await expect(page.getByText("Сеанс завершён")).toBeVisible();
  await page.getByLabel("Электронная почта").fill(admin.email);
  await page.getByLabel("Пароль").fill(admin.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(new RegExp(`/estimates/${estimate.id}$`));
  await expect(syncStatus(page)).toHaveText(/Все изменения сохранены/, { timeout: 20_000 });
  // «Сохранено» may be the state before the kept edit is sent again: ask until it is stored.
  await expect.poll(async () => (await quantities(adminApi, estimate.id))[1], { timeout: 20_000 }).toBe("3.5");
});

test("a ГГЭ file dropped on an object is imported with its report; the project tree and the ССР", async ({ page, admin, adminApi }) => {
  const { project, object } = await estimateOfThree(adminApi, "Благоустройство");
  await adminApi.createObject(project.id, "Наружные сети");
  await signIn(page, admin, `/objects/${object.id}`);
  await page.getByLabel("Файл сметы").setInputFiles(resolve(SAMPLES, "gge_lsr_rim_example_PD12.gge"));
  const report = page.getByTestId("import-report");
  await expect(report).toBeVisible({ timeout: 30_000 });
  await expect(report).toContainText("5 957,22");
  await expectNoSeriousA11yViolations(page, "отчёт об импорте");
  await page.getByRole("dialog").getByRole("button", { name: "Закрыть" }).click();
  await expect(page.getByTestId("estimates-table")).toContainText(/09-01-01|ЛСР/);

  await page.goto(`/projects/${project.id}`);
  await expect(page.getByTestId("objects-table")).toBeVisible();
  await shot(page, "project");
  await expectNoSeriousA11yViolations(page, "проект");
  await page.goto(`/projects/${project.id}?tab=summary`);
  const ssr = page.getByTestId("summary-table");
  await expect(ssr).toBeVisible({ timeout: 30_000 });
  await expect(ssr).toContainText("Всего по сводному сметному расчёту");
  await shot(page, "summary-estimate");
  await expectNoSeriousA11yViolations(page, "ССР");
});
