import { describe, expect, test } from 'vitest';
import { base32Decode, base32Encode, hotp, totpCode, verifyTotp } from './totp.js';

// RFC 6238 appendix B test secret: ASCII "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP', () => {
  test('matches the RFC 4226 HOTP vectors', () => {
    expect([0, 1, 2, 9].map((c) => hotp(RFC_SECRET, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  test('matches the RFC 6238 SHA-1 vectors (last 6 digits)', () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe('287082');
    expect(totpCode(RFC_SECRET, 1_111_111_109_000)).toBe('081804');
    expect(totpCode(RFC_SECRET, 2_000_000_000_000)).toBe('279037');
  });

  test('accepts one step of drift, refuses replays and garbage', () => {
    const t = 1_700_000_000_000;
    const code = totpCode(RFC_SECRET, t - 30_000);
    const step = verifyTotp(RFC_SECRET, code, null, t);
    expect(step).not.toBeNull();
    expect(verifyTotp(RFC_SECRET, code, step, t)).toBeNull();
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, t - 90_000), null, t)).toBeNull();
    for (const bad of ['', '12345', '1234567', 'abcdef', "' OR 1=1"])
      expect(verifyTotp(RFC_SECRET, bad, null, t)).toBeNull();
  });

  test('base32 round-trips', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255, 7]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });
});
