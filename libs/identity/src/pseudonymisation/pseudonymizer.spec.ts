import { Pseudonymizer } from './pseudonymizer';

describe('pseudonymisation', () => {
  const key = Buffer.alloc(32, 9);
  const pseudonymizer = new Pseudonymizer(key, 'k1');
  const studentNumber = 'G440311201509150021';

  it('gives a person one stable pseudonym that does not contain the identifier', () => {
    const pseudonym = pseudonymizer.pseudonymize('student', studentNumber);
    expect(pseudonym).toMatch(/^k1\.[A-Za-z0-9_-]{43}$/);
    expect(pseudonym).not.toContain('440311201509150021');
    expect(pseudonymizer.pseudonymize('student', ` ${studentNumber.toLowerCase()} `)).toBe(
      pseudonym,
    );
  });

  it('gives a 学籍号 one pseudonym whichever letter, case or none it is written with', () => {
    const pseudonym = pseudonymizer.pseudonymize('student', studentNumber);
    for (const written of [
      '440311201509150021',
      'g440311201509150021',
      'L440311201509150021',
      'j440311201509150021',
    ]) {
      expect(pseudonymizer.pseudonymize('student', written)).toBe(pseudonym);
    }
    // A teacher's ID number has no letter: nothing is dropped from it.
    expect(pseudonymizer.pseudonymize('teacher', '44031119850715002X')).not.toBe(
      pseudonymizer.pseudonymize('teacher', '4031119850715002X'),
    );
  });

  it('separates students from teachers and one key from another', () => {
    const asStudent = pseudonymizer.pseudonymize('student', studentNumber);
    expect(pseudonymizer.pseudonymize('teacher', studentNumber)).not.toBe(asStudent);
    expect(
      new Pseudonymizer(Buffer.alloc(32, 8), 'k2').pseudonymize('student', studentNumber),
    ).not.toBe(asStudent);
  });

  it('refuses short keys', () => {
    expect(() => new Pseudonymizer(Buffer.alloc(16), 'k1')).toThrow('at least 32 bytes');
  });
});

describe('keyed digests', () => {
  it('depend on the key, so a guess cannot be checked without it', () => {
    const text = '{"teacher":"44031119850715002X"}';
    const digest = new Pseudonymizer(Buffer.alloc(32, 1), 'k1').keyedDigest(text);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(new Pseudonymizer(Buffer.alloc(32, 1), 'k1').keyedDigest(text)).toBe(digest);
    expect(new Pseudonymizer(Buffer.alloc(32, 2), 'k1').keyedDigest(text)).not.toBe(digest);
  });
});
