import { describe, expect, it } from "vitest";
import { formatDecimal, formatMoney, parseDecimalInput } from "../../src/lib/decimal";

const value = (text: string) => {
  const r = parseDecimalInput(text);
  return r.ok ? r.value : `ERR ${r.error}`;
};

describe("parseDecimalInput", () => {
  it("takes the Russian decimal comma and the point", () => {
    expect(value("2,5")).toBe("2.5");
    expect(value("2.5")).toBe("2.5");
    expect(value(",75")).toBe("0.75");
    expect(value("12")).toBe("12");
  });
  it("drops spaces between thousands, including no-break ones Excel copies", () => {
    expect(value("1 234,56")).toBe("1234.56");
    expect(value("1\u00a0234\u00a0567,5")).toBe("1234567.5");
    expect(value("  3,14  ")).toBe("3.14");
  });
  it("reads grouped numbers with both separators, the last one decimal", () => {
    expect(value("1.234,5")).toBe("1234.5");
    expect(value("1,234.5")).toBe("1234.5");
    expect(value("1.23,5")).toMatch(/^ERR/);
  });
  it("keeps the sign, and the minus sign typography", () => {
    expect(value("-0,5")).toBe("-0.5");
    expect(value("\u22123")).toBe("-3");
    expect(value("+7")).toBe("7");
    expect(value("-0")).toBe("0");
  });
  it("keeps trailing zeros as typed and strips leading ones", () => {
    expect(value("007,50")).toBe("7.50");
  });
  it("refuses what is not a number, with a message", () => {
    expect(value("")).toBe("ERR пустое значение");
    expect(value("abc")).toMatch(/^ERR не число/);
    expect(value("1,2,3")).toMatch(/^ERR не число/);
    expect(value("1e5")).toMatch(/^ERR не число/);
    expect(value("2,5 м")).toMatch(/^ERR не число/);
    for (const lone of ["-", "+", ",", ".", "-,"]) expect(value(lone)).toMatch(/^ERR не число/);
  });
  it("enforces the service's limits of 15 digits and 10 decimals", () => {
    expect(value("1234567890123456")).toMatch(/15 цифр/);
    expect(value("0,12345678901")).toMatch(/10 знаков/);
    expect(value("0,1234567890")).toBe("0.1234567890");
  });
});

describe("formatMoney", () => {
  it("groups thousands with no-break spaces and uses the comma", () => {
    expect(formatMoney("12075.74")).toBe("12\u00a0075,74");
    expect(formatMoney("1234567.00")).toBe("1\u00a0234\u00a0567,00");
    expect(formatMoney("-950.10")).toBe("−950,10");
    expect(formatMoney("0.00")).toBe("0,00");
    expect(formatMoney("100")).toBe("100");
    expect(formatMoney(undefined)).toBe("");
  });
  it("formats quantities with the comma only", () => {
    expect(formatDecimal("1234.5")).toBe("1234,5");
  });
});
