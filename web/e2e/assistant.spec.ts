// The assistant beyond the norm search: a bill of quantities (ВОР) made into a draft with the
// suggested norms (one corrected by the estimator), the estimate checked as state expertise checks
// it with a finding followed to its position, and a question answered with its sources — the
// service runs without a language model here, so the sources are the answer, labelled as such.
import { grid, row, rows } from "./support/editor";
import { expect, test } from "./support/fixtures";
import { shot } from "./support/shot";
import { signIn } from "./support/session";

const VOR = [
  "№ п/п;Наименование работ;Ед. изм.;Кол-во;Шифр",
  "Раздел 1. Водопровод;;;;",
  "1;Прокладка водопровода из стальных оцинкованных труб Ду50;м;150;",
  "2;Монтаж водомера (счетчика воды) Ду32;шт;2;",
  "3;Разработка грунта экскаватором в отвал, грунт 2 группы;м3;850;ГЭСН 01-01-013-02",
  "4;Уборка строительного мусора вручную;т;3;",
].join("\n");

test("a ВОР becomes a draft with the suggested norms, one of them corrected", async ({ page, admin, adminApi }) => {
  test.setTimeout(180_000);
  const project = await adminApi.createProject("Проект: ВОР с подбором");
  const object = await adminApi.createObject(project.id, "Насосная");

  await signIn(page, admin);
  await page.goto(`/objects/${object.id}`);
  await page.getByRole("tab", { name: "ВОР → черновик" }).click();
  const review = page.getByTestId("boq-review");
  await review.getByLabel("Файл ВОР").setInputFiles({ name: "ВОР водопровод.csv", mimeType: "text/csv", buffer: Buffer.from(VOR, "utf8") });

  const lines = review.getByTestId("boq-line");
  await expect(lines).toHaveCount(4, { timeout: 120_000 });
  await expect(lines.nth(0)).toContainText("ГЭСН 16-02-005-05");
  await expect(lines.nth(1)).toContainText("ГЭСН 16-06-005-01");
  await expect(lines.nth(2)).toContainText("шифр из ВОР");
  // Nothing of the demo base is about debris: the line is marked for the estimator.
  await expect(lines.nth(3).locator(".badge", { hasText: "проверить" })).toBeVisible();
  await expect(lines.nth(0).locator("input[type=radio]")).toHaveCount(4); // suggestion, 2 alternatives, none
  await shot(page, "boq-review");

  // The estimator takes another diameter for line 1 by typing its code, leaves line 4 without a
  // norm with the keyboard (0), and creates the draft.
  await lines.nth(0).getByLabel("Другой шифр для строки 1").fill("ГЭСН 16-02-005-02");
  await lines.nth(3).focus();
  await page.keyboard.press("0");
  await review.getByRole("button", { name: "Создать черновик сметы" }).click();

  await expect(page).toHaveURL(/\/estimates\/\d+/);
  await expect(rows(page)).toHaveCount(4, { timeout: 30_000 });
  await expect(rows(page).nth(0).locator("[data-col=code]")).toContainText("16-02-005-02");
  await expect(rows(page).nth(0).locator("[data-col=quantity]")).toContainText("1,5");
  await expect(rows(page).nth(1).locator("[data-col=code]")).toContainText("16-06-005-01");
  await expect(rows(page).nth(2).locator("[data-col=code]")).toContainText("01-01-013-02");

  // The organization's choice comes first next time.
  await page.goto(`/objects/${object.id}`);
  await page.getByRole("tab", { name: "ВОР → черновик" }).click();
  await review.getByLabel("Файл ВОР").setInputFiles({ name: "ВОР 2.csv", mimeType: "text/csv", buffer: Buffer.from(VOR, "utf8") });
  await expect(lines.nth(0).locator("label.chosen")).toContainText("ГЭСН 16-02-005-02", { timeout: 60_000 });
  await expect(lines.nth(0).locator("label.chosen")).toContainText("выбор организации");
});

test("the check finds what an expert would and a finding leads to its position", async ({ page, admin, adminApi }) => {
  const project = await adminApi.createProject("Проект: проверка");
  const object = await adminApi.createObject(project.id, "Котельная");
  const estimate = await adminApi.createEstimate(object.id, {
    name: "ЛСР 02-01-03 Котельная",
    number: "02-01-03",
    region: "28",
    zone: "1",
    quarter: "2025-Q2",
    date: "2026-03-01",
    sections: [
      {
        name: "Оборудование",
        positions: [
          { number: "1", type: "resource", kind: "material", code: "01.7.03.01-0001", name: "Электроэнергия", unit: "кВт-ч", quantity: "10", price: "7.03" },
          { number: "2", type: "resource", kind: "material", code: "62.4.04.01-0005", name: "Щит распределительный", unit: "шт", quantity: "1", price: "15000.00" },
          { number: "3", type: "resource", kind: "material", code: "ТЦ-015", name: "Кран шаровой Ду25", unit: "шт", quantity: "2", price: "1850.00" },
          { number: "4", type: "resource", kind: "material", code: "", name: "НДС 20%", unit: "руб", quantity: "1", price: "1000.00", price_reference: "расчёт" },
        ],
      },
    ],
  } as never);

  await signIn(page, admin);
  await page.goto(`/estimates/${estimate.id}`);
  await expect(rows(page)).toHaveCount(4);
  await page.getByRole("button", { name: "Проверить" }).click();
  const panel = page.getByTestId("check-panel");
  const findings = panel.getByTestId("finding");
  await expect(findings.first()).toBeVisible();
  const rules = await panel.locator("button.finding").evaluateAll((els) => els.map((e) => e.getAttribute("data-rule")));
  expect(rules).toEqual(expect.arrayContaining(["equipment-as-material", "market-price-no-reference", "summary-cost-in-lsr", "vat-rate"]));
  await expect(panel.getByRole("button", { name: /Ошибки/ })).toBeVisible();
  await shot(page, "check-panel");

  // Enter on the VAT finding goes to position 4 in the grid.
  const vat = panel.locator("button.finding[data-rule=vat-rate]");
  await vat.focus();
  await page.keyboard.press("Enter");
  // The grid's current cell is in that row, and its properties are under the grid.
  await expect(row(page, Number(await vat.getAttribute("data-position-id")))).toContainText("НДС 20%");
  await expect(grid(page).locator("[role=row]:has(.active) [data-col=name]")).toHaveText("НДС 20%");
  await expect(page.getByTestId("position-panel")).toContainText("НДС 20%");

  // Only the errors.
  await panel.getByRole("button", { name: /Ошибки/ }).click();
  await expect(panel.locator("button.finding[data-rule=equipment-as-material]")).toHaveCount(0);
  await expect(panel.locator("button.finding[data-rule=vat-rate]")).toHaveCount(1);
});

test("a question is answered with its sources, labelled when there is no language model", async ({ page, admin, adminApi }) => {
  const project = await adminApi.createProject("Проект: вопросы");
  const object = await adminApi.createObject(project.id, "Школа");
  const estimate = await adminApi.createEstimate(object.id, {
    name: "ЛСР Ремонт кабинетов",
    region: "28",
    zone: "1",
    quarter: "2025-Q2",
    sections: [{ name: "Отделка" }],
  } as never);
  await signIn(page, admin);
  await page.goto(`/estimates/${estimate.id}`);
  await page.getByRole("button", { name: "Помощник" }).click();
  const chat = page.getByTestId("chat-panel");
  await chat.getByLabel("Вопрос").fill("Где учитывать зимнее удорожание — в локальной смете или в ССР?");
  await page.keyboard.press("Enter");
  const turn = chat.getByTestId("chat-turn").first();
  await expect(turn.locator(".notice")).toContainText("Языковая модель не подключена");
  const sources = turn.getByTestId("chat-source");
  await expect(sources.first()).toContainText("Зимнее удорожание");
  await expect(sources.first()).toContainText("Источник: приказ Минстроя 325/пр");
  await shot(page, "chat-panel");
});
