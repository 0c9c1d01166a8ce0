import { describe, expect, it } from "vitest";
import { createAuthFetch, type TokenPair, type TokenStore } from "../../src/lib/authFetch";

class Tokens implements TokenStore {
  constructor(public pair: TokenPair | null) {}
  get() {
    return this.pair;
  }
  set(p: TokenPair) {
    this.pair = p;
  }
  clear() {
    this.pair = null;
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

// A service whose valid access token is `valid` and whose refresh token is `r1`.
function service(opts: { refreshOk: boolean; delay?: number }) {
  const log: string[] = [];
  let refreshes = 0;
  const fetch = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === "/api/v1/auth/refresh") {
      refreshes++;
      const body = await request.json();
      log.push(`refresh ${body.refresh_token}`);
      if (opts.delay) await new Promise((r) => setTimeout(r, opts.delay));
      return opts.refreshOk
        ? json(200, { access_token: "valid", refresh_token: "r2" })
        : json(401, { title: "Unauthorized" });
    }
    const auth = request.headers.get("Authorization");
    const body = request.method === "POST" ? await request.text() : "";
    log.push(`${request.method} ${path} ${auth} ${body}`);
    return auth === "Bearer valid" ? json(200, { ok: true }) : json(401, { title: "Unauthorized" });
  };
  return { fetch, log, refreshes: () => refreshes };
}

describe("createAuthFetch", () => {
  it("sends the access token", async () => {
    const s = service({ refreshOk: true });
    const f = createAuthFetch({ fetch: s.fetch, tokens: new Tokens({ access_token: "valid", refresh_token: "r1" }) });
    const r = await f(new Request("http://h/api/v1/projects"));
    expect(r.status).toBe(200);
    expect(s.log).toEqual(["GET /api/v1/projects Bearer valid "]);
  });

  it("on 401 refreshes once and repeats the call with its body", async () => {
    const s = service({ refreshOk: true });
    const tokens = new Tokens({ access_token: "expired", refresh_token: "r1" });
    const f = createAuthFetch({ fetch: s.fetch, tokens });
    const r = await f(new Request("http://h/api/v1/projects", { method: "POST", body: '{"name":"Школа"}' }));
    expect(r.status).toBe(200);
    expect(s.log).toEqual([
      'POST /api/v1/projects Bearer expired {"name":"Школа"}',
      "refresh r1",
      'POST /api/v1/projects Bearer valid {"name":"Школа"}',
    ]);
    expect(tokens.pair).toEqual({ access_token: "valid", refresh_token: "r2" });
  });

  it("shares one refresh among calls that failed at the same time", async () => {
    const s = service({ refreshOk: true, delay: 10 });
    const f = createAuthFetch({ fetch: s.fetch, tokens: new Tokens({ access_token: "expired", refresh_token: "r1" }) });
    const all = await Promise.all([1, 2, 3].map((i) => f(new Request(`http://h/api/v1/estimates/${i}`))));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(s.refreshes()).toBe(1);
  });

  it("when the refresh is refused, forgets the tokens, reports the ended session, returns the 401", async () => {
    const s = service({ refreshOk: false });
    const tokens = new Tokens({ access_token: "expired", refresh_token: "r1" });
    let ended = 0;
    const f = createAuthFetch({ fetch: s.fetch, tokens, onSessionEnded: () => ended++ });
    const r = await f(new Request("http://h/api/v1/projects"));
    expect(r.status).toBe(401);
    expect(tokens.pair).toBeNull();
    expect(ended).toBe(1);
  });

  it("does not retry a second time when the repeated call is refused again", async () => {
    let calls = 0;
    const fetch = async (request: Request) => {
      calls++;
      if (new URL(request.url).pathname === "/api/v1/auth/refresh") return json(200, { access_token: "a2", refresh_token: "r2" });
      return json(401, {});
    };
    const f = createAuthFetch({ fetch, tokens: new Tokens({ access_token: "a1", refresh_token: "r1" }) });
    const r = await f(new Request("http://h/api/v1/projects"));
    expect(r.status).toBe(401);
    expect(calls).toBe(3);
  });

  it("leaves the sign-in call alone", async () => {
    const s = service({ refreshOk: true });
    const f = createAuthFetch({ fetch: s.fetch, tokens: new Tokens(null) });
    const r = await f(new Request("http://h/api/v1/auth/login", { method: "POST", body: "{}" }));
    expect(r.status).toBe(401);
    expect(s.refreshes()).toBe(0);
  });
});
