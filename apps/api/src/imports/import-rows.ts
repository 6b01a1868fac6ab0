import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type ImportFormat = 'ndjson' | 'csv';

export type ParsedRow =
  | { readonly row: number; readonly value: Record<string, unknown> }
  | { readonly row: number; readonly malformed: string };

/**
 * Rows of an NDJSON or CSV body, one at a time, as they arrive: nothing holds the whole file.
 * Row numbers count data rows from 1 (a CSV header is not a row); blank lines are skipped.
 * CSV is RFC 4180 without line breaks inside quoted fields; every value stays a string.
 */
export async function* importRows(body: Readable, format: ImportFormat): AsyncGenerator<ParsedRow> {
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  let header: string[] | null = null;
  let row = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    if (format === 'csv' && header === null) {
      header = splitCsvLine(line).map((name) => name.trim());
      continue;
    }
    row += 1;
    if (format === 'ndjson') {
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          yield { row, malformed: 'the line is not a JSON object' };
        } else {
          yield { row, value: value as Record<string, unknown> };
        }
      } catch {
        yield { row, malformed: 'the line is not valid JSON' };
      }
      continue;
    }
    const cells = splitCsvLine(line);
    if (cells.length !== header!.length) {
      yield { row, malformed: `expected ${header!.length} columns, found ${cells.length}` };
      continue;
    }
    const value: Record<string, unknown> = {};
    header!.forEach((name, index) => {
      if (cells[index] !== '') value[name] = cells[index];
    });
    yield { row, value };
  }
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells;
}
