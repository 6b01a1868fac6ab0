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

describe('import lines', () => {
  it('reports a line over the limit without holding it, and reads the lines after it', async () => {
    const huge = 'x'.repeat(10_000);
    // The long line arrives in many small chunks, as a slow upload would send it.
    const chunks = ['{"a":1}\n{"b":"', ...huge.match(/.{1,100}/g)!, '"}\n{"c":3}\n'];
    const rows = [];
    for await (const row of importRows(Readable.from(chunks), 'ndjson', 1_000)) rows.push(row);
    expect(rows).toEqual([
      { row: 1, value: { a: 1 } },
      { row: 2, malformed: 'the line is longer than 1000 bytes' },
      { row: 3, value: { c: 3 } },
    ]);
  });

  it('reports a line that is not UTF-8, and splits lines inside multi-byte characters', async () => {
    const text = Buffer.from('{"name":"光明"}\n', 'utf8');
    const chunks = [
      text.subarray(0, 11),
      text.subarray(11),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]),
    ];
    const rows = [];
    for await (const row of importRows(Readable.from(chunks), 'ndjson')) rows.push(row);
    expect(rows).toEqual([
      { row: 1, value: { name: '光明' } },
      { row: 2, malformed: 'the line is not valid UTF-8' },
    ]);
  });
});
