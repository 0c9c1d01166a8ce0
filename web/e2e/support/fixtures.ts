// The tests' `test` and `expect`: Playwright's, with the running service (global-setup.ts) as
// baseURL, its admin's credentials, an API client signed in as the admin, new users by role,
// control over the service (stop, start), and a watch on the browser's console — an uncaught
// error or a console error (a CSP violation among them) fails the test.
import { existsSync, readFileSync, statSync } from "node:fs";
import { test as base, expect, type ConsoleMessage } from "@playwright/test";
import { Api, type Role } from "./api";
import { readState, type Credentials, type ServiceState } from "./service";

export { expect };

export interface ConsoleWatch {
  /** Errors seen so far ("console: …", "pageerror: …"). */
  readonly errors: string[];
  /** Lets console errors matching `pattern` pass in this test (say why where it is called). */
  allow(pattern: RegExp): void;
}

export interface ServiceControl {
  /** Stops the service (SIGTERM): the API refuses connections until start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and database and waits for /health/ready. */
  start(): Promise<void>;
}

export interface User extends Credentials {
  id: number;
  role: Role;
}

interface TestFixtures {
  consoleWatch: ConsoleWatch;
  /** Attaches what the service logged during a test that failed (LOG_LEVEL=warn). */
  serviceLog: void;
  service: ServiceControl;
  /** The admin, signed in over the API. */
  adminApi: Api;
  /** Creates a member of the admin's organization with the role, e.g. newUser("viewer"). */
  newUser: (role: Role) => Promise<User>;
}

interface WorkerFixtures {
  serviceState: ServiceState;
  admin: Credentials;
}

// A failed API call is the page's business (it shows a message, or refreshes the session), not
// an error of the page: Chromium logs every 4xx answer as "Failed to load resource".
function expectedNetworkNoise(message: ConsoleMessage): boolean {
  const url = message.location().url ?? "";
  return /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) && /\/api\/v1\//.test(url);
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serviceState: [async ({}, use) => use(readState()), { scope: "worker" }],
  admin: [async ({ serviceState }, use) => use(serviceState.admin), { scope: "worker" }],
  baseURL: async ({ serviceState }, use) => use(serviceState.baseURL),

  consoleWatch: [
    async ({}, use) => {
      const allowed: RegExp[] = [];
      const errors: string[] = [];
      await use({ errors, allow: (pattern) => allowed.push(pattern) });
      const unexpected = errors.filter((e) => !allowed.some((p) => p.test(e)));
      expect(unexpected, `the browser reported errors:\n${unexpected.join("\n")}`).toEqual([]);
    },
    { auto: true },
  ],

  serviceLog: [
    async ({ serviceState }, use, testInfo) => {
      const size = () => (existsSync(serviceState.log) ? statSync(serviceState.log).size : 0);
      const from = size();
      await use();
      if (testInfo.status !== testInfo.expectedStatus && size() > from) {
        const text = readFileSync(serviceState.log).subarray(from).toString("utf8");
        await testInfo.attach("service.log", { body: text, contentType: "text/plain" });
      }
    },
    { auto: true },
  ],

  context: async ({ context, consoleWatch }, use) => {
    context.on("console", (message) => {
      if (message.type() !== "error" || expectedNetworkNoise(message)) return;
      const where = message.location().url ? ` (${message.location().url})` : "";
      consoleWatch.errors.push(`console: ${message.text()}${where}`);
    });
    context.on("weberror", (error) => consoleWatch.errors.push(`pageerror: ${error.error().stack ?? error.error().message}`));
    await use(context);
  },

  service: async ({ serviceState, consoleWatch }, use) => {
    let stopped = false;
    const call = async (what: "stop" | "start") => {
      const response = await fetch(`${serviceState.controlURL}/${what}`, { method: "POST" });
      if (response.status !== 204) throw new Error(`service ${what}: ${response.status} ${await response.text()}`);
    };
    await use({
      async stop() {
        // While it is down, the page's calls fail to connect: that is what such a test is about.
        consoleWatch.allow(/ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET|status of 50[23]/);
        stopped = true;
        await call("stop");
      },
      async start() {
        await call("start");
        stopped = false;
      },
    });
    // The next test finds the service running whatever happened in this one.
    if (stopped) await call("start");
  },

  adminApi: async ({ serviceState }, use) => use(await Api.signIn(serviceState.baseURL, serviceState.admin)),

  newUser: async ({ adminApi }, use) => use((role) => adminApi.createUser(role)),
});
