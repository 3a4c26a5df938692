import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mini } from '../../test/fixtures/mini-referential.js';
import { exportCisoLibrary, importCisoLibrary } from './ciso-assistant.js';
import { ReferentialError } from './errors.js';
import { loadBundledReferential } from './loader.js';
import { indexReferential, type Referential } from './referential.js';
import { parseReferential, stringifyReferential } from './referential-file.js';
import { scoreAssessment } from './scoring.js';

/** A library written by hand in CISO Assistant's shape: sections at depth 1, one assessable top node. */
const LIBRARY = `urn: urn:exemple:risk:library:continuite-test
locale: fr
ref_id: CONT-TEST
name: Continuité (test)
description: Bibliothèque de test au format CISO Assistant
copyright: Licence Ouverte
version: 2
publication_date: 2025-09-01
provider: Exemple
packager: exemple
objects:
  framework:
    urn: urn:exemple:risk:framework:continuite-test
    ref_id: CONT-TEST
    name: Continuité (test)
    description: Cadre de test
    min_score: 0
    max_score: 3
    scores_definition:
      - { score: 0, name: Absent }
      - { score: 1, name: Initial }
      - { score: 2, name: Défini }
      - { score: 3, name: Maîtrisé }
    requirement_nodes:
      - urn: urn:exemple:risk:req_node:continuite-test:p
        assessable: false
        depth: 1
        ref_id: p
        description: Prérequis
      - urn: urn:exemple:risk:req_node:continuite-test:p1
        assessable: true
        depth: 2
        parent_urn: urn:exemple:risk:req_node:continuite-test:p
        ref_id: p1
        name: Politique à jour
        description: "La politique est-elle signée ?\\nEst-elle revue chaque année ?"
        typical_evidence: "Politique signée\\nCompte rendu de revue"
        importance: mandatory
        weight: 2
      - urn: urn:exemple:risk:req_node:continuite-test:p2
        assessable: true
        depth: 2
        parent_urn: urn:exemple:risk:req_node:continuite-test:p
        ref_id: "p 2 (bis)"
        name: Organisation décrite
        implementation_groups: [S, R]
      - urn: urn:exemple:risk:req_node:continuite-test:t
        assessable: true
        depth: 1
        ref_id: t
        name: Tester la restauration
        description: Un test de restauration a-t-il eu lieu ?
`;

let care: Referential;
beforeAll(async () => {
  care = await loadBundledReferential('care-2025');
});

describe('stringifyReferential', () => {
  it('writes the Rempart format so that reading it back gives the same referential', () => {
    expect(parseReferential(stringifyReferential(care))).toEqual(care);
    expect(parseReferential(stringifyReferential(mini))).toEqual(mini);
  });
});

describe('exportCisoLibrary', () => {
  it('writes a library header and a framework whose nodes form the axis → objective → requirement tree', () => {
    const library = parse(exportCisoLibrary(care));
    expect(library).toMatchObject({
      urn: 'urn:rempart:risk:library:care',
      locale: 'fr',
      ref_id: 'care',
      version: care.version,
      provider: 'Rempart',
      packager: 'rempart',
      objects: { framework: { urn: 'urn:rempart:risk:framework:care', ref_id: 'care' } },
    });
    const nodes = library.objects.framework.requirement_nodes as Record<string, unknown>[];
    const byUrn = new Map(nodes.map((n) => [n.urn as string, n]));
    expect(byUrn.size).toBe(nodes.length);
    for (const node of nodes) {
      if (node.depth === 1) expect(node.parent_urn).toBeUndefined();
      else expect((byUrn.get(node.parent_urn as string)!.depth as number) + 1).toBe(node.depth);
      expect(node.assessable).toBe(node.depth === 3);
    }
    const d2o3a = nodes.find((n) => n.ref_id === 'D2.O3.A')!;
    expect(d2o3a).toMatchObject({
      urn: 'urn:rempart:risk:req_node:care:d2.o3.a',
      importance: 'mandatory',
      implementation_groups: ['public', 'private_non_profit', 'private_for_profit'],
    });
    expect(library.objects.framework.implementation_groups_definition).toHaveLength(4);
  });

  it('round-trips the CaRE referential through CISO Assistant: ids, texts, weights, applicability, mandatory flags', () => {
    const back = importCisoLibrary(exportCisoLibrary(care), { today: '2026-01-01' });
    expect(back).toMatchObject({ id: 'care', urn: care.urn, version: care.version, locale: 'fr', name: care.name });
    expect(back.axes.map((a) => [a.id, a.title])).toEqual(care.axes.map((a) => [a.id, a.title]));
    const before = indexReferential(care);
    const after = indexReferential(back);
    expect([...after.objectives.keys()]).toEqual([...before.objectives.keys()]);
    expect(after.requirements.size).toBe(before.requirements.size);
    for (const [id, { requirement: r, objective }] of before.requirements) {
      const imported = after.requirements.get(id);
      expect(imported, id).toBeDefined();
      expect(imported!.objective.id).toBe(objective.id);
      expect(imported!.requirement).toMatchObject({
        title: r.title,
        questions: r.questions,
        weight: r.weight,
        mandatory: r.mandatory,
        applicability: r.applicability,
        evidence: r.evidence,
        ...(r.help ? { help: r.help } : {}),
      });
      // Imported text is attributed to the library, never presented as official.
      expect(imported!.requirement.wording).toEqual({
        kind: 'imported',
        library: 'urn:rempart:risk:library:care',
        provider: 'Rempart',
      });
    }
    // And a second export of the import gives the same library.
    expect(exportCisoLibrary(back)).toBe(exportCisoLibrary({ ...care, provenance: back.provenance }));
  });
});

describe('importCisoLibrary', () => {
  const imported = importCisoLibrary(LIBRARY, { today: '2026-01-01' }, 'continuite.yaml');

  it('maps sections to objectives and a top-level assessable node to an objective of its own', () => {
    expect(imported).toMatchObject({
      id: 'CONT-TEST',
      urn: 'urn:exemple:risk:library:continuite-test',
      version: 2,
      publicationDate: '2025-09-01',
      provenance: { publisher: 'Exemple', licence: 'Licence Ouverte' },
    });
    expect(imported.axes).toHaveLength(1);
    expect(imported.axes[0]).toMatchObject({ id: 'CONT-TEST', title: 'Continuité (test)' });
    expect(imported.axes[0]!.objectives.map((o) => [o.id, o.title, o.requirements.map((r) => r.id)])).toEqual([
      ['p', 'Prérequis', ['p1', 'p-2-bis-']],
      ['t', 'Tester la restauration', ['t.req']],
    ]);
  });

  it('keeps questions, evidence, weights and the mandatory flag; defaults missing weights to 1', () => {
    const { requirements } = indexReferential(imported);
    expect(requirements.get('p1')!.requirement).toMatchObject({
      questions: ['La politique est-elle signée ?', 'Est-elle revue chaque année ?'],
      evidence: ['Politique signée', 'Compte rendu de revue'],
      weight: 2,
      mandatory: true,
    });
    // Implementation groups that are not establishment categories leave the requirement applicable to all.
    expect(requirements.get('p-2-bis-')!.requirement).toMatchObject({
      weight: 1,
      mandatory: false,
      questions: ['Organisation décrite'],
      applicability: ['public', 'private_non_profit', 'private_for_profit', 'medico_social'],
    });
  });

  it('turns the library score scale into an answer scale usable by the scoring', () => {
    expect(imported.scales).toEqual([
      {
        id: 'ciso_score',
        label: 'Échelle de score du référentiel importé',
        metFrom: 'score_3',
        levels: [
          { id: 'score_0', label: 'Absent', score: 0 },
          { id: 'score_1', label: 'Initial', score: 1 / 3 },
          { id: 'score_2', label: 'Défini', score: 2 / 3 },
          { id: 'score_3', label: 'Maîtrisé', score: 1 },
        ],
      },
    ]);
    // p = (2×1 + 1×(2/3)) / 3 = 0.8889; p2 "Défini" is below the met level; threshold 1 → not reached.
    const score = scoreAssessment(
      imported,
      { p1: { kind: 'level', level: 'score_3' }, 'p-2-bis-': { kind: 'level', level: 'score_2' } },
      'public',
    );
    expect(score.objectives[0]!.score).toBeCloseTo((2 + 2 / 3) / 3, 10);
    expect(score.objectives[0]!.reached).toBe(false);
  });

  it('keeps every assessable node through CISO → Rempart → CISO', () => {
    const source = parse(LIBRARY).objects.framework.requirement_nodes as Record<string, unknown>[];
    const again = parse(exportCisoLibrary(imported)).objects.framework.requirement_nodes as Record<string, unknown>[];
    const assessable = (nodes: Record<string, unknown>[]) =>
      nodes.filter((n) => n.assessable).map((n) => [n.name, n.weight ?? 1, n.importance ?? null]);
    expect(assessable(again)).toEqual(assessable(source));
  });

  it('refuses a node whose parent does not exist, at its line', () => {
    const bad = LIBRARY.replace(
      'parent_urn: urn:exemple:risk:req_node:continuite-test:p\n        ref_id: p1',
      'parent_urn: urn:exemple:risk:req_node:continuite-test:zz\n        ref_id: p1',
    );
    const error = (() => {
      try {
        importCisoLibrary(bad, { today: '2026-01-01' });
      } catch (e) {
        return e as ReferentialError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ReferentialError);
    const line = bad.split('\n').findIndex((l) => l.includes('continuite-test:zz')) + 1;
    expect(error.issues[0]).toMatchObject({ code: 'schema', line });
  });

  it('refuses duplicate URNs, parent cycles, missing frameworks and garbage', () => {
    const codeOf = (text: string) => {
      try {
        importCisoLibrary(text, { today: '2026-01-01' });
      } catch (e) {
        expect(e).toBeInstanceOf(ReferentialError);
        return (e as ReferentialError).issues[0]!.code;
      }
      return 'accepted';
    };
    expect(codeOf(LIBRARY.replace('continuite-test:p2\n', 'continuite-test:p1\n'))).toBe('duplicate_id');
    const cycle = LIBRARY.replace(
      '        depth: 1\n        ref_id: p\n',
      '        depth: 1\n        parent_urn: urn:exemple:risk:req_node:continuite-test:p1\n        ref_id: p\n',
    );
    expect(codeOf(cycle)).toBe('schema');
    expect(codeOf('urn: x\nlocale: fr\nref_id: a\nname: n\nversion: 1\nobjects: {}\n')).toBe('schema');
    expect(codeOf('objects: [')).toBe('yaml_syntax');
    expect(codeOf('just a string')).toBe('schema');
    expect(codeOf(LIBRARY.replaceAll('assessable: true', 'assessable: false'))).toBe('schema');
    expect(codeOf('x'.repeat(5 * 1024 * 1024))).toBe('too_large');
  });
});
