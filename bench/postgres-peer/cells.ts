/**
 * Cell-for-cell comparison of two answers to one question: the product's (ClickHouse, JSON
 * rows) and the peer's (PostgreSQL rows). Rows are matched by their key columns; every other
 * column of either side is a cell, and a map column (by reason, by grade, a school's values)
 * is one cell per entry. Integers must be equal; other numbers equal to 1e-9 relative; NULL
 * equals only NULL; a row or a cell that one side lacks is a mismatch.
 */
export interface CellComparison {
  readonly compared: number;
  readonly equal: number;
  /** The first few differences, each naming the row, the cell and both values. */
  readonly differences: readonly string[];
  /** How many differences there were in all. */
  readonly differing: number;
}

type Scalar = number | string | boolean | null;

const RELATIVE_TOLERANCE = 1e-9;
const SHOWN_DIFFERENCES = 12;
const NUMERIC = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** ClickHouse quotes 64-bit integers, pg returns bigint and numeric as text: read them as numbers. */
function scalar(value: unknown): Scalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return NUMERIC.test(value) ? Number(value) : value;
  if (typeof value === 'bigint') return Number(value);
  return JSON.stringify(value);
}

function cellsOf(
  row: Readonly<Record<string, unknown>>,
  key: readonly string[],
): Map<string, Scalar> {
  const cells = new Map<string, Scalar>();
  for (const [column, value] of Object.entries(row)) {
    if (key.includes(column)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [entry, inner] of Object.entries(value as Record<string, unknown>))
        cells.set(`${column}.${entry}`, scalar(inner));
    } else cells.set(column, scalar(value));
  }
  return cells;
}

export function sameValue(a: Scalar | undefined, b: Scalar | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    if (Number.isInteger(a) && Number.isInteger(b)) return false;
    return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

const show = (value: Scalar | undefined): string =>
  value === undefined ? 'absent' : value === null ? 'NULL' : String(value);

export function compareCells(
  key: readonly string[],
  product: readonly object[],
  peer: readonly object[],
): CellComparison {
  const keyOf = (row: object): string =>
    key.map((column) => show(scalar((row as Record<string, unknown>)[column]))).join(' · ');
  const index = (rows: readonly object[]): Map<string, Map<string, Scalar>> => {
    const byKey = new Map<string, Map<string, Scalar>>();
    for (const row of rows) {
      const rowKey = keyOf(row);
      if (byKey.has(rowKey))
        throw new Error(`two rows answer ${rowKey}: the key does not name a row`);
      byKey.set(rowKey, cellsOf(row as Record<string, unknown>, key));
    }
    return byKey;
  };
  const ours = index(product);
  const theirs = index(peer);
  let compared = 0;
  let equal = 0;
  const differences: string[] = [];
  let differing = 0;
  for (const rowKey of new Set([...ours.keys(), ...theirs.keys()])) {
    const left = ours.get(rowKey) ?? new Map<string, Scalar>();
    const right = theirs.get(rowKey) ?? new Map<string, Scalar>();
    for (const cell of new Set([...left.keys(), ...right.keys()])) {
      compared += 1;
      const [a, b] = [left.get(cell), right.get(cell)];
      if (sameValue(a, b)) equal += 1;
      else {
        differing += 1;
        if (differences.length < SHOWN_DIFFERENCES)
          differences.push(`${rowKey} ${cell}: product ${show(a)}, PostgreSQL ${show(b)}`);
      }
    }
  }
  return { compared, equal, differences, differing };
}
