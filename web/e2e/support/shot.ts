// Screenshots of the main screens for docs/screens/, at the tests' viewport (1440×900): someone
// looks at each one when the screen changes.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { SCREENS_DIR } from "./paths";

export async function shot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot name «${name}»: lower-case letters, digits and dashes`);
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  // Fonts loaded and no blinking caret, so that the picture shows the screen and not a moment.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, fullPage: false, animations: "disabled", caret: "hide" });
  return path;
}
