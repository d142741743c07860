import type { PrintedTable } from './report-tables.js';

/** The lines above the tables: report, province, period, date, and what "<5" and "*" mean. */
export interface ExportHeading {
  title: string;
  lines: string[];
}

/** Byte order mark: Excel reads a CSV as UTF-8 (Vietnamese intact) only when it starts with one. */
const BOM = '\uFEFF';

/** A spreadsheet would run a cell starting with these as a formula; a quote mark keeps it text. */
const FORMULA_START = /^[=+\-@\t\r]/;
const safeText = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s);
const csvCell = (s: string) => {
  const v = safeText(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

/** CSV (RFC 4180, CRLF) in UTF-8 with a BOM: the heading, then each table under its title. */
export function toCsv(heading: ExportHeading, tables: PrintedTable[]): Buffer {
  const lines: string[][] = [[heading.title], ...heading.lines.map((l) => [l])];
  for (const table of tables) lines.push([], [table.title], table.head, ...table.rows);
  return Buffer.from(BOM + lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');
}

/** A shown figure as a spreadsheet value: a number when it is one, else the text ("<5", "*"). */
const cellValue = (s: string): string | number => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : safeText(s));

/** XLSX: the figures on one sheet (heading, then each table), the quoted opinions on another. */
export async function toXlsx(heading: ExportHeading, tables: PrintedTable[], quotes: PrintedTable | null, sheetNames: { figures: string; quotes: string }): Promise<Buffer> {
  // Loaded when a spreadsheet is first asked for: it is half a second of every start otherwise.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'Hộp Thư Xanh';
  const sheet = book.addWorksheet(sheetNames.figures.slice(0, 31));
  sheet.addRow([heading.title]).font = { bold: true, size: 14 };
  for (const line of heading.lines) sheet.addRow([line]);
  for (const table of tables) {
    sheet.addRow([]);
    sheet.addRow([table.title]).font = { bold: true, size: 12 };
    sheet.addRow(table.head).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map(cellValue));
  }
  sheet.getColumn(1).width = 42;
  for (let i = 2; i <= 14; i++) sheet.getColumn(i).width = 14;
  if (quotes) {
    const q = book.addWorksheet(sheetNames.quotes.slice(0, 31));
    q.addRow(quotes.head).font = { bold: true };
    for (const row of quotes.rows) q.addRow(row.map(safeText));
    q.getColumn(1).width = 30;
    q.getColumn(2).width = 100;
    q.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
