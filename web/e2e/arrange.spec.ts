// Arranging an estimate: positions moved between sections by dragging and by the keyboard, a
// rectangle copied to the clipboard as Excel reads it, a coefficient given to several positions
// at once, several positions deleted at once and brought back with Ctrl+Z.
import type { Page } from "@playwright/test";
import type { Api } from "./support/api";
import { cell, grid, rows, syncStatus } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { signIn } from "./support/session";

async function twoSections(api: Api) {
  const project = await api.createProject("Проект: разделы");
  const object = await api.createObject(project.id, "Корпус");
  const created = await api.createEstimate(object.id, {
    name: "Перестановки",
    region: "28",
    zone: "1",
    quarter: "2025-Q2",
    sections: [{ name: "Земляные работы" }, { name: "Фундаменты" }],
  } as never);
  const [a, b] = created.sections.map((s) => s.id);
  const add = (section: number, code: string, quantity: string) => ({ op: "add_position" as const, section_id: section, family: "gesn" as const, code, quantity });
  const r = await api.client.POST("/api/v1/estimates/{id}/changes", {
    params: { path: { id: created.id }, header: { "If-Match": `"${created.version}"` } },
    body: { changes: [add(a, "01-01-013-01", "1"), add(a, "01-02-057-02", "2"), add(a, "01-01-013-02", "3"), add(b, "06-01-001-01", "4")] },
  });
  if (!r.response.ok) throw new Error(`positions: ${r.response.status}`);
  const estimate = await api.estimate(created.id);
  return { estimate, sections: [a, b], ids: estimate.sections.flatMap((s) => s.positions!.map((p) => p.id)) };
}

async function layout(api: Api, id: number): Promise<string[][]> {
  return (await api.estimate(id)).sections.map((s) => s.positions!.map((p) => p.code ?? ""));
}

async function saved(page: Page) {
  await expect(syncStatus(page)).toHaveText(/Все изменения сохранены/, { timeout: 20_000 });
}

test("positions move by dragging and by the keyboard; a rectangle is copied; bulk coefficient and bulk delete", async ({ page, admin, adminApi, context }) => {
  const { estimate, sections, ids } = await twoSections(adminApi);
  await signIn(page, admin, `/estimates/${estimate.id}`);
  await expect(rows(page)).toHaveCount(4);

  // Dragged onto the section «Фундаменты» of the tree: it goes to the end of that section.
  await grid(page).locator(`[role=row][data-position-id="${ids[0]}"]`).dragTo(page.getByRole("navigation", { name: "Разделы сметы" }).locator(`[data-section-id="${sections[1]}"]`));
  await saved(page);
  const afterDrag = await layout(adminApi, estimate.id);
  expect(afterDrag[0]).toHaveLength(2);
  expect(afterDrag[1]).toHaveLength(2);
  expect(afterDrag[1][1]).toMatch(/01-01-013-01$/);

  // Alt+↓ moves the current position one place down within its section.
  await cell(page, ids[1], "name").click();
  await page.keyboard.press("Alt+ArrowDown");
  await saved(page);
  expect((await layout(adminApi, estimate.id))[0].map((c) => c.slice(-12))).toEqual(["01-01-013-02", "01-02-057-02"]);

  // Shift+↓ selects two rows and three columns; Ctrl+C gives Excel's text.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await cell(page, ids[2], "unit").click();
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("Control+c");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.split("\r\n").filter(Boolean).map((line) => line.split("\t"))).toEqual([
    ["1000 м3", "3"],
    ["100 м3", "2"],
  ]);

  // The same two rows get one coefficient in one change set, then are deleted together.
  await page.getByRole("button", { name: "Коэффициент…" }).click();
  const dialog = page.getByTestId("coefficient-dialog");
  await dialog.getByLabel("Наименование (основание)").fill("Зимнее удорожание");
  await dialog.getByLabel("к ОЗП").fill("1,1");
  await dialog.getByRole("button", { name: "Применить" }).click();
  await expect(dialog).toBeHidden();
  await saved(page);
  // «Сохранено» may still be the state from before the change was queued: ask until it is stored.
  type Doc = { sections: { positions: { coefficients?: { name?: string; labor?: string }[] }[] }[] };
  await expect
    .poll(async () => ((await adminApi.document(estimate.id)) as unknown as Doc).sections[0].positions.map((p) => p.coefficients?.[0]))
    .toEqual([
      { name: "Зимнее удорожание", labor: "1.1" },
      { name: "Зимнее удорожание", labor: "1.1" },
    ]);
  await grid(page).focus();
  await page.keyboard.press("Delete");
  await page.getByTestId("delete-dialog").getByRole("button", { name: "Удалить" }).click();
  await saved(page);
  await expect(rows(page)).toHaveCount(2);
  expect((await layout(adminApi, estimate.id))[0]).toEqual([]);

  // Ctrl+Z brings both back where they were, with their coefficients.
  await grid(page).focus();
  await page.keyboard.press("Control+z");
  await saved(page);
  await expect(rows(page)).toHaveCount(4);
  const back = (await adminApi.document(estimate.id)) as unknown as { sections: { positions: { code?: string; coefficients?: unknown[] }[] }[] };
  expect(back.sections[0].positions.map((p) => p.code?.slice(-12))).toEqual(["01-01-013-02", "01-02-057-02"]);
  expect(back.sections[0].positions.every((p) => (p.coefficients ?? []).length === 1)).toBe(true);

  // Ctrl+M moves the current position to a section chosen in a dialog (the rows brought back
  // by Ctrl+Z have new ids: the second row of the grid is the restored 01-02-057-02).
  await rows(page).nth(1).locator('[data-col="name"]').click();
  await page.keyboard.press("Control+m");
  const move = page.getByTestId("move-dialog");
  await move.getByLabel("Раздел").selectOption({ label: "2. Фундаменты" });
  await move.getByRole("button", { name: "Переместить" }).click();
  await saved(page);
  const moved = await layout(adminApi, estimate.id);
  expect(moved[0].map((c) => c.slice(-12))).toEqual(["01-01-013-02"]);
  expect(moved[1].at(-1)).toMatch(/01-02-057-02$/);
});
