import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EvtxFileError,
  type EvtxRecord,
  type EvtxWarning,
  parseEvtxBuffer,
  parseSigmaYaml,
  readEvtxRecords,
  SigmaEngine,
} from '../src/index.js';
import { corpusCases } from './corpus.js';

const samples = corpusCases()
  .filter((c) => c.evtxPath)
  .filter((_, i) => i % 29 === 0)
  .map((c) => new Uint8Array(readFileSync(c.evtxPath!)));
const largest = corpusCases()
  .filter((c) => c.evtxPath)
  .map((c) => readFileSync(c.evtxPath!))
  .sort((a, b) => b.length - a.length)[0]!;
const tmp = mkdtempSync(join(tmpdir(), 'rempart-evtx-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WARNING_CODES = new Set([
  'file-header',
  'chunk-header',
  'chunk-checksum',
  'record-header',
  'record-binxml',
  'truncated',
]);

/** Parses a (damaged) image: either a clean refusal (not EVTX) or records + warnings, never anything else. */
function parseDamaged(data: Uint8Array): { records: EvtxRecord[]; warnings: EvtxWarning[] } | 'refused' {
  const warnings: EvtxWarning[] = [];
  try {
    const records = parseEvtxBuffer(data, { onWarning: (w) => warnings.push(w) });
    for (const w of warnings) expect(WARNING_CODES.has(w.code)).toBe(true);
    for (const r of records) {
      expect(typeof r.event).toBe('object');
      expect(JSON.stringify(r.event).length).toBeGreaterThan(2);
    }
    return { records, warnings };
  } catch (e) {
    expect(e).toBeInstanceOf(EvtxFileError);
    return 'refused';
  }
}

/** Region of the file a mutation aims at. */
const regions = {
  fileHeader: [0, 4096],
  chunkHeader: [4096, 4096 + 512],
  records: [4096 + 512, 4096 + 65536],
} as const;

const mutation = (region: keyof typeof regions) =>
  fc.record({
    sample: fc.nat({ max: samples.length - 1 }),
    edits: fc.array(
      fc.record({
        at: fc.integer({ min: regions[region][0], max: regions[region][1] - 1 }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  });

function applyEdits(sample: number, edits: { at: number; bytes: Uint8Array }[]): Uint8Array {
  const data = new Uint8Array(samples[sample]!);
  for (const e of edits) data.set(e.bytes.subarray(0, Math.max(0, data.length - e.at)), Math.min(e.at, data.length));
  return data;
}

describe('EVTX parser under fuzzed, corrupted and truncated input', () => {
  it('survives file-header mutations (refusal only when the signature is gone)', () => {
    fc.assert(
      fc.property(mutation('fileHeader'), ({ sample, edits }) => {
        const data = applyEdits(sample, edits);
        const result = parseDamaged(data);
        const signatureIntact = Buffer.from(data.subarray(0, 8)).toString('latin1') === 'ElfFile\0';
        expect(result === 'refused').toBe(!signatureIntact);
      }),
      { numRuns: 200, seed: 6001 },
    );
  });

  it('survives chunk-header mutations with warnings, never a crash', () => {
    let warned = 0;
    fc.assert(
      fc.property(mutation('chunkHeader'), ({ sample, edits }) => {
        const r = parseDamaged(applyEdits(sample, edits));
        expect(r).not.toBe('refused');
        if (r !== 'refused' && r.warnings.length > 0) warned++;
      }),
      { numRuns: 300, seed: 6002 },
    );
    expect(warned).toBeGreaterThan(200); // the header checksum catches almost every edit
  });

  it('survives BinXML / record mutations: damaged records are skipped with a warning', () => {
    let damaged = 0;
    fc.assert(
      fc.property(mutation('records'), ({ sample, edits }) => {
        const r = parseDamaged(applyEdits(sample, edits));
        if (r !== 'refused' && r.warnings.some((w) => w.code === 'record-binxml' || w.code === 'record-header'))
          damaged++;
      }),
      { numRuns: 400, seed: 6003 },
    );
    expect(damaged).toBeGreaterThan(0);
  });

  it('survives truncation at every kind of offset', () => {
    fc.assert(
      fc.property(fc.nat({ max: samples.length - 1 }), fc.nat(), (sample, cut) => {
        const data = samples[sample]!;
        const r = parseDamaged(data.subarray(0, cut % (data.length + 1)));
        if (cut % (data.length + 1) < 8) expect(r).toBe('refused');
      }),
      { numRuns: 300, seed: 6004 },
    );
  });

  it('keeps the records of intact chunks when another chunk is destroyed', () => {
    const clean = parseEvtxBuffer(largest);
    const data = new Uint8Array(largest.length + 65536);
    data.set(largest);
    // Append a garbage chunk behind the intact ones.
    data.fill(0xa5, largest.length);
    data.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], largest.length);
    const warnings: EvtxWarning[] = [];
    const records = parseEvtxBuffer(data, { onWarning: (w) => warnings.push(w) });
    expect(records).toEqual(clean);
    expect(warnings.map((w) => w.code)).toContain('chunk-checksum');
  });

  it('streams a truncated file from disk with a warning', async () => {
    const path = join(tmp, 'truncated.evtx');
    writeFileSync(path, largest.subarray(0, 4096 + 30000));
    const warnings: EvtxWarning[] = [];
    const records: EvtxRecord[] = [];
    for await (const r of readEvtxRecords(path, { onWarning: (w) => warnings.push(w) })) records.push(r);
    expect(warnings.some((w) => w.code === 'truncated')).toBe(true);
    expect(records.length).toBeLessThanOrEqual(parseEvtxBuffer(largest).length);
    await expect(async () => {
      for await (const _ of readEvtxRecords(join(tmp, 'absent.evtx'))) void _;
    }).rejects.toThrow(EvtxFileError);
    writeFileSync(join(tmp, 'not.evtx'), `MZ this is not a log ${'x'.repeat(5000)}`);
    await expect(async () => {
      for await (const _ of readEvtxRecords(join(tmp, 'not.evtx'))) void _;
    }).rejects.toThrow(/ElfFile/);
  });
});

describe('Sigma rules under hostile input', () => {
  it('reports invalid YAML and invalid rule shapes per document, never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { documents, problems } = parseSigmaYaml(text, 'fuzz.yml');
        const engine = new SigmaEngine(documents, problems);
        expect(engine.counts.rules + engine.problems.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300, seed: 6005 },
    );
    const bad = [
      'title: [unclosed',
      'title: x\nlogsource: {product: windows}\n',
      'title: x\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {Image: x}}\nlevel: catastrophic\n',
      'title: x\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {Image: x}, condition: sel and}\n',
      'title: bomb\ndetection: &a [*a]\n',
    ];
    for (const text of bad) {
      const { documents, problems } = parseSigmaYaml(text, 'bad.yml');
      const engine = new SigmaEngine(documents, problems);
      expect(engine.counts.rules, text).toBe(0);
      expect(engine.problems.length, text).toBeGreaterThan(0);
    }
    // YAML that is not Sigma at all (or an alias bomb without rule keys) is counted as ignored.
    for (const text of [
      'just a string',
      'a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n',
    ]) {
      const parsed = parseSigmaYaml(text, 'other.yml');
      expect(parsed.documents).toEqual([]);
      expect(parsed.ignored + parsed.problems.length, text).toBe(1);
    }
  });

  it('refuses a rule whose regular expression could backtrack catastrophically, and the others still load', () => {
    const yaml = `title: evil
logsource: {product: windows, category: process_creation}
detection:
  sel: {CommandLine|re: '^(a+)+$'}
  condition: sel
---
title: fine
logsource: {product: windows, category: process_creation}
detection:
  sel: {CommandLine|contains: 'aaa'}
  condition: sel
`;
    const { documents, problems } = parseSigmaYaml(yaml, 'evil.yml');
    const engine = new SigmaEngine(documents, problems);
    expect(engine.problems.map((p) => [p.title, p.code])).toEqual([['evil', 'regex']]);
    expect(engine.counts.rules).toBe(1);
  });

  it('evaluates a huge event field (8 MB) against all corpus rules without trouble', () => {
    const docs = corpusCases().flatMap((c) => parseSigmaYaml(readFileSync(c.rulePath, 'utf8'), c.rulePath).documents);
    const engine = new SigmaEngine(docs);
    const huge = `${'-enc '.repeat(1_600_000)}x`;
    const alerts = engine.evaluate({
      recordId: 1,
      timestamp: '2026-01-01T00:00:00.000000Z',
      event: {
        Event: {
          System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'x' },
          EventData: {
            CommandLine: huge,
            Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
            ParentImage: huge,
          },
        },
      },
    });
    expect(Array.isArray(alerts)).toBe(true);
    for (const a of alerts) expect(a.details.length).toBeLessThan(2000);
  });
});
