/**
 * CSV that is safe to open: RFC 4180 quoting, and no cell a spreadsheet would run as a formula.
 * Every CSV Junheng writes goes through `csvCell` (quality.md, "Security and privacy": exports
 * are safe to open).
 */

/**
 * What a spreadsheet reads as the start of a formula (OWASP, CSV injection): `=`, `+`, `-`, `@`,
 * a tab or a carriage return — and a line feed, which some import dialogs treat alike.
 */
const FORMULA_START = /^[=+\-@\t\r\n]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell. Numbers and booleans are written as they are (a negative number stays a number);
 * text that starts like a formula gets a leading `'` — spreadsheets then show it as text — and
 * is quoted, so `=HYPERLINK("http://x","y")` becomes `"'=HYPERLINK(""http://x"",""y"")"`. Lists
 * are joined with spaces, other objects written as JSON, and both are then text like any other.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? value.map((item) => (item === null || item === undefined ? '' : String(item))).join(' ')
        : (JSON.stringify(value) ?? '');
  if (FORMULA_START.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV of rows with the union of their columns, in first-seen order, CRLF line ends. */
export function toCsv(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const column of Object.keys(row))
      if (!seen.has(column)) {
        seen.add(column);
        columns.push(column);
      }
  return [
    columns.map(csvCell).join(','),
    ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(',')),
  ]
    .map((line) => `${line}\r\n`)
    .join('');
}
