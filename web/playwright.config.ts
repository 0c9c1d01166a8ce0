// End-to-end tests of the web application against the real service (e2e/global-setup.ts starts
// it on SQLite with web/dist as WEB_ROOT). Debian's Chromium, never a downloaded browser; one
// worker (the machine has two cores, and the service needs one).
import { defineConfig } from "@playwright/test";
import { CHROMIUM } from "./e2e/support/paths";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Date fields and number formats of the browser itself in Russian, as estimators see them.
        "--lang=ru-RU",
      ],
    },
    viewport: { width: 1440, height: 900 },
    locale: "ru-RU",
    timezoneId: "Europe/Moscow",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
