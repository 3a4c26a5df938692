import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusCases } from './corpus.js';

const MAIN = new URL('../../cli/src/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rempart-detect-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `rempart` entry point (from source, through tsx). */
function rempart(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const cases = corpusCases().filter((c) => c.evtxPath);
const picked = [cases[0]!, cases[40]!, cases[90]!];
const titleOf = (c: (typeof cases)[number]) => /^title: (.+)$/m.exec(readFileSync(c.rulePath, 'utf8'))![1]!;

describe('rempart detect', { timeout: 180_000 }, () => {
  it('runs the corpus rules over corpus EVTX files: summary, CSV and JSONL timelines in time order', () => {
    const csv = join(dir, 'timeline.csv');
    const jsonl = join(dir, 'timeline.jsonl');
    const r = rempart([
      'detect',
      '--rules',
      CORPUS_DIR,
      ...picked.map((c) => c.evtxPath!),
      '--csv',
      csv,
      '--jsonl',
      jsonl,
    ]);
    expect(r.err).toContain('règles : 144 chargées');
    expect(r.err).toContain('règle ignorée [logsource] Cisco Dot1x Disabled');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Fichiers : 3 \(illisibles : 0\)/);
    for (const c of picked) expect(r.out).toContain(titleOf(c));
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('"Timestamp","Computer","Channel","EventID","Level","RecordID","RuleTitle","Details"');
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(rows.length - 1);
    for (const c of picked) expect(lines.map((l) => l.RuleID)).toContain(c.id);
    const stamps = lines.map((l) => l.Timestamp as string);
    expect(stamps).toEqual([...stamps].sort());
    expect(lines[0]).toMatchObject({
      Computer: expect.any(String),
      Channel: expect.any(String),
      EventID: expect.any(Number),
      Level: expect.any(String),
      Details: expect.any(String),
    });
  });

  it('filters with --min-level and reads folders and JSON events', () => {
    const all = rempart(['detect', '--rules', CORPUS_DIR, picked[0]!.dir]);
    const critical = rempart(['detect', '--rules', CORPUS_DIR, picked[0]!.dir, '--min-level', 'critical']);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/Fichiers : 2 /); // the .evtx and its reference .json
    const count = (out: string) => Number(/Alertes \(niveau ≥ [^)]+\) : (\d+)/.exec(out)![1]);
    expect(count(all.out)).toBeGreaterThanOrEqual(2);
    expect(count(critical.out)).toBeLessThanOrEqual(count(all.out));
    expect(critical.out).toContain('niveau ≥ critique');
  });

  it('warns about a damaged EVTX and goes on', () => {
    const damaged = join(dir, 'damaged.evtx');
    const bytes = readFileSync(picked[1]!.evtxPath!);
    bytes.fill(0x41, 4096 + 600, 4096 + 700);
    writeFileSync(damaged, bytes);
    const notEvtx = join(dir, 'notes.evtx');
    writeFileSync(notEvtx, 'ceci n’est pas un journal'.repeat(20));
    const r = rempart(['detect', '--rules', CORPUS_DIR, damaged, notEvtx]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/avertissement .*damaged\.evtx \[(chunk-checksum|record-binxml|record-header)\]/);
    expect(r.err).toMatch(/fichier illisible .*notes\.evtx/);
    expect(r.out).toMatch(/illisibles : 1/);
  });

  it('refuses bad usage with exit code 2 and a clear message', () => {
    const noRules = rempart(['detect', picked[0]!.evtxPath!]);
    expect(noRules.code).toBe(2);
    expect(noRules.err).toContain('--rules');
    expect(rempart(['detect', '--rules', CORPUS_DIR]).err).toContain('at least one EVTX');
    expect(rempart(['detect', '--rules', CORPUS_DIR, join(dir, 'absent.evtx')]).err).toContain('introuvable');
    expect(rempart(['detect', '--rules', CORPUS_DIR, picked[0]!.evtxPath!, '--min-level', 'severe']).code).toBe(2);
    const push = rempart(['detect', '--rules', CORPUS_DIR, picked[0]!.evtxPath!, '--push', 'https://rempart.example/']);
    expect(push.code).toBe(2);
    expect(push.err).toContain('--push needs --token-file');
    const notAToken = join(dir, 'not-a-token');
    writeFileSync(notAToken, 'hunter2\n');
    const badToken = rempart([
      'detect',
      '--rules',
      CORPUS_DIR,
      picked[0]!.evtxPath!,
      '--push',
      'https://rempart.example/',
      '--token-file',
      notAToken,
    ]);
    expect(badToken.code).toBe(2);
    expect(badToken.err).toContain('does not hold a Rempart API token');
    expect(rempart(['detect', '--help']).out).toMatch(/^Usage: rempart detect/);
  });
});
