// The data collector and the releases from the admin's pages, against the local ФГИС ЦС portal
// of global-setup.ts (support/fake-fgis.ts: region 28's IV кв. 2025, a third of the prices 15 %
// above III кв.): «Собрать сейчас» queues a job that the collector role runs; the job's page shows
// its log and files; its draft release's report names the prices that moved; the admin activates
// the release and rolls the activation back (the other tests keep the demo base as it was).
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { signIn } from "./support/session";
import { shot } from "./support/shot";

test("a collection makes a draft release whose report is read, activated and rolled back", async ({ page, admin }) => {
  await signIn(page, admin);
  await page.getByRole("link", { name: "Администрирование" }).click();
  await page.getByRole("link", { name: "Сбор данных" }).click();
  await expect(page.getByTestId("collector-jobs")).toBeVisible();

  // Keyboard first: the choice and the button are reached and used without the mouse.
  await page.getByLabel("Что собрать").selectOption("prices");
  await page.getByLabel("Что собрать").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Собрать сейчас" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByText(/Сбор № \d+ поставлен в очередь/)).toBeVisible();

  const jobs = page.getByTestId("collector-jobs");
  const first = jobs.locator("tbody tr").first();
  await expect(first).toContainText("готово", { timeout: 30_000 });
  await expect(first).toContainText("текущие цены");
  await expect(first).toContainText("вручную");
  await expect(first).toContainText(/цены 28\/1 2025-Q4: \d+ цен, к 2025-Q3 изменилось на > 10 %: \d+/);
  await shot(page, "collector-jobs");
  await expectNoSeriousA11yViolations(page, "сбор данных");

  // The job's own page: its log and the files it fetched.
  await first.getByRole("link", { name: /Сбор № \d+/ }).click();
  const job = page.getByTestId("collector-job");
  await expect(job.getByRole("heading", { name: /Сбор № \d+: текущие цены/ })).toBeVisible();
  await expect(job.getByTestId("collector-log")).toContainText("prices 28/1 2025-Q4");
  await expect(job.getByRole("table", { name: "Полученные файлы" })).toContainText("prices_28_1_2025-Q4");
  await shot(page, "collector-job");
  await expectNoSeriousA11yViolations(page, "сбор: журнал");

  // The draft release's report.
  await job.getByRole("link", { name: /Релиз № \d+ \(черновик\) — что изменилось/ }).click();
  const diff = page.getByTestId("release-diff");
  await expect(diff.getByRole("heading", { name: /Что изменится/ })).toBeVisible();
  const set = diff.getByRole("region", { name: /Амурская область \(28\), зона 1, IV кв\. 2025/ });
  await expect(set).toContainText("новый квартал");
  await expect(set).toContainText(/к III кв\. 2025: изменилось \d+, из них больше чем на 10 % — \d+/);
  const moved = set.getByRole("table");
  await expect(moved.locator("tbody tr").first()).toContainText(/\+1[45],\d\d %/);
  await shot(page, "release-diff");
  await expectNoSeriousA11yViolations(page, "отчёт об изменениях релиза");

  // Activation from the report, then rolled back from the releases page.
  await diff.getByRole("button", { name: "Активировать" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Активировать релиз?" });
  await dialog.getByRole("button", { name: "Активировать" }).click();
  await expect(page.getByTestId("releases-table")).toBeVisible();
  const table = page.getByTestId("releases-table");
  await expect(table.locator("tbody tr").first()).toContainText("активен");
  await expect(table.locator("tbody tr").first()).toContainText("IV кв. 2025");
  await expect(table).toContainText("выведен");
  await shot(page, "releases");
  await expectNoSeriousA11yViolations(page, "релизы базы");

  await page.getByRole("button", { name: "Откатить активацию" }).click();
  await page.getByRole("alertdialog", { name: "Откатить активацию?" }).getByRole("button", { name: "Откатить" }).click();
  await expect(table.locator("tbody tr").first()).toContainText("выведен");
  await expect(table.locator("tbody tr").last()).toContainText("активен");  // the demo base, the oldest
});
