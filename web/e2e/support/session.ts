// Signing in through the page, and the session's tokens as the application keeps them.
import { expect, type Page } from "@playwright/test";
import type { Credentials } from "./service";

/** The application's key in localStorage: JSON {access_token, refresh_token}. */
export const TOKENS_KEY = "estimate.tokens";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** Fills the sign-in form and submits it; does not wait for where it lands. */
export async function submitSignIn(page: Page, who: Credentials): Promise<void> {
  await page.getByLabel("Электронная почта").fill(who.email);
  await page.getByLabel("Пароль").fill(who.password);
  await page.getByRole("button", { name: "Войти" }).click();
}

/** Opens /sign-in (or `next` after it), signs in and waits for the application past the form. */
export async function signIn(page: Page, who: Credentials, next?: string): Promise<void> {
  await page.goto(next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in");
  await submitSignIn(page, who);
  await expect(page).toHaveURL(next ? new RegExp(escapeRegExp(next) + "$") : /\/projects$/);
  await expect(page.getByRole("button", { name: "Выйти" })).toBeVisible();
}

export async function tokens(page: Page): Promise<TokenPair | null> {
  const text = await page.evaluate((key) => localStorage.getItem(key), TOKENS_KEY);
  return text ? (JSON.parse(text) as TokenPair) : null;
}

export async function setTokens(page: Page, pair: TokenPair): Promise<void> {
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [TOKENS_KEY, JSON.stringify(pair)] as const);
}

/** A token that the service cannot verify: the same shape, its signature broken. */
export function corrupt(token: string): string {
  const last = token.at(-1) === "A" ? "B" : "A";
  return token.slice(0, -4) + last.repeat(4);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
