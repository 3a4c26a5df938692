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
