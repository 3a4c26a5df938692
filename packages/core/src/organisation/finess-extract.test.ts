import { describe, expect, test } from 'vitest';
import { demoFinessExtract } from './demo.js';
import { categoryOf, decodeExtract, parseFinessExtract } from './finess-extract.js';

const row = (over: Record<number, string>) => {
  const f = new Array<string>(32).fill('');
  f[0] = 'structureet';
  f[1] = '690000021';
  f[2] = '690781810';
  f[4] = 'Hôpital Édouard Herriot';
  f[13] = '69';
  f[20] = '1101';
  f[26] = '1';
  for (const [k, v] of Object.entries(over)) f[Number(k)] = v;
  return f.join(';');
};

describe('FINESS extract', () => {
  test('reads a site with its EJ, region and category', () => {
    const { sites, rejected } = parseFinessExtract(`finess;etalab;100;2026-01-01\n${row({})}\n`);
    expect(rejected).toEqual([]);
    expect(sites).toEqual([
      expect.objectContaining({
        line: 2,
        siteFiness: '690000021',
        legalEntityFiness: '690781810',
        name: 'Hôpital Édouard Herriot',
        region: 'ARA',
        category: 'public',
      }),
    ]);
  });

  test('every refused line is reported with its number and reason, the others are kept', () => {
    const text = [
      'finess;etalab;100;2026-01-01',
      row({}),
      row({ 1: '690000022' }),
      row({ 2: 'XXXXXXXXX' }),
      row({ 13: '00' }),
      'structureet;690000021;690781810',
      'bogus;line',
      row({ 4: '', 3: '' }),
      'geolocalisation;690000021;1.0;2.0',
    ].join('\r\n');
    const { sites, rejected } = parseFinessExtract(text);
    expect(sites).toHaveLength(1);
    expect(rejected.map((r) => r.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(rejected[0]!.reason).toContain('clé de contrôle');
    expect(rejected[1]!.reason).toContain('FINESS EJ');
    expect(rejected[2]!.reason).toContain('département inconnu');
    expect(rejected[3]!.reason).toContain('colonnes');
    expect(rejected[4]!.reason).toContain('type de ligne inconnu');
    expect(rejected[5]!.reason).toContain('raison sociale vide');
  });

  test('quoted fields with separators and doubled quotes are read whole', () => {
    const { sites } = parseFinessExtract(row({ 4: '"Clinique ""du Parc""; site B"' }));
    expect(sites[0]!.name).toBe('Clinique "du Parc"; site B');
  });

  test('Latin-1 files are decoded, UTF-8 files too', () => {
    const latin1 = Uint8Array.from([0x48, 0xf4, 0x70, 0x69, 0x74, 0x61, 0x6c]); // "Hôpital"
    expect(decodeExtract(latin1)).toBe('Hôpital');
    expect(decodeExtract(new TextEncoder().encode('Hôpital'))).toBe('Hôpital');
  });

  test('categories: medico-social aggregates, public, ESPIC, for-profit', () => {
    expect(categoryOf('4401', '0')).toBe('medico_social');
    expect(categoryOf('1102', '1')).toBe('public');
    expect(categoryOf('1102', '2')).toBe('private_non_profit');
    expect(categoryOf('1202', '0')).toBe('private_for_profit');
  });

  test('a huge hostile line is refused without being echoed whole', () => {
    const { rejected } = parseFinessExtract(`${'A'.repeat(1_000_000)};x`);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason.length).toBeLessThan(100);
  });

  test('the demo extract holds a few hundred valid sites over three regions', () => {
    const { sites, rejected } = parseFinessExtract(demoFinessExtract());
    expect(rejected).toEqual([]);
    expect(sites.length).toBeGreaterThan(200);
    expect(new Set(sites.map((s) => s.region))).toEqual(new Set(['ARA', 'BRE', 'IDF']));
    expect(new Set(sites.map((s) => s.category)).size).toBe(4);
  });
});
