// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes of the document now:
// regenerates into a temporary file and compares (`npm run check:api`, a CTest test).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const document = resolve(web, "../src/api/docs/openapi.json");
const committed = join(web, "src/api/schema.d.ts");
const dir = mkdtempSync(join(tmpdir(), "estimate-schema-"));
try {
  const fresh = join(dir, "schema.d.ts");
  execFileSync(join(web, "node_modules/.bin/openapi-typescript"), [document, "-o", fresh], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (readFileSync(fresh, "utf8") !== readFileSync(committed, "utf8")) {
    console.error("web/src/api/schema.d.ts is stale: run `npm run gen:api` in web/ and commit it");
    process.exit(1);
  }
  console.log("web/src/api/schema.d.ts matches src/api/docs/openapi.json");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
