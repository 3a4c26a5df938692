import { backupInfrastructureSchema, datasetSchema } from '../backups.js';
import type { CrisisContactsInput } from '../crisis-binder.js';
import { type ContinuityDossier, continuityDocumentSchema } from '../d2-indicators.js';
import { exerciseSchema } from '../exercises.js';
import type { ContinuityGraph, ContinuityGraphInput } from '../model.js';
import { continuityGraphSchema } from '../model.js';

/**
 * A small hospital used by the hand-computed tests: emergency care, pharmacy and payroll on top of the DPI,
 * the AD, DNS, a hypervisor cluster and storage. Hours are chosen so every figure can be checked by hand.
 */
export function smallHospitalInput(): ContinuityGraphInput {
  return {
    activities: [
      {
        id: 'URG',
        name: 'Urgences',
        kind: 'care_service',
        owner: 'Chef de service des urgences',
        priority: 1,
        mtdHours: 8,
        rtoHours: 4,
        rpoHours: 1,
        resumptionHours: 0.5,
        impacts: [
          { afterHours: 1, level: 2 },
          { afterHours: 4, level: 3 },
          { afterHours: 8, level: 4 },
        ],
        degradedModeProcedure: 'Dossiers papier, bons de radiologie manuscrits, main courante.',
      },
      {
        id: 'PHARMA',
        name: 'Pharmacie à usage intérieur',
        kind: 'technical_platform',
        owner: 'Pharmacien gérant',
        priority: 2,
        mtdHours: 24,
        rtoHours: 12,
        rpoHours: 4,
        resumptionHours: 1,
        degradedModeProcedure: 'Prescriptions papier, dispensation nominative manuelle.',
      },
      {
        id: 'PAIE',
        name: 'Paie',
        kind: 'administrative_process',
        owner: 'Directeur des ressources humaines',
        priority: 3,
        mtdHours: 120,
        rtoHours: 72,
        rpoHours: 24,
        resumptionHours: 2,
        degradedModeProcedure: 'Reconduction de la paie du mois précédent.',
      },
    ],
    components: [
      { id: 'DPI', name: 'Dossier patient informatisé', kind: 'application', priority: 1, restoreHours: 3 },
      { id: 'AD', name: 'Active Directory', kind: 'active_directory', priority: 1, restoreHours: 4 },
      { id: 'DNS', name: 'DNS interne', kind: 'dns', priority: 1, restoreHours: 1, hasAlternative: true },
      { id: 'HYPERV', name: 'Cluster hyperviseur', kind: 'hypervisor', priority: 2, restoreHours: 6 },
      { id: 'STOR', name: 'Baie de stockage', kind: 'storage', priority: 1, restoreHours: 5 },
      { id: 'PHARMA-APP', name: 'Logiciel de pharmacie', kind: 'application', priority: 2, restoreHours: 2 },
      { id: 'PAIE-APP', name: 'Logiciel de paie', kind: 'application', priority: 3, restoreHours: 2 },
    ],
    dependencies: [
      { from: 'URG', to: 'DPI' },
      { from: 'DPI', to: 'AD' },
      { from: 'DPI', to: 'DNS' },
      { from: 'DPI', to: 'HYPERV' },
      { from: 'AD', to: 'HYPERV' },
      { from: 'DNS', to: 'HYPERV' },
      { from: 'HYPERV', to: 'STOR' },
      { from: 'PHARMA', to: 'PHARMA-APP' },
      { from: 'PHARMA', to: 'DPI' },
      { from: 'PHARMA-APP', to: 'AD' },
      { from: 'PAIE', to: 'PAIE-APP' },
      { from: 'PAIE-APP', to: 'AD' },
    ],
  };
}

export function smallHospital(): ContinuityGraph {
  return continuityGraphSchema.parse(smallHospitalInput());
}

/** Backups, infrastructure, exercises and documents of the small hospital, every D2 objective met. */
export function smallHospitalDossier(): ContinuityDossier {
  const graph = smallHospital();
  const datasets = [
    datasetSchema.parse({
      id: 'DS-DPI',
      name: 'Base du DPI',
      componentIds: ['DPI'],
      productionSite: 'Site principal',
      productionMedia: 'san_snapshot',
      backupIntervalHours: 1,
      copies: [
        { id: 'DPI-NAS', media: 'nas', site: 'Site principal', encrypted: true },
        { id: 'DPI-TAPE', media: 'tape', site: 'Bâtiment B', offline: true, encrypted: true },
      ],
      lastSuccessfulBackupAt: '2026-03-31T22:00:00Z',
      lastBackupErrors: 0,
      lastRestoreTest: { date: '2026-02-10', success: true, scope: 'production', businessReferent: 'Dr Martin' },
    }),
  ];
  const backupInfrastructure = backupInfrastructureSchema.parse({
    authentication: 'local_accounts',
    mfa: 'enabled',
    leastPrivilegeOperatorRole: true,
    isolation: {
      capable: true,
      steps: [
        'Couper les liens réseau du serveur de sauvegarde (prise « bouton rouge » en baie B2)',
        'Prévenir le RSSI',
      ],
    },
    milestones: [
      { title: 'VLAN dédié aux sauvegardes', objective: 'D2.O3.B', dueDate: '2026-06-30' },
      { title: 'Bandes externalisées chaque semaine', objective: 'D2.O3.C', dueDate: '2026-05-31', done: true },
    ],
    monitoring: { documented: true, successChecks: true, failureProcedure: true },
  });
  const exercises = [
    exerciseSchema.parse({
      id: 'EX-1',
      title: 'Bascule des urgences sur papier',
      kind: 'pca_field_test',
      scenario: 'Indisponibilité totale du SI un lundi matin',
      date: '2026-01-20',
      participants: [{ name: 'Dr Martin', role: 'Chef des urgences' }],
      activityIds: ['URG'],
      findings: ['Bons de radiologie papier introuvables'],
      actions: [{ title: 'Stock de bons papier dans chaque box', owner: 'Cadre de santé', dueDate: '2026-03-01' }],
    }),
    exerciseSchema.parse({
      id: 'EX-2',
      title: 'Restauration du DPI en production',
      kind: 'restore_test',
      scenario: 'Restauration de la base du DPI depuis la bande',
      date: '2026-02-10',
      participants: [{ name: 'Équipe DSI', role: 'Exploitation' }],
      restore: {
        datasetIds: ['DS-DPI'],
        toProduction: true,
        success: true,
        businessReferent: 'Dr Martin',
        durationHours: 6,
      },
    }),
  ];
  const documents = [
    { id: 'DOC-PSSI', kind: 'pssi', title: 'PSSI 2025', date: '2025-03-01', signedByLegalRepresentative: true },
    {
      id: 'DOC-ORG',
      kind: 'project_organisation',
      title: 'Organisation PCRA',
      date: '2025-09-01',
      pcraOwner: 'M. Durand',
    },
    { id: 'DOC-GOV', kind: 'governance', title: 'Gouvernance continuité', date: '2025-09-15' },
    { id: 'DOC-CRISE', kind: 'crisis_procedures', title: 'Procédures de crise cyber', date: '2025-10-01' },
    { id: 'DOC-PB', kind: 'plan_blanc_digital', title: 'Plan blanc, volet numérique', date: '2025-10-01' },
    {
      id: 'DOC-POL',
      kind: 'backup_policy',
      title: 'Politique de sauvegarde',
      date: '2025-11-01',
      coversOutsourced: true,
    },
    {
      id: 'DOC-PLAN',
      kind: 'backup_plan',
      title: 'Plan de sauvegarde',
      date: '2025-11-01',
      activityIds: ['URG', 'PHARMA', 'PAIE'],
    },
  ].map((d) => continuityDocumentSchema.parse(d));
  return { graph, datasets, backupInfrastructure, exercises, documents };
}

/** Crisis contacts of the small hospital (fictitious names and numbers). */
export function smallHospitalContacts(): CrisisContactsInput {
  return {
    establishment: { name: 'Centre hospitalier de Saint-Étienne-du-Rouvray', finess: '760000000' },
    crisisCell: [
      {
        role: 'Directeur de crise',
        name: 'Mme Lefèvre',
        phone: '06 11 22 33 44',
        alternate: { name: 'M. Noël', phone: '06 55 66 77 88' },
      },
      { role: 'RSSI', name: 'M. Durand', phone: '06 99 88 77 66' },
    ],
    callTree: [
      { caller: 'Directeur de crise', calls: ['RSSI', 'Cadre de garde'] },
      { caller: 'RSSI', calls: ['Prestataire infogérance'] },
    ],
    ars: { name: 'ARS Normandie — point focal', phone: '02 31 00 00 00', email: 'ars-alerte@example.org' },
    otherContacts: [{ name: 'Prestataire infogérance', phone: '01 23 45 67 89', note: 'contrat n° 42' }],
  };
}
