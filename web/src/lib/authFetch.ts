// The fetch every API call goes through: it adds the access token, and when the service answers
// 401 it exchanges the refresh token for a new pair once — one exchange shared by all calls that
// failed meanwhile — and repeats the call. When the exchange is refused, the session has ended
// (signed out elsewhere, the role changed, the refresh token expired): the tokens are forgotten
// and onSessionEnded is told, so the application goes to the sign-in page keeping the work.

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

export interface TokenStore {
  get(): TokenPair | null;
  set(pair: TokenPair): void;
  clear(): void;
}

export interface AuthFetchOptions {
  fetch: (request: Request) => Promise<Response>;
  tokens: TokenStore;
  /** Path of the refresh operation (POST {refresh_token}). */
  refreshPath?: string;
  onSessionEnded?: () => void;
}

const AUTH_PATHS = ["/api/v1/auth/login", "/api/v1/auth/refresh"];

export function createAuthFetch(options: AuthFetchOptions): (request: Request) => Promise<Response> {
  const refreshPath = options.refreshPath ?? "/api/v1/auth/refresh";
  let refreshing: Promise<boolean> | null = null;

  const withToken = (request: Request, pair: TokenPair | null): Request => {
    if (!pair) return request;
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${pair.access_token}`);
    return new Request(request, { headers });
  };

  const refresh = (origin: string, used: TokenPair): Promise<boolean> => {
    if (!refreshing) {
      refreshing = (async () => {
        const current = options.tokens.get();
        // Another tab or call refreshed already: take its pair.
        if (current && current.access_token !== used.access_token) return true;
        if (!current) return false;
        let response: Response;
        try {
          response = await options.fetch(
            new Request(new URL(refreshPath, origin), {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ refresh_token: current.refresh_token }),
            }),
          );
        } catch {
          return false;
        }
        if (!response.ok) {
          if (response.status === 400 || response.status === 401 || response.status === 403) {
            options.tokens.clear();
            options.onSessionEnded?.();
          }
          return false;
        }
        const pair = (await response.json()) as TokenPair;
        options.tokens.set({ access_token: pair.access_token, refresh_token: pair.refresh_token });
        return true;
      })().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  };

  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (AUTH_PATHS.includes(url.pathname)) return options.fetch(request);
    const pair = options.tokens.get();
    const retry = request.clone();
    const response = await options.fetch(withToken(request, pair));
    if (response.status !== 401 || !pair) {
      if (response.status === 401 && !pair) options.onSessionEnded?.();
      return response;
    }
    const refreshed = await refresh(url.origin, pair);
    if (!refreshed) return response;
    return options.fetch(withToken(retry, options.tokens.get()));
  };
}
