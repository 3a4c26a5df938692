import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeQr, QrCodeError } from './qr-code.js';

const ZBARIMG = '/usr/bin/zbarimg';
const dir = mkdtempSync(join(tmpdir(), 'rempart-qr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the symbol as a binary PGM (4 px per module, 4-module quiet zone) and reads it back with zbarimg. */
function decodeWithZbar(text: string, name: string): string {
  if (!existsSync(ZBARIMG)) {
    throw new Error(
      `${ZBARIMG} is missing: install zbar-tools (apt-get install -y zbar-tools) to check the QR encoder`,
    );
  }
  const qr = encodeQr(text);
  const scale = 4;
  const quiet = 4;
  const side = (qr.size + quiet * 2) * scale;
  const pixels = Buffer.alloc(side * side, 255);
  qr.modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        const offset = ((y + quiet) * scale + dy) * side + (x + quiet) * scale;
        pixels.fill(0, offset, offset + scale);
      }
    });
  });
  const file = join(dir, `${name}.pgm`);
  writeFileSync(file, Buffer.concat([Buffer.from(`P5\n${side} ${side}\n255\n`), pixels]));
  const out = execFileSync(ZBARIMG, ['--raw', '-q', '-Sbinary', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  return out.toString('utf8').replace(/\n$/, '');
}

describe('QR code encoder, read back by zbar', () => {
  it('encodes an otpauth URI an authenticator app reads', () => {
    const uri =
      'otpauth://totp/Rempart:rssi%40rempart.demo?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Rempart&algorithm=SHA1&digits=6&period=30';
    expect(decodeWithZbar(uri, 'otpauth')).toBe(uri);
    expect(encodeQr(uri).version).toBeLessThanOrEqual(8);
  });

  it('encodes short, accented and long texts across versions, blocks and version information', () => {
    const cases = [
      'a',
      'Établissement de santé — clé ÉÀÇ',
      'x'.repeat(100),
      'Rempart '.repeat(40),
      `${'0123456789abcdef'.repeat(60)}!`,
    ];
    const versions = new Set<number>();
    cases.forEach((text, i) => {
      versions.add(encodeQr(text).version);
      expect(decodeWithZbar(text, `case-${i}`)).toBe(text);
    });
    // From a single block up to many interleaved blocks with version information (v ≥ 7).
    expect(Math.min(...versions)).toBe(1);
    expect(Math.max(...versions)).toBeGreaterThanOrEqual(20);
  });

  it('reads back the largest text that fits (version 40, level M)', () => {
    const text = 'z'.repeat(2331);
    const qr = encodeQr(text);
    expect(qr.version).toBe(40);
    expect(qr.size).toBe(177);
    expect(decodeWithZbar(text, 'v40')).toBe(text);
  });

  it('refuses a text too long for any QR code with a clear error', () => {
    expect(() => encodeQr('z'.repeat(2332))).toThrow(QrCodeError);
    expect(() => encodeQr('é'.repeat(1200))).toThrow('texte trop long pour un code QR');
  });

  it('keeps control characters and markup as plain bytes', () => {
    const hostile = '<script>alert(1)</script>\u0000\u0007"\'';
    expect(decodeWithZbar(hostile, 'hostile')).toBe(hostile);
  });
});
