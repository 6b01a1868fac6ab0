export type ImportFormat = 'ndjson' | 'csv';

export type ParsedRow =
  | { readonly row: number; readonly value: Record<string, unknown> }
  | { readonly row: number; readonly malformed: string };

/** The longest line a row may be: rows are a few hundred bytes; a megabyte line is not a row. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Line = { readonly text: string } | { readonly fault: string };

/**
 * The body's lines as they arrive, holding at most one line of at most `maxLineBytes`: a longer
 * line is skipped to its end (never buffered) and reported, as is a line that is not UTF-8.
 * A trailing CR (CRLF files) is dropped.
 */
export async function* bodyLines(
  body: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let length = 0;
  let overlong = false;
  const finish = (): Line => {
    const line = overlong
      ? { fault: `the line is longer than ${maxLineBytes} bytes` }
      : decode(Buffer.concat(parts, length));
    parts = [];
    length = 0;
    overlong = false;
    return line;
  };
  for await (const chunk of body) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (;;) {
      const newline = buffer.indexOf(0x0a);
      const piece = newline === -1 ? buffer : buffer.subarray(0, newline);
      if (!overlong) {
        if (length + piece.length > maxLineBytes) {
          overlong = true;
          parts = [];
          length = 0;
        } else if (piece.length > 0) {
          parts.push(piece);
          length += piece.length;
        }
      }
      if (newline === -1) break;
      yield finish();
      buffer = buffer.subarray(newline + 1);
    }
  }
  if (overlong || length > 0) yield finish();
}

function decode(bytes: Buffer): Line {
  const end =
    bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  try {
    return { text: UTF8.decode(bytes.subarray(0, end)) };
  } catch {
    return { fault: 'the line is not valid UTF-8' };
  }
}

/**
 * Rows of an NDJSON or CSV body, one at a time, as they arrive: nothing holds the whole file.
 * Row numbers count data rows from 1 (a CSV header is not a row); blank lines are skipped.
 * CSV is RFC 4180 without line breaks inside quoted fields; every value stays a string.
 */
export async function* importRows(
  body: AsyncIterable<Buffer | string>,
  format: ImportFormat,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<ParsedRow> {
  let header: string[] | null = null;
  let row = 0;
  for await (const line of bodyLines(body, maxLineBytes)) {
    if ('text' in line && line.text.trim() === '') continue;
    if (format === 'csv' && header === null) {
      if ('fault' in line) throw new ImportHeaderError(line.fault);
      header = splitCsvLine(line.text).map((name) => name.trim());
      continue;
    }
    row += 1;
    if ('fault' in line) {
      yield { row, malformed: line.fault };
      continue;
    }
    if (format === 'ndjson') {
      try {
        const value: unknown = JSON.parse(line.text);
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
    const cells = splitCsvLine(line.text);
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

/** An import body larger than the limit: the import stops where the limit was reached. */
export class ImportTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The import is larger than ${maxBytes} bytes`);
    this.name = 'ImportTooLargeError';
  }
}

/** The body's chunks, refusing (ImportTooLargeError) past `maxBytes` in all. */
export async function* atMost(
  body: AsyncIterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<Buffer | string> {
  let seen = 0;
  for await (const chunk of body) {
    seen += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (seen > maxBytes) throw new ImportTooLargeError(maxBytes);
    yield chunk;
  }
}

/** A CSV whose header cannot be read: no row can be. */
export class ImportHeaderError extends Error {
  constructor(reason: string) {
    super(`The CSV header cannot be read: ${reason}`);
    this.name = 'ImportHeaderError';
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
