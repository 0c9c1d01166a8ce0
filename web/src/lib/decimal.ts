// Decimals as the estimator types them and as the service sends them. The service's numbers are
// strings ("12075.74"); the browser never turns them into floating point, it only reformats the
// digits. Input accepts the Russian decimal comma, spaces between thousands and a leading sign.

export type Parsed = { ok: true; value: string } | { ok: false; error: string };

const MAX_INTEGER_DIGITS = 15;
const MAX_FRACTION_DIGITS = 10;
// Spaces Excel and Russian locales put between thousands: space, no-break, narrow no-break, thin.
const GROUP_SPACES = /[ \u00a0\u202f\u2009]/g;

/**
 * Reads a decimal typed by a person: "2,5", "1 234,56", "-0.75", "1.234,5", "1,234.5".
 * Returns the service's form ("1234.56") or a Russian message of what is wrong.
 */
export function parseDecimalInput(text: string): Parsed {
  let s = text.trim().replace(GROUP_SPACES, "");
  if (s === "") return { ok: false, error: "пустое значение" };
  let sign = "";
  if (s[0] === "-" || s[0] === "+" || s[0] === "\u2212") {
    sign = s[0] === "+" ? "" : "-";
    s = s.slice(1);
  }
  const comma = s.lastIndexOf(",");
  const point = s.lastIndexOf(".");
  let integer: string;
  let fraction = "";
  if (comma >= 0 && point >= 0) {
    // Both present: the last one is the decimal separator, the other groups thousands.
    const decimalAt = Math.max(comma, point);
    const group = comma > point ? "." : ",";
    const head = s.slice(0, decimalAt);
    if (!/^\d{1,3}(\d{3})*$/.test(head.split(group).join("")) || !groupedBy3(head, group)) {
      return { ok: false, error: `не число: «${text.trim()}»` };
    }
    integer = head.split(group).join("");
    fraction = s.slice(decimalAt + 1);
  } else {
    const separator = comma >= 0 ? "," : point >= 0 ? "." : "";
    if (separator && s.indexOf(separator) !== s.lastIndexOf(separator)) {
      return { ok: false, error: `не число: «${text.trim()}»` };
    }
    const at = separator ? s.indexOf(separator) : -1;
    integer = at >= 0 ? s.slice(0, at) : s;
    fraction = at >= 0 ? s.slice(at + 1) : "";
  }
  if (integer === "" && fraction === "") return { ok: false, error: `не число: «${text.trim()}»` };
  if (integer === "") integer = "0";
  if (!/^\d+$/.test(integer) || (fraction !== "" && !/^\d+$/.test(fraction))) {
    return { ok: false, error: `не число: «${text.trim()}»` };
  }
  integer = integer.replace(/^0+(?=\d)/, "");
  if (integer.length > MAX_INTEGER_DIGITS) {
    return { ok: false, error: `не больше ${MAX_INTEGER_DIGITS} цифр до запятой` };
  }
  if (fraction.length > MAX_FRACTION_DIGITS) {
    return { ok: false, error: `не больше ${MAX_FRACTION_DIGITS} знаков после запятой` };
  }
  const zero = /^0+$/.test(integer + fraction);
  return { ok: true, value: (zero ? "" : sign) + integer + (fraction ? "." + fraction : "") };
}

function groupedBy3(head: string, group: string): boolean {
  const parts = head.split(group);
  if (parts.length === 1) return true;
  return /^\d{1,3}$/.test(parts[0]) && parts.slice(1).every((p) => /^\d{3}$/.test(p));
}

const NBSP = "\u00a0";

function groupThousands(integer: string): string {
  let out = "";
  for (let i = 0; i < integer.length; i++) {
    if (i > 0 && (integer.length - i) % 3 === 0) out += NBSP;
    out += integer[i];
  }
  return out;
}

/** "12075.74" → "12 075,74" (no-break space between thousands); "" and undefined → "". */
export function formatMoney(value: string | undefined | null): string {
  if (value === undefined || value === null || value === "") return "";
  const negative = value.startsWith("-");
  const digits = negative ? value.slice(1) : value;
  const [integer, fraction] = digits.split(".");
  return (negative ? "−" : "") + groupThousands(integer) + (fraction !== undefined ? "," + fraction : "");
}

/** A quantity or coefficient as a Russian reader expects it: "2.5" → "2,5" (no grouping). */
export function formatDecimal(value: string | undefined | null): string {
  if (value === undefined || value === null) return "";
  return value.replace(".", ",");
}

/** Thousands of roubles for the ОСР/ССР columns stay as the service sends them. */
export function isZeroMoney(value: string | undefined): boolean {
  return !value || /^-?0+(\.0+)?$/.test(value);
}
