// Starts the real service for the end-to-end tests, once per `playwright test`: a fresh SQLite
// database in a temporary folder, migrated, with the demo normative base and the first admin,
// serving the built web application (WEB_ROOT = web/dist) on a free loopback port. The tests
// find it through the JSON file named by E2E_STATE (support/service.ts: ServiceState).
//
// The service is this process's child. A small control endpoint on loopback lets a test stop it
// and start it again on the same port and database (support/fixtures.ts: `service`), since the
// tests run in worker processes. The returned function is the global teardown; an exit hook and
// setpriv's parent-death signal stop the service when the runner dies without it.
// ESTIMATE_TEST_DATABASE_URL is ignored on purpose: these tests are about the browser and HTTP,
// and always run on their own SQLite file.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_BASE, DEMO_BASE_NAME, XSD_DIR, serviceBinary, webDist } from "./support/paths";
import { startFakePortal } from "./support/fake-fgis";
import { freePort, ServiceProcess, type ServiceState } from "./support/service";

const ADMIN_EMAIL = "admin@example.com";

function serviceEnv(dir: string, port: number, dist: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    LANG: "C.UTF-8",
    NODE_ENV: "test",
    PORT: String(port),
    DATABASE_URL: `sqlite://${join(dir, "e2e.db")}`,
    // Two different secrets of 32+ bytes, as production would demand.
    JWT_SECRET: "e2e-access-token-secret-0123456789abcdefghijklmnop",
    JWT_REFRESH_SECRET: "e2e-refresh-token-secret-9876543210zyxwvutsrqponm",
    WEB_ROOT: dist,
    STORAGE_PATH: join(dir, "files"),
    RATE_LIMIT_LIMIT: "100000",
    // export-jobs.spec.ts posts the 10,000-position document (25 MB), as integrators do.
    UPLOAD_MAX_SIZE: "64mb",
    LOG_LEVEL: "warn",
    PROMETHEUS_ENABLED: "false",
  };
  if (existsSync(XSD_DIR)) env.GGE_XSD_DIR = XSD_DIR;
  return env;
}

/** A copy of a price folder (ФГИС ЦС answers) with every price 10 % higher, rounded half up to kopecks. */
function dearerPrices(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  const dearer = (text: string) => {
    const kopecks = BigInt(text.replace(".", "").padEnd(text.indexOf(".") < 0 ? text.length + 2 : 0, "0"));
    return ((kopecks * 11n + 5n) / 10n).toString().replace(/(\d\d)$/, ".$1");
  };
  const prices = JSON.parse(readFileSync(join(from, "current_prices.json"), "utf8"));
  for (const group of prices.items) for (const item of group.items) item.estimatedPrice = dearer(item.estimatedPrice);
  writeFileSync(join(to, "current_prices.json"), JSON.stringify(prices));
  const salaries = JSON.parse(readFileSync(join(from, "worker_salary.json"), "utf8"));
  for (const item of salaries.items) item.salary = dearer(item.salary);
  writeFileSync(join(to, "worker_salary.json"), JSON.stringify(salaries));
}

function cli(bin: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): string {
  try {
    return execFileSync(bin, args, { env, cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`estimate-service ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

/** POST /stop and POST /start, for the tests' `service` fixture; nothing else. */
function controlServer(service: ServiceProcess): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const act = request.method === "POST" && request.url === "/stop" ? () => service.stop()
      : request.method === "POST" && request.url === "/start" ? () => service.start()
      : null;
    if (!act) {
      response.writeHead(404).end();
      return;
    }
    act().then(
      () => response.writeHead(204).end(),
      (e: Error) => response.writeHead(500, { "Content-Type": "text/plain" }).end(e.message),
    );
  });
  return new Promise((resolveServer) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolveServer({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = serviceBinary();
  const dist = webDist();
  const dir = mkdtempSync(join(tmpdir(), "estimate-e2e-"));
  mkdirSync(join(dir, "files"));
  const port = await freePort();
  const env = serviceEnv(dir, port, dist);
  const passwordFile = join(dir, "admin-password.txt");

  cli(bin, ["migrate"], env, dir);
  // The demo base with a second price level, 2025-Q3 (its prices 10 % above 2025-Q2's), for
  // re-pricing an estimate into another quarter (assistant.spec.ts).
  const q3 = join(dir, "prices_28_1_2025-Q3");
  dearerPrices(join(DEMO_BASE, "prices_28_1_2025-Q2"), q3);
  cli(bin, ["import", DEMO_BASE, q3, "--skip-if-loaded", "--name", DEMO_BASE_NAME], env, dir);
  cli(bin, ["user", "ensure-admin", "--email", ADMIN_EMAIL, "--password-file", passwordFile], env, dir);
  // The collector's portal (collector.spec.ts): region 28's next quarter, IV кв. 2025.
  const portal = await startFakePortal(q3);
  env.FGIS_BASE_URL = portal.url;
  env.FGIS_ATTEMPTS = "1";
  env.FGIS_REQUESTS_PER_SECOND = "5";
  env.COLLECTOR_DIR = join(dir, "collector");
  const password = readFileSync(passwordFile, "utf8").split("\n")[0].trim();

  const service = new ServiceProcess(bin, env, dir, port, join(dir, "service.log"));
  const onExit = () => service.killNow();
  process.on("exit", onExit);
  await service.start();
  const control = await controlServer(service);

  const state: ServiceState = {
    baseURL: service.baseURL,
    port,
    controlURL: control.url,
    dir,
    databaseURL: env.DATABASE_URL!,
    log: service.log,
    admin: { email: ADMIN_EMAIL, password },
  };
  const stateFile = join(dir, "state.json");
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  process.env.E2E_STATE = stateFile;

  return async () => {
    await new Promise<void>((r) => control.server.close(() => r()));
    await new Promise<void>((r) => portal.server.close(() => r()));
    await service.stop();
    process.off("exit", onExit);
    // E2E_KEEP=1 keeps the folder (database, service.log) to look at after a failure.
    if (process.env.E2E_KEEP) console.log(`e2e: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
