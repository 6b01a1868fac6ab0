import { issueApiKey, parseApiKey, secretMatches } from './api-keys';

describe('API keys', () => {
  it('issues keys whose secret only the holder knows: the store keeps a hash', () => {
    const issued = issueApiKey();
    const parsed = parseApiKey(issued.key);
    expect(parsed?.id).toBe(issued.id);
    expect(issued.secretHash).not.toContain(parsed!.secret);
    expect(secretMatches(parsed!.secret, issued.secretHash)).toBe(true);
    expect(secretMatches(`${parsed!.secret.slice(0, -1)}x`, issued.secretHash)).toBe(false);
    expect(issueApiKey().key).not.toBe(issued.key);
  });

  it('refuses anything that is not a key', () => {
    expect(parseApiKey('jhk_short_x')).toBeNull();
    expect(parseApiKey('Bearer abc')).toBeNull();
  });
});
