import { describe, expect, it } from 'vitest';
import { type ContinuityDossier, computeD2Indicators, continuityDocumentSchema } from './d2-indicators.js';
import { exerciseSchema } from './exercises.js';
import { continuityGraphSchema } from './model.js';
import { smallHospitalDossier, smallHospitalInput } from './testing/small-hospital.js';

const OPTIONS = { asOf: '2026-04-01' };
const statusOf = (dossier: ContinuityDossier) =>
  Object.fromEntries(computeD2Indicators(dossier, OPTIONS).map((i) => [i.id, i.status]));
const find = (dossier: ContinuityDossier, id: string) =>
  computeD2Indicators(dossier, OPTIONS).find((i) => i.id === id)!;

describe('D2 indicators', () => {
  it('gives one indicator per prerequisite and objective, all met for the complete small hospital', () => {
    const indicators = computeD2Indicators(smallHospitalDossier(), OPTIONS);
    expect(indicators.map((i) => i.id)).toEqual([
      'D2.P1',
      'D2.P2',
      'D2.O1.A',
      'D2.O1.B',
      'D2.O1.C',
      'D2.O1.D',
      'D2.O2.A',
      'D2.O2.B',
      'D2.O3.A',
      'D2.O3.B',
      'D2.O3.C',
      'D2.O3.D',
      'D2.O4',
    ]);
    for (const i of indicators) {
      expect({ id: i.id, status: i.status, reasons: i.reasons }).toEqual({ id: i.id, status: 'met', reasons: [] });
      expect(i.evidence.length).toBeGreaterThan(0);
      expect(i.referential).toBe('CaRE D2 — arrêté du 3 juillet 2025');
    }
    const d2o4 = indicators.find((i) => i.id === 'D2.O4')!;
    expect(d2o4.evidence).toEqual([
      { source: 'exercise', id: 'EX-2', label: 'Restauration du DPI en production', date: '2026-02-10' },
    ]);
  });

  it('reports no data for an empty dossier rather than a failure', () => {
    const empty: ContinuityDossier = {
      graph: { activities: [], components: [], dependencies: [] },
      datasets: [],
      exercises: [],
      documents: [],
    };
    expect(new Set(Object.values(statusOf(empty)))).toEqual(new Set(['no_data']));
  });

  it('D2.P1: a PSSI reviewed before 16 July 2022 or unsigned is not met', () => {
    const dossier = smallHospitalDossier();
    dossier.documents = dossier.documents.map((d) =>
      d.kind === 'pssi'
        ? continuityDocumentSchema.parse({ ...d, date: '2022-07-15', signedByLegalRepresentative: false })
        : d,
    );
    expect(find(dossier, 'D2.P1')).toMatchObject({
      status: 'not_met',
      reasons: [
        'PSSI non signée par le représentant légal',
        'PSSI revue le 2022-07-15, hors de la période 2022-07-16 – 2026-04-01',
      ],
    });
    // 16 July 2022 itself is inside the window.
    dossier.documents = dossier.documents.map((d) =>
      d.kind === 'pssi' ? { ...d, date: '2022-07-16', signedByLegalRepresentative: true } : d,
    );
    expect(find(dossier, 'D2.P1').status).toBe('met');
  });

  it('D2.O1.C: a BIA without a technical platform or a degraded-mode procedure is partial', () => {
    const input = smallHospitalInput();
    input.activities = input.activities.filter((a) => a.kind !== 'technical_platform');
    input.activities[0]!.degradedModeProcedure = '';
    input.dependencies = input.dependencies.filter((d) => !d.from.startsWith('PHARMA') || d.from === 'PHARMA-APP');
    const dossier = { ...smallHospitalDossier(), graph: continuityGraphSchema.parse(input) };
    expect(find(dossier, 'D2.O1.C')).toMatchObject({
      status: 'partially_met',
      reasons: ['aucun plateau technique', 'sans procédure de mode dégradé : URG'],
    });
  });

  it('D2.O1.C and D2.O1.D in a GHT: entities weighted by activity against the 66 % rule', () => {
    // CH A (60) has the three kinds of activity; CH B (40) has none: 60 % < 66 %.
    const dossier = smallHospitalDossier();
    dossier.graph = {
      ...dossier.graph,
      activities: dossier.graph.activities.map((a) => ({ ...a, entity: '780000001' })),
    };
    dossier.entities = [
      { finess: '780000001', name: 'CH A', activityWeight: 60 },
      { finess: '780000002', name: 'CH B', activityWeight: 40 },
    ];
    dossier.exercises = dossier.exercises.map((e) =>
      e.kind === 'pca_field_test' ? { ...e, entities: ['780000001'] } : e,
    );
    const c = find(dossier, 'D2.O1.C');
    expect(c.status).toBe('partially_met');
    expect(c.value).toBe('analyses d’impact complètes pour 1/2 entités, 60 % de l’activité cumulée');
    expect(c.reasons[0]).toMatch(/^entité 780000002 : aucun service de soins/);
    expect(find(dossier, 'D2.O1.D')).toMatchObject({ status: 'partially_met' });
    // With CH A at 70 the rule is met: 70 % ≥ 66 %.
    dossier.entities = [
      { finess: '780000001', name: 'CH A', activityWeight: 70 },
      { finess: '780000002', name: 'CH B', activityWeight: 30 },
    ];
    expect(find(dossier, 'D2.O1.C').status).toBe('met');
    expect(find(dossier, 'D2.O1.D').status).toBe('met');
    // A GHT also needs centralised backup alerts for D2.O3.D.
    expect(find(dossier, 'D2.O3.D').reasons).toEqual(['GHT : alertes non centralisées pour le RSSI']);
  });

  it('D2.O1.D and D2.O4: exercises before the operational phase do not count, and say so', () => {
    const dossier = smallHospitalDossier();
    dossier.exercises = dossier.exercises.map((e) => exerciseSchema.parse({ ...e, date: '2025-03-01' }));
    expect(find(dossier, 'D2.O1.D').status).toBe('not_met');
    expect(find(dossier, 'D2.O4')).toMatchObject({
      status: 'not_met',
      reasons: ['EX-2 : exercice du 2025-03-01, hors de la phase opérationnelle (2025-07-16 – 2026-04-01)'],
    });
  });

  it('D2.O3.A/B/C/D follow the backup infrastructure and datasets', () => {
    const dossier = smallHospitalDossier();
    dossier.backupInfrastructure = {
      ...dossier.backupInfrastructure!,
      authentication: 'production_directory',
      isolation: { capable: false, steps: [] },
      milestones: [],
    };
    dossier.datasets = [
      { ...dossier.datasets[0]!, copies: [dossier.datasets[0]!.copies[0]!], lastBackupErrors: undefined },
    ];
    const statuses = statusOf(dossier);
    expect(statuses).toMatchObject({
      'D2.O3.A': 'not_met',
      'D2.O3.B': 'not_met',
      'D2.O3.C': 'not_met',
      'D2.O3.D': 'partially_met',
    });
    expect(find(dossier, 'D2.O3.C').reasons).toEqual([
      'DS-DPI : seulement 2 copie(s) : la production et 1 sauvegarde(s), 3 attendues ; aucune copie hors du site de production (Site principal)',
      '1 jeu(x) de données sans copie déconnectée ou immuable',
    ]);
  });

  it('D2.O2.A/B: policy must cover outsourced services, plans must cover every critical activity', () => {
    const dossier = smallHospitalDossier();
    dossier.documents = dossier.documents.map((d) =>
      d.kind === 'backup_policy'
        ? { ...d, coversOutsourced: false }
        : d.kind === 'backup_plan'
          ? { ...d, activityIds: ['URG'] }
          : d,
    );
    expect(find(dossier, 'D2.O2.A').reasons).toEqual([
      'la politique ne couvre pas les services externalisés / SaaS (clauses contractuelles)',
    ]);
    expect(find(dossier, 'D2.O2.B')).toMatchObject({
      status: 'partially_met',
      value: '1/3 activité(s) critique(s) couvertes par un plan',
      reasons: ['activités sans plan : PHARMA, PAIE'],
    });
  });
});
