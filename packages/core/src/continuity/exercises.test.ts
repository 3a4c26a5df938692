import { describe, expect, it } from 'vitest';
import { combinedActivityCoverage, exerciseProofs, exerciseSchema } from './exercises.js';
import { smallHospital, smallHospitalDossier } from './testing/small-hospital.js';

const PHASE = { start: '2025-07-16', end: '2026-04-01' };

describe('GHT rule: ≥ 66 % of combined activity', () => {
  const ght = [
    { finess: '780000001', name: 'CH A', activityWeight: 50 },
    { finess: '780000002', name: 'CH B', activityWeight: 30 },
    { finess: '780000003', name: 'CH C', activityWeight: 20 },
  ];

  it('adds the weights of the covered entities', () => {
    // A + C = 50 + 20 = 70 of 100 = 70 % ≥ 66 %.
    expect(combinedActivityCoverage(ght, ['780000001', '780000003'])).toMatchObject({
      applicable: true,
      ratio: 0.7,
      met: true,
      missing: ['780000002'],
    });
    // B + C = 30 + 20 = 50 % < 66 %.
    expect(combinedActivityCoverage(ght, ['780000002', '780000003'])).toMatchObject({ ratio: 0.5, met: false });
  });

  it('meets the threshold exactly at 66 % and not at 65.99 %', () => {
    // 66 / 100 = 0.66 exactly (no floating-point miss); 6599 / 10000 = 65.99 %.
    const at = [
      { finess: 'a', name: 'a', activityWeight: 66 },
      { finess: 'b', name: 'b', activityWeight: 34 },
    ];
    expect(combinedActivityCoverage(at, ['a']).met).toBe(true);
    const below = [
      { finess: 'a', name: 'a', activityWeight: 6599 },
      { finess: 'b', name: 'b', activityWeight: 3401 },
    ];
    expect(combinedActivityCoverage(below, ['a']).met).toBe(false);
  });

  it('does not apply to a single establishment', () => {
    expect(combinedActivityCoverage([ght[0]!], [])).toMatchObject({ applicable: false, met: true });
  });
});

describe('what an exercise proves', () => {
  const { exercises, datasets } = smallHospitalDossier();
  const graph = smallHospital();

  it('a field test of the emergency PCA during the phase proves D2.O1.D', () => {
    expect(exerciseProofs(exercises[0]!, PHASE, graph, datasets)).toEqual([
      { objective: 'D2.O1.D', proven: true, reasons: [] },
    ]);
  });

  it('a restore to production of the DPI data, with a business referent, proves D2.O4', () => {
    // DS-DPI is held by DPI, which URG and PHARMA need: a D2.O1.C activity.
    expect(exerciseProofs(exercises[1]!, PHASE, graph, datasets)).toEqual([
      { objective: 'D2.O4', proven: true, reasons: [] },
    ]);
  });

  it('says why a restore test does not count', () => {
    const weak = exerciseSchema.parse({
      ...exercises[1]!,
      date: '2025-06-01',
      restore: { componentIds: ['STOR-UNUSED'], toProduction: false, success: false },
    });
    expect(exerciseProofs(weak, PHASE, graph, datasets)[0]!.reasons).toEqual([
      'restauration en environnement isolé : D2.O4 demande un retour en production',
      'la restauration a échoué',
      'aucun référent métier nommé pour les tests fonctionnels',
      'exercice du 2025-06-01, hors de la phase opérationnelle (2025-07-16 – 2026-04-01)',
      "le système restauré ne porte aucune activité critique de l'analyse d'impact",
    ]);
  });

  it('a tabletop crisis exercise does not prove a field test', () => {
    const tabletop = exerciseSchema.parse({ ...exercises[0]!, kind: 'crisis_tabletop' });
    expect(exerciseProofs(tabletop, PHASE, graph, datasets)).toEqual([
      { objective: 'D2.O1.D', proven: false, reasons: ["ce n'est pas un test terrain de PCA"] },
    ]);
  });

  it('refuses malformed exercises', () => {
    for (const bad of [
      { ...exercises[0]!, date: '2026-13-01' },
      { ...exercises[0]!, kind: 'party' },
      { ...exercises[0]!, participants: 'everyone' },
      { ...exercises[0]!, id: '' },
    ]) {
      expect(exerciseSchema.safeParse(bad).success).toBe(false);
    }
  });
});
