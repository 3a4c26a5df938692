import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReferentialError } from './errors.js';
import { loadBundledReferential, loadReferentialFile } from './loader.js';
import { indexReferential, type Referential } from './referential.js';

let care: Referential;
beforeAll(async () => {
  care = await loadBundledReferential('care-2025');
});

describe('the shipped CaRE referential', () => {
  it('has the 4 CaRE axes with their public names, marked official with their source', () => {
    expect(care.axes.map((a) => a.title)).toEqual([
      'Gouvernance et résilience',
      'Ressources et mutualisation',
      'Sensibilisation',
      'Sécurité opérationnelle',
    ]);
    for (const axis of care.axes) expect(axis.wording).toMatchObject({ kind: 'official', source: /^https:\/\// });
  });

  it('never claims official wording for objectives or requirements, whose official text is not public', () => {
    for (const axis of care.axes) {
      for (const objective of axis.objectives) {
        expect(objective.wording.kind, objective.id).toBe('rempart');
        for (const r of objective.requirements) expect(r.wording.kind, r.id).toBe('rempart');
      }
    }
  });

  it('carries the D2 prerequisites and objectives, all mandatory, with reached threshold 1', () => {
    const { requirements, objectives } = indexReferential(care);
    const d2 = ['D2.P1', 'D2.P2', 'D2.O1.A', 'D2.O1.B', 'D2.O1.C', 'D2.O1.D', 'D2.O2.A', 'D2.O2.B'];
    d2.push('D2.O3.A', 'D2.O3.B', 'D2.O3.C', 'D2.O3.D', 'D2.O4.TEST', 'D2.O4.REFERENT');
    for (const id of d2) {
      const entry = requirements.get(id);
      expect(entry, id).toBeDefined();
      expect(entry!.requirement.mandatory, id).toBe(true);
      expect(entry!.objective.reached.threshold, id).toBe(1);
      expect(entry!.requirement.applicability, id).not.toContain('medico_social');
    }
    for (const id of ['D2.O1', 'D2.O2', 'D2.O3', 'D2.O4'])
      expect(objectives.get(id)!.objective.dependsOn).toContain('D2.P');
    // The 66 % of combined activity rule of D2.O1.C / D2.O1.D is the met level of their scale.
    expect(requirements.get('D2.O1.C')!.requirement.scale).toBe('coverage_66');
    expect(care.scales.find((s) => s.id === 'coverage_66')!.metFrom).toBe('from_66');
  });

  it('covers the operational-security domains D1, D2, remote access, workstations and detection, HospiConnect', () => {
    const ids = care.axes[3]!.objectives.map((o) => o.id);
    expect(ids).toEqual(
      expect.arrayContaining(['D1.EXPO', 'D1.AD', 'D2.P', 'ACCES.O1', 'POSTES.O1', 'POSTES.O2', 'HC.O1']),
    );
  });

  it('maps the audit indicators it needs to requirements', () => {
    const keys = [...indexReferential(care).requirements.values()].flatMap((e) => e.requirement.indicator?.key ?? []);
    expect(keys).toEqual(expect.arrayContaining(['ad.anssi_level', 'exposure.d1_cadence', 'd2.restore_test_done']));
  });

  it('recommends at least one measure for every requirement, and every measure serves a requirement', () => {
    const used = new Set<string>();
    for (const { requirement } of indexReferential(care).requirements.values()) {
      expect(requirement.measures.length, requirement.id).toBeGreaterThan(0);
      for (const m of requirement.measures) used.add(m);
      expect(requirement.questions.length).toBeGreaterThan(0);
      expect(requirement.evidence.length, requirement.id).toBeGreaterThan(0);
    }
    expect(care.measures.filter((m) => !used.has(m.id)).map((m) => m.id)).toEqual([]);
  });

  it('describes its own version in the change log', () => {
    expect(care.changelog.map((c) => c.version)).toContain(care.version);
    expect(care).toMatchObject({ id: 'care', locale: 'fr', urn: 'urn:rempart:referential:care' });
  });
});

describe('loadReferentialFile', () => {
  it('reports a missing file as an io issue, not a crash', async () => {
    const error = await loadReferentialFile('/nonexistent/care.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReferentialError);
    expect((error as ReferentialError).issues[0]!.code).toBe('io');
  });

  it('names the file and the line in its message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rempart-ref-'));
    try {
      const path = join(dir, 'bad.yaml');
      await writeFile(path, 'format: rempart-referential/1\nid: [\n');
      const error = (await loadReferentialFile(path).catch((e: unknown) => e)) as ReferentialError;
      expect(error.message).toContain(path);
      expect(error.message).toMatch(/ligne \d+/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
