import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from './crc32.js';
import { formatFileTime } from './values.js';

/** The reference conversion, step by step with BigInt and UTC getters (no shortcut). */
function referenceFileTime(lo: number, hi: number): string {
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  const secs = Number(ticks / 10_000_000n) - 11644473600;
  const micros = Number(ticks % 10_000_000n) / 10;
  const d = new Date(secs * 1000);
  const y = d.getUTCFullYear();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = `${y < 0 ? '-' : ''}${p(Math.abs(y), 4)}`;
  return `${year}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(Math.floor(micros), 6)}Z`;
}

describe('EVTX scalar values', () => {
  it('formats FILETIME like the BigInt reference, over the whole 64-bit range and near the year bounds', () => {
    const hiNear = fc.integer({ min: 0x01d0_0000, max: 0x01e0_0000 });
    fc.assert(
      fc.property(fc.oneof(hiNear, fc.integer({ min: 0, max: 0x7fff_ffff })), fc.nat(0xffff_ffff), (hi, lo) => {
        const ticks = (BigInt(hi) << 32n) | BigInt(lo);
        // Beyond what a JS Date can hold the reader refuses the value; compare only representable ones.
        if (Number(ticks / 10_000_000n) - 11644473600 > 8.64e12) return;
        expect(formatFileTime(lo, hi)).toBe(referenceFileTime(lo, hi));
      }),
      { numRuns: 5000, seed: 6063 },
    );
    expect(formatFileTime(0, 0)).toBe('1601-01-01T00:00:00.000000Z');
    // 9999-12-31T23:59:59.9999999 then 10000-01-01: both sides of the native ISO fast path.
    const at = (t: bigint) => formatFileTime(Number(t & 0xffffffffn), Number(t >> 32n));
    expect(at(2650467743999999999n)).toBe('9999-12-31T23:59:59.999999Z');
    expect(at(2650467744000000000n)).toBe('10000-01-01T00:00:00.000000Z');
  });

  it('computes the same CRC-32 natively and in JavaScript', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(0xffff_ffff), (bytes, seed) => {
        expect(crc32(bytes, 0, bytes.length, seed)).toBe(crc32Portable(bytes, 0, bytes.length, seed));
        const mid = bytes.length >> 1;
        expect(crc32(bytes, mid, bytes.length, crc32(bytes, 0, mid))).toBe(crc32Portable(bytes));
      }),
      { numRuns: 300, seed: 6064 },
    );
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
