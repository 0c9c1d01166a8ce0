// The real estimate-service, run by the test runner's main process (global-setup.ts): its child,
// on loopback, with a log file. `setpriv --pdeathsig` ties it to the runner, so that no server
// outlives a runner that was killed before its teardown ran.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

export interface Credentials {
  email: string;
  password: string;
}

/** What the global setup hands to the tests (a JSON file named by E2E_STATE). */
export interface ServiceState {
  baseURL: string;
  port: number;
  /** The runner's loopback endpoint that stops and starts the service (POST /stop, /start). */
  controlURL: string;
  /** The temporary folder: database, files, log, this state. */
  dir: string;
  databaseURL: string;
  log: string;
  admin: Credentials;
}

export function readState(): ServiceState {
  const file = process.env.E2E_STATE;
  if (!file) throw new Error("E2E_STATE is not set: the tests run under playwright.config.ts's global setup");
  return JSON.parse(readFileSync(file, "utf8")) as ServiceState;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until GET url answers 200; fails early when `alive()` says the process is gone. */
export async function waitReady(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the service exited before ${url} answered (${last})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (e) {
      last = String((e as Error).message);
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}

/** One `estimate-service serve` that can be stopped and started again on the same port and data. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly bin: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    readonly port: number,
    readonly log: string,
  ) {}

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const args = ["serve", "--host", "127.0.0.1", "--port", String(this.port)];
    const wrapped = existsSync("/usr/bin/setpriv");
    const out = openSync(this.log, "a");
    const child = spawn(wrapped ? "/usr/bin/setpriv" : this.bin, wrapped ? ["--pdeathsig", "TERM", "--", this.bin, ...args] : args, {
      cwd: this.cwd,
      env: this.env,
      stdio: ["ignore", out, out],
    });
    closeSync(out);
    this.child = child;
    this.exited = new Promise((resolveExit) => child.once("exit", () => resolveExit()));
    try {
      await waitReady(`${this.baseURL}/health/ready`, 60_000, () => this.running);
    } catch (e) {
      await this.stop();
      throw new Error(`${(e as Error).message}\n--- ${this.log}:\n${tail(this.log)}`);
    }
  }

  /** SIGTERM (the service finishes its requests), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.running) {
      child.kill("SIGTERM");
      const killed = await Promise.race([this.exited.then(() => false), sleep(10_000).then(() => true)]);
      if (killed) {
        child.kill("SIGKILL");
        await this.exited;
      }
    }
    this.child = null;
  }

  /** For process.on("exit"): synchronous, no waiting. */
  killNow(): void {
    if (this.running) this.child?.kill("SIGKILL");
  }
}
