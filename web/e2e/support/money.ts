// Money and decimals as the screen shows them, from the service's strings: the tests compare
// text on screen with figures of the API through the application's own formatter.
import { formatDecimal, formatMoney } from "../../src/lib/decimal";

/** "12075.74" → "12 075,74" (no-break spaces), exactly as the totals and the grid show it. */
export function moneyText(value: string): string {
  return formatMoney(value);
}

/** "2.5" → "2,5": a quantity or coefficient as shown. */
export function decimalText(value: string): string {
  return formatDecimal(value);
}

/** A value typed by a person with the decimal comma: "2.5" → "2,5". */
export function typedDecimal(value: string): string {
  return value.replace(".", ",");
}

/** The totals' keys the editor shows as [data-total=…]. */
export const TOTAL_KEYS = [
  "ot", "em", "otm", "m", "equipment", "fot", "overhead", "profit", "direct", "total", "construction", "installation",
] as const;
export type TotalKey = (typeof TOTAL_KEYS)[number];
