import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderCrisisBinderPdf, toWinAnsi } from './binder-pdf.js';
import { assembleCrisisBinder, crisisContactsSchema } from './crisis-binder.js';
import { continuityGraphSchema } from './model.js';
import { computeRestorePlan } from './restore-plan.js';
import { smallHospitalContacts, smallHospitalDossier, smallHospitalInput } from './testing/small-hospital.js';

/** Text of a PDF through poppler's pdftotext (apt package poppler-utils); fails loudly when it is missing. */
function pdfText(pdf: Buffer): string {
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 }).toString(
      'utf8',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('pdftotext introuvable : installer poppler-utils (apt-get install -y poppler-utils)');
    }
    throw error;
  }
}

function smallHospitalBinder(graph = continuityGraphSchema.parse(smallHospitalInput())) {
  return assembleCrisisBinder({
    graph,
    plan: computeRestorePlan(graph),
    contacts: crisisContactsSchema.parse(smallHospitalContacts()),
    backupInfrastructure: smallHospitalDossier().backupInfrastructure!,
    generatedAt: '2026-11-28T22:05:00Z',
  });
}

describe('crisis binder PDF', () => {
  it('renders every section with French accents readable by pdftotext', async () => {
    const pdf = await renderCrisisBinderPdf(smallHospitalBinder());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      'Classeur de crise cyber',
      'Centre hospitalier de Saint-Étienne-du-Rouvray',
      'Édité le 28 novembre 2026 à 22 h 05 (UTC)',
      '1. Cellule de crise',
      "2. Arbre d'appel",
      '3. CERT Santé, ARS et contacts externes',
      '4. Isolement « bouton rouge »',
      '5. Ordre de restauration',
      '6. Procédures de mode dégradé',
      'Mme Lefèvre',
      '09 72 43 91 25',
      'Dossiers papier, bons de radiologie manuscrits, main courante.',
      'Prescriptions papier, dispensation nominative manuelle.',
      'Reconduction de la paie du mois précédent.',
      'Urgences — Service de soins, P1',
      'Pharmacie à usage intérieur',
      "durée maximale d'interruption admissible",
    ]) {
      expect(text).toContain(expected);
    }
    // The arrow of the critical path is outside WinAnsi: printed as "->", never as garbage.
    expect(text).toContain('Baie de stockage -> Cluster hyperviseur -> Active Directory');
    expect(text).toMatch(/page 1 \/ \d+/);
  });

  it('lays out a long procedure and a big plan over several pages', async () => {
    const input = smallHospitalInput();
    input.activities[0]!.degradedModeProcedure = Array.from(
      { length: 400 },
      (_, i) => `Étape ${i + 1} : noter à la main.`,
    ).join('\n');
    for (let i = 0; i < 300; i++) {
      input.components.push({ id: `SRV-${i}`, name: `Serveur ${i}`, kind: 'server', priority: 3, restoreHours: 1 });
      input.dependencies.push({ from: 'PAIE-APP', to: `SRV-${i}` });
    }
    const text = pdfText(await renderCrisisBinderPdf(smallHospitalBinder(continuityGraphSchema.parse(input))));
    expect(text).toContain('Étape 400 : noter à la main.');
    expect(text).toContain('Serveur 299 (SRV-299)');
    const pages = Number(/page 1 \/ (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThan(10);
  });

  it('maps characters the standard fonts lack', () => {
    expect(toWinAnsi('a → b ≥ 3, œuvre « é » €, ő, 漢, \u0007')).toBe('a -> b >= 3, œuvre « é » €, o, ?,  ');
  });
});
