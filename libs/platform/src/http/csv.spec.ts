import { csvCell, toCsv } from './csv';

describe('CSV cells', () => {
  it('neutralise text a spreadsheet would run as a formula: a leading quote, and quoted', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('@SUM(1)')).toBe(`"'@SUM(1)"`);
    expect(csvCell('+1+1')).toBe(`"'+1+1"`);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('\t=1')).toBe(`"'\t=1"`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('\n=1')).toBe(`"'\n=1"`);
    // A negative number written as text is text, and neutralised like any other.
    expect(csvCell('-3')).toBe(`"'-3"`);
  });

  it('keep numbers and booleans as they are, negative numbers included', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(-0.25)).toBe('-0.25');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quote text with commas, quotes or line breaks (RFC 4180) and leave plain text alone', () => {
    expect(csvCell('百校扶百校专项经费')).toBe('百校扶百校专项经费');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    // A formula sign inside the text is harmless.
    expect(csvCell('1=1')).toBe('1=1');
    expect(csvCell('a@b')).toBe('a@b');
  });

  it('treat lists and objects as text, so a list starting with a formula is neutralised too', () => {
    expect(csvCell(['junior-dropout-not-below-2', 'school-dropout-above-4'])).toBe(
      'junior-dropout-not-below-2 school-dropout-above-4',
    );
    expect(csvCell(['=1+1', 'x'])).toBe(`"'=1+1 x"`);
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('make a whole CSV of the union of the rows’ columns, header included', () => {
    expect(
      toCsv([
        { unit: '440311', value: -1.5, name: '=cmd|" /C calc"!A0' },
        { unit: '440305', rules: ['a', 'b'], '@column': 1 },
      ]),
    ).toBe(
      'unit,value,name,rules,"\'@column"\r\n' +
        `440311,-1.5,"'=cmd|"" /C calc""!A0",,\r\n` +
        '440305,,,a b,1\r\n',
    );
    expect(toCsv([])).toBe('\r\n');
  });
});
