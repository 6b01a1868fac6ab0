import { Readable } from 'node:stream';
import { importRows } from './import-rows';

async function collect(text: string, format: 'ndjson' | 'csv') {
  const rows = [];
  for await (const row of importRows(Readable.from([text]), format)) rows.push(row);
  return rows;
}

describe('import rows', () => {
  it('reads NDJSON line by line, reporting lines that are not objects', async () => {
    expect(await collect('{"a":1}\n\nnot json\n[1]\n{"b":"x"}\n', 'ndjson')).toEqual([
      { row: 1, value: { a: 1 } },
      { row: 2, malformed: 'the line is not valid JSON' },
      { row: 3, malformed: 'the line is not a JSON object' },
      { row: 4, value: { b: 'x' } },
    ]);
  });

  it('reads CSV with a header, quotes and empty cells', async () => {
    expect(
      await collect('name,subject,grade\r\n"Li, ""Wei""",math,7\nZhang,,8\nonly,two\n', 'csv'),
    ).toEqual([
      { row: 1, value: { name: 'Li, "Wei"', subject: 'math', grade: '7' } },
      { row: 2, value: { name: 'Zhang', grade: '8' } },
      { row: 3, malformed: 'expected 3 columns, found 2' },
    ]);
  });
});
