// Where things are, for the end-to-end tests and their harness. Every path is absolute, so that
// the tests behave the same from web/ (npx playwright test) and from CTest (tests/web/e2e.sh).
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REPO_ROOT = resolve(WEB_DIR, "..");

/** The service under test: CTest passes the binary of its build dir; by hand, build/. */
export function serviceBinary(): string {
  const bin = process.env.ESTIMATE_BIN ?? resolve(REPO_ROOT, "build", "estimate-service");
  if (!existsSync(bin)) {
    throw new Error(`${bin} does not exist: build the service (make build) or set ESTIMATE_BIN`);
  }
  return resolve(bin);
}

/** The built web application the service serves (WEB_ROOT). */
export function webDist(): string {
  const dist = resolve(process.env.WEB_DIST ?? resolve(WEB_DIR, "dist"));
  if (!existsSync(resolve(dist, "index.html"))) {
    throw new Error(`${dist}/index.html does not exist: build the web application (make build, or cd web && npm run build)`);
  }
  return dist;
}

/** Where shot() writes: the repository's docs/screens unless E2E_SCREENS_DIR says otherwise. */
export const SCREENS_DIR = resolve(process.env.E2E_SCREENS_DIR ?? resolve(REPO_ROOT, "docs", "screens"));

export const DEMO_BASE = resolve(REPO_ROOT, "demo", "base");
export const DEMO_BASE_NAME = "Демо-база ФСНБ-2022";
export const XSD_DIR = resolve(REPO_ROOT, "..", "shared", "samples", "xsd");

/** Debian's Chromium; Playwright never downloads a browser here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
