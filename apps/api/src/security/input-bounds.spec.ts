import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';

const API_SOURCE = join(__dirname, '..');
/** Every file that declares request shapes: bodies (`.dto`), queries and GraphQL arguments. */
const REQUEST_SHAPES = /\.(dto|args|query)\.ts$/;

async function requestShapeClasses(): Promise<Array<{ file: string; shape: new () => object }>> {
  const files = readdirSync(API_SOURCE, { recursive: true, encoding: 'utf8' }).filter((file) =>
    REQUEST_SHAPES.test(file),
  );
  const modules = await Promise.all(
    files.map(async (file) => ({
      file,
      exported: (await import(join(API_SOURCE, file))) as Record<string, unknown>,
    })),
  );
  return modules.flatMap(({ file, exported }) =>
    Object.values(exported)
      .filter((value): value is new () => object => typeof value === 'function')
      .map((shape) => ({ file, shape })),
  );
}

/** The class-validator rules on each field of a request shape, by name (`isInt`, `max`, …). */
function rulesByField(shape: new () => object): Map<string, Set<string>> {
  const byField = new Map<string, Set<string>>();
  for (const { propertyName, name, type } of getMetadataStorage().getTargetValidationMetadatas(
    shape,
    '',
    true,
    false,
  )) {
    const rules = byField.get(propertyName) ?? new Set<string>();
    rules.add(name ?? type);
    byField.set(propertyName, rules);
  }
  return byField;
}

/**
 * Every number a request may carry is bounded to its column and to a sensible domain maximum
 * (issue 13: a conditions report of 4,294,967,297 pupils wrapped to 1 in ClickHouse's UInt32).
 * A numeric field without an upper bound fails here, for any shape added later.
 */
describe('request shapes', () => {
  let shapes: Awaited<ReturnType<typeof requestShapeClasses>>;
  beforeAll(async () => {
    shapes = await requestShapeClasses();
  });

  it('are found (the scan is not vacuous)', () => {
    expect(shapes.length).toBeGreaterThan(20);
  });

  it('bound every numeric field from above', () => {
    const unbounded: string[] = [];
    let numericFields = 0;
    for (const { file, shape } of shapes) {
      for (const [property, kinds] of rulesByField(shape)) {
        if (!kinds.has('isInt') && !kinds.has('isNumber')) continue;
        numericFields += 1;
        if (!kinds.has('max') && !kinds.has('isIn'))
          unbounded.push(`${file} ${shape.name}.${property}`);
      }
    }
    expect(numericFields).toBeGreaterThan(20);
    expect(unbounded).toEqual([]);
  });

  it('bound every date and instant to what the analytics columns hold', () => {
    // ClickHouse's Date clamps what it cannot hold (1960 becomes 1970, 2200 becomes 2149)
    // instead of refusing it, so an unbounded date would be recorded and then shown wrong.
    const unbounded: string[] = [];
    let dateFields = 0;
    for (const { file, shape } of shapes) {
      for (const [property, kinds] of rulesByField(shape)) {
        if (!/(^date$|Date$|On$|^asOf$|^from$|^to$)/.test(property)) continue;
        dateFields += 1;
        if (!kinds.has('isRecordDate') && !kinds.has('isBoundedInstant')) {
          unbounded.push(`${file} ${shape.name}.${property}`);
        }
      }
    }
    expect(dateFields).toBeGreaterThan(14);
    expect(unbounded).toEqual([]);
  });
});
