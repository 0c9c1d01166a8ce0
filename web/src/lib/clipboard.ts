// The clipboard as Excel and LibreOffice write it: rows separated by CR LF (or LF), cells by tabs,
// a cell with a tab, a line break or a quote wrapped in quotes with quotes doubled.

/** Parses Excel's text/plain into rows of cells; the trailing line break Excel adds is dropped. */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  let atCellStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
      i++;
      continue;
    }
    if (c === "\t") {
      row.push(cell);
      cell = "";
      atCellStart = true;
      i++;
      continue;
    }
    if (c === "\r" || c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      atCellStart = true;
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    cell += c;
    atCellStart = false;
    i++;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function quote(cell: string): string {
  return /[\t\r\n"]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Rows of cells as Excel reads them from the clipboard. */
export function toTsv(rows: string[][]): string {
  return rows.map((r) => r.map(quote).join("\t")).join("\r\n") + "\r\n";
}
