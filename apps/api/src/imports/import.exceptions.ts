import type { ImportReport } from './import.service';

/** The body went past JUNHENG_IMPORT_MAX_BYTES: 413, with the report of the rows read before. */
export class ImportTooLargeException extends Error {
  constructor(
    readonly maxBytes: number,
    readonly report: ImportReport | null,
  ) {
    super(`The import is larger than ${maxBytes} bytes`);
    this.name = 'ImportTooLargeException';
  }
}
