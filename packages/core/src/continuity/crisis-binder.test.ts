import { describe, expect, it } from 'vitest';
import { assembleCrisisBinder, crisisContactsSchema, frenchDateTime, frenchDuration } from './crisis-binder.js';
import { computeRestorePlan } from './restore-plan.js';
import { smallHospital, smallHospitalContacts, smallHospitalDossier } from './testing/small-hospital.js';

const CONTACTS = smallHospitalContacts();

function binder() {
  const graph = smallHospital();
  return assembleCrisisBinder({
    graph,
    plan: computeRestorePlan(graph),
    contacts: crisisContactsSchema.parse(CONTACTS),
    backupInfrastructure: smallHospitalDossier().backupInfrastructure!,
    generatedAt: '2026-11-28T22:05:00Z',
  });
}

describe('crisis binder content', () => {
  it('has the sections in reading order, in French', () => {
    const b = binder();
    expect(b.title).toBe('Classeur de crise cyber');
    expect(b.subtitle).toBe('Centre hospitalier de Saint-Étienne-du-Rouvray — FINESS 760000000');
    expect(b.generatedAt).toContain('28 novembre 2026 à 22 h 05 (UTC)');
    expect(b.sections.map((s) => [s.id, s.title])).toEqual([
      ['crisis-cell', 'Cellule de crise'],
      ['call-tree', "Arbre d'appel"],
      ['contacts', 'CERT Santé, ARS et contacts externes'],
      ['isolation', 'Isolement « bouton rouge »'],
      ['restore-order', 'Ordre de restauration'],
      ['degraded-modes', 'Procédures de mode dégradé'],
      ['warnings', "Points d'attention"],
    ]);
  });

  it('puts phones next to the people of the call tree and the CERT Santé on-call line in the contacts', () => {
    const b = binder();
    const tree = b.sections.find((s) => s.id === 'call-tree')!.blocks.find((x) => x.type === 'list');
    expect(tree).toEqual({
      type: 'list',
      ordered: true,
      items: [
        'Directeur de crise (06 11 22 33 44) appelle : RSSI (06 99 88 77 66), Cadre de garde',
        'RSSI (06 99 88 77 66) appelle : Prestataire infogérance (01 23 45 67 89)',
      ],
    });
    const table = b.sections.find((s) => s.id === 'contacts')!.blocks.find((x) => x.type === 'table');
    expect(table?.type === 'table' && table.rows.map((r) => r.slice(0, 2))).toEqual([
      ['CERT Santé — permanence', '09 72 43 91 25'],
      ['ARS Normandie — point focal', '02 31 00 00 00'],
      ['Prestataire infogérance', '01 23 45 67 89'],
    ]);
  });

  it('prints the restore order with earliest times, and the activities against RTO and DMIA', () => {
    const section = binder().sections.find((s) => s.id === 'restore-order')!;
    const [order, activities] = section.blocks.filter((x) => x.type === 'table');
    expect(order?.type === 'table' && order.rows.map((r) => [r[0], r[1], r[2], r[5], r[6]])).toEqual([
      ['P1', '1', 'Baie de stockage (STOR)', 'H+0 min', 'H+5 h'],
      ['P1', '2', 'Cluster hyperviseur (HYPERV)', 'H+5 h', 'H+11 h'],
      ['P1', '3', 'Active Directory (AD)', 'H+11 h', 'H+15 h'],
      ['P1', '3', 'DNS interne (DNS)', 'H+11 h', 'H+12 h'],
      ['P1', '4', 'Dossier patient informatisé (DPI)', 'H+15 h', 'H+18 h'],
      ['P2', '1', 'Logiciel de pharmacie (PHARMA-APP)', 'H+15 h', 'H+17 h'],
      ['P3', '1', 'Logiciel de paie (PAIE-APP)', 'H+15 h', 'H+17 h'],
    ]);
    expect(activities?.type === 'table' && activities.rows.map((r) => [r[0], r[4], r[5]])).toEqual([
      ['Urgences', 'H+18,5 h', 'DMIA dépassée'],
      ['Pharmacie à usage intérieur', 'H+19 h', 'RTO dépassé'],
      ['Paie', 'H+19 h', 'dans le RTO'],
    ]);
    expect(section.blocks.at(-1)).toEqual({
      type: 'paragraph',
      text: 'Chemin critique : Baie de stockage → Cluster hyperviseur → Active Directory → Dossier patient informatisé → Pharmacie à usage intérieur.',
    });
  });

  it('gives every activity its degraded-mode procedure, most critical first, and takes isolation steps from the backup infrastructure', () => {
    const b = binder();
    const degraded = b.sections.find((s) => s.id === 'degraded-modes')!.blocks;
    expect(degraded.filter((x) => x.type === 'heading').map((x) => x.type === 'heading' && x.text)).toEqual([
      'Urgences — Service de soins, P1',
      'Pharmacie à usage intérieur — Plateau technique, P2',
      'Paie — Processus administratif, P3',
    ]);
    expect(degraded).toContainEqual({
      type: 'paragraph',
      text: 'Dossiers papier, bons de radiologie manuscrits, main courante.',
    });
    const isolation = b.sections.find((s) => s.id === 'isolation')!.blocks.find((x) => x.type === 'list');
    expect(isolation?.type === 'list' && isolation.items[0]).toContain('bouton rouge');
  });

  it('says what is missing instead of printing empty sections', () => {
    const graph = { activities: [], components: [], dependencies: [] };
    const b = assembleCrisisBinder({
      graph,
      plan: computeRestorePlan(graph),
      contacts: crisisContactsSchema.parse({ ...CONTACTS, crisisCell: [], callTree: [] }),
      generatedAt: '2026-01-01T00:00:00Z',
    });
    const texts = b.sections.flatMap((s) =>
      s.blocks.filter((x) => x.type === 'paragraph').map((x) => x.type === 'paragraph' && x.text),
    );
    expect(texts).toEqual(
      expect.arrayContaining([
        'Aucun membre de la cellule de crise renseigné.',
        "Aucun arbre d'appel renseigné.",
        "Aucune étape d'isolement renseignée : à définir avant tout incident.",
        'Aucun composant à restaurer.',
        'Aucune activité critique renseignée.',
      ]),
    );
  });

  it('refuses malformed contacts', () => {
    expect(crisisContactsSchema.safeParse({ ...CONTACTS, ars: { name: 'ARS', phone: 'call me' } }).success).toBe(false);
    expect(crisisContactsSchema.safeParse({ ...CONTACTS, extra: 1 }).success).toBe(false);
  });

  it('formats French dates and durations', () => {
    expect(frenchDateTime('2026-03-01T09:07:00Z')).toBe('1 mars 2026 à 9 h 07 (UTC)');
    expect([0.25, 1, 18.5, 47.99, 48, 50.5].map(frenchDuration)).toEqual([
      '15 min',
      '1 h',
      '18,5 h',
      '2 j',
      '2 j',
      '2 j 2,5 h',
    ]);
  });
});
