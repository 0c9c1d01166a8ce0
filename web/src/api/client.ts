// The typed client of the service's API, generated from its OpenAPI document (schema.d.ts, by
// `npm run gen:api`), over the fetch that signs calls in and refreshes the session (authFetch).
import createClient from "openapi-fetch";
import { createAuthFetch, type TokenPair, type TokenStore } from "../lib/authFetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Role = Schemas["Role"];

const TOKENS_KEY = "estimate.tokens";

/** Tokens live in localStorage so that every tab shares the session and a reload keeps it. */
export const tokenStore: TokenStore = {
  get() {
    const text = localStorage.getItem(TOKENS_KEY);
    if (!text) return null;
    try {
      return JSON.parse(text) as TokenPair;
    } catch {
      return null;
    }
  },
  set(pair) {
    localStorage.setItem(TOKENS_KEY, JSON.stringify(pair));
  },
  clear() {
    localStorage.removeItem(TOKENS_KEY);
  },
};

type Listener = () => void;
const sessionEndedListeners = new Set<Listener>();

/** Called when the service refused the session (signed out elsewhere, role changed, expired). */
export function onSessionEnded(listener: Listener): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

export const authFetch = createAuthFetch({
  fetch: (request) => globalThis.fetch(request),
  tokens: tokenStore,
  onSessionEnded: () => sessionEndedListeners.forEach((l) => l()),
});

export const api = createClient<paths>({ baseUrl: "", fetch: authFetch });

/** A refused call: the problem document's text in Russian context. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly title: string,
  ) {
    super(detail || title || `HTTP ${status}`);
  }
}

export function problemText(status: number, error: unknown): string {
  const p = (error ?? {}) as Partial<Schemas["Problem"]>;
  const detail = p.detail || p.title || "";
  switch (status) {
    case 403:
      return `Недостаточно прав: ${detail || "действие не разрешено вашей роли"}`;
    case 404:
      return `Не найдено: ${detail}`;
    case 409:
      return `Конфликт: ${detail}`;
    case 412:
      return `Смета уже изменена другим пользователем: ${detail}`;
    case 429:
      return "Слишком много запросов — подождите немного";
    default:
      return detail || `Ошибка ${status}`;
  }
}

/** The data of an openapi-fetch result, or an ApiError with the problem's text. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined && result.response.ok) return result.data;
  if (result.response.ok) return undefined as T;
  const p = (result.error ?? {}) as Partial<Schemas["Problem"]>;
  throw new ApiError(result.response.status, problemText(result.response.status, result.error), p.title ?? "");
}

/** Downloads a file the API makes (exports), with the session's token. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await authFetch(new Request(new URL(path, location.origin)));
  if (!response.ok) {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    throw new ApiError(response.status, problemText(response.status, body), "");
  }
  await saveFile(response, fallbackName);
}

/** Saves a file answer under the name its Content-Disposition gives (else `fallbackName`). */
export async function saveFile(response: Response, fallbackName: string): Promise<void> {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
