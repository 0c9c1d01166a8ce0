// Signing in and out, the session across reloads and token refreshes, and what the service
// answers for client routes and for API paths that do not exist.
import { expectNoSeriousA11yViolations } from "./support/a11y";
import { expect, test } from "./support/fixtures";
import { corrupt, setTokens, signIn, submitSignIn, tokens } from "./support/session";
import { shot } from "./support/shot";

test.describe("sign-in", () => {
  test("the sign-in page is in Russian and accessible", async ({ page }) => {
    await page.goto("/sign-in");
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect(page.getByRole("heading", { name: "Вход в Estimate Service" })).toBeVisible();
    await expect(page.getByLabel("Электронная почта")).toBeFocused();
    await expect(page.getByLabel("Пароль")).toBeVisible();
    await expect(page.getByRole("button", { name: "Войти" })).toBeEnabled();
    await shot(page, "signin");
    await expectNoSeriousA11yViolations(page, "вход");
  });

  test("a wrong password is refused in Russian and keeps the form", async ({ page, admin }) => {
    await page.goto("/sign-in");
    await submitSignIn(page, { email: admin.email, password: "не-тот-пароль" });
    await expect(page.getByRole("alert")).toHaveText("Неверный адрес или пароль");
    await expect(page).toHaveURL(/\/sign-in$/);
    expect(await tokens(page)).toBeNull();
    await expectNoSeriousA11yViolations(page, "вход с ошибкой");
  });

  test("the right password lands on the projects, a reload keeps the session, «Выйти» ends it", async ({ page, admin }) => {
    await signIn(page, admin);
    await expect(page.getByTitle(admin.email)).toBeVisible();

    await page.reload();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByRole("button", { name: "Выйти" })).toBeVisible();

    await page.getByRole("button", { name: "Выйти" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole("button", { name: "Войти" })).toBeVisible();
    expect(await tokens(page)).toBeNull();

    // Signed out, an application page sends back to the sign-in page, remembering where.
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fprojects$/);
  });

  test("a member with another role signs in too", async ({ page, newUser }) => {
    const viewer = await newUser("viewer");
    await signIn(page, viewer);
    await expect(page.getByText("Администрирование")).toHaveCount(0);
  });
});

test.describe("routes", () => {
  test("an unknown client route is the application, after sign-in at that very place", async ({ page, request, admin }) => {
    const response = await request.get("/projects/999999/whatever");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^text\/html/);
    // The page's own policy: the console watch then fails a test on any violation of it.
    expect(response.headers()["content-security-policy"]).toContain("script-src 'self'");
    expect(await response.text()).toContain('<div id="root">');

    await page.goto("/projects/999999/whatever");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fprojects%2F999999%2Fwhatever$/);
    await submitSignIn(page, admin);
    await expect(page).toHaveURL(/\/projects\/999999\/whatever$/);
    await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  });

  test("an unknown API path stays a JSON problem", async ({ request }) => {
    const response = await request.get("/api/v1/nope");
    expect(response.status()).toBe(404);
    expect(response.headers()["content-type"]).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { status?: number };
    expect(problem.status).toBe(404);
  });
});

test.describe("session tokens", () => {
  test("a broken access token is refreshed without the user noticing", async ({ page, admin }) => {
    await signIn(page, admin);
    const pair = (await tokens(page))!;
    const broken = corrupt(pair.access_token);
    await setTokens(page, { ...pair, access_token: broken });

    await page.reload();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByRole("button", { name: "Выйти" })).toBeVisible();
    const after = (await tokens(page))!;
    expect(after.access_token).not.toBe(broken);
    expect(after.refresh_token).not.toBe(pair.refresh_token); // refresh tokens rotate
  });

  test("when the refresh token is refused too, the session ends at the sign-in page with ?next=", async ({ page, admin }) => {
    await signIn(page, admin);
    const pair = (await tokens(page))!;
    await setTokens(page, { access_token: corrupt(pair.access_token), refresh_token: corrupt(pair.refresh_token) });

    await page.reload();
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fprojects$/);
    await expect(page.getByRole("button", { name: "Войти" })).toBeVisible();
    expect(await tokens(page)).toBeNull();
  });
});
