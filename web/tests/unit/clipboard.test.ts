import { describe, expect, it } from "vitest";
import { parseTsv, toTsv } from "../../src/lib/clipboard";

describe("parseTsv (Excel's clipboard text)", () => {
  it("reads a column of quantities with Excel's CR LF and the trailing line break", () => {
    expect(parseTsv("2,5\r\n10\r\n0,75\r\n")).toEqual([["2,5"], ["10"], ["0,75"]]);
  });
  it("reads a rectangle", () => {
    expect(parseTsv("1\t2\n3\t4\n")).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });
  it("keeps empty cells", () => {
    expect(parseTsv("1\t\t3\r\n\t5\t\r\n")).toEqual([
      ["1", "", "3"],
      ["", "5", ""],
    ]);
  });
  it("reads quoted cells with line breaks, tabs and doubled quotes", () => {
    expect(parseTsv('"Кладка\r\nстен"\t"a\tb"\r\n"он сказал ""да"""\tx\r\n')).toEqual([
      ["Кладка\r\nстен", "a\tb"],
      ['он сказал "да"', "x"],
    ]);
  });
  it("reads text without a trailing line break and a single cell", () => {
    expect(parseTsv("42")).toEqual([["42"]]);
    expect(parseTsv("")).toEqual([]);
  });
  it("leaves a quote inside a cell as it is", () => {
    expect(parseTsv('5"\t6\n')).toEqual([['5"', "6"]]);
  });
  it("round-trips what it writes", () => {
    const rows = [["a\tb", 'c"d'], ["е\nж", "з"]];
    expect(parseTsv(toTsv(rows))).toEqual(rows);
  });
});
