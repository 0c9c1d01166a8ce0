// Dates, quarters and sizes as a Russian reader writes them. The service's timestamps are UTC;
// they are shown in the browser's time zone.

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "2026-12-07T02:05:56.040Z" → "07.12.2026"; a "YYYY-MM-DD" date is read as that day. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "";
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (plain) return `${plain[3]}.${plain[2]}.${plain[1]}`;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
}

/** "07.12.2026 05:05:56" */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${formatDate(value)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const ROMAN = ["I", "II", "III", "IV"];

/** A quarter as the service writes it ("2025-Q2", or its first day "2025-04-01") → "II кв. 2025". */
export function formatQuarter(value: string | null | undefined): string {
  if (!value) return "";
  const named = /^(\d{4})-Q([1-4])$/.exec(value);
  if (named) return `${ROMAN[Number(named[2]) - 1]} кв. ${named[1]}`;
  const dated = /^(\d{4})-(\d{2})/.exec(value);
  if (!dated) return value;
  const q = Math.floor((Number(dated[2]) - 1) / 3);
  return `${ROMAN[q] ?? "?"} кв. ${dated[1]}`;
}

/** 5322 → "5,2 КБ" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} Б`;
  const units = ["КБ", "МБ", "ГБ"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0).replace(".", ",")} ${units[unit]}`;
}

/** A local calendar day of an <input type="date"> as the UTC instant the audit filter takes. */
export function dayStartUtc(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}

/** The end of that local day (exclusive bound: the next midnight). */
export function dayEndUtc(day: string): string {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + 1);
  return d.toISOString();
}
