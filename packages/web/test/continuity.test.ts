import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '@rempart/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  apiSession,
  launchChromium,
  openSession,
  type RunningPlatform,
  seriousProblems,
  signInDemo,
  startPlatform,
} from './harness.js';

const PDFTOTEXT = '/usr/bin/pdftotext';
const NAMES: Record<string, string> = {
  urgences: 'Urgences',
  dpi: 'DPI',
  ad: 'Active Directory',
  dns: 'DNS',
  hyperviseur: 'Hyperviseur',
  stockage: 'Baie de stockage',
};
const PROCEDURE = 'Dossiers patients papier, fiches de liaison, bons de radiologie manuscrits';

async function addComponent(page: Page, key: string, name: string, kind: string, priority: number, hours: string) {
  const form = page.getByRole('form', { name: 'Composant' });
  await form.getByLabel('Identifiant du composant').fill(key);
  await form.getByLabel('Nom du composant').fill(name);
  await form.getByLabel('Type de composant').selectOption(kind);
  await form.getByLabel('Priorité du composant').selectOption(String(priority));
  await form.getByLabel('Restauration (h)').fill(hours);
  await form.getByRole('button', { name: 'Enregistrer le composant' }).click();
  await page.getByText(`Composant « ${name} » enregistré.`).waitFor();
}

async function addDependency(page: Page, from: string, to: string) {
  const form = page.getByRole('form', { name: 'Dépendance' });
  await form.getByLabel('Élément dépendant').selectOption(from);
  await form.getByLabel('A besoin de').selectOption(to);
  await form.getByRole('button', { name: 'Ajouter la dépendance' }).click();
  // The notice names both ends: waiting for it means this very dependency was saved.
  await page.getByText(`Dépendance ${NAMES[from]} → ${NAMES[to]} ajoutée.`).waitFor();
}

describe('continuity and recovery (CaRE D2) pages', { timeout: 300_000 }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let entityId: number;
  const work = mkdtempSync(join(tmpdir(), 'rempart-continuity-'));

  beforeAll(async () => {
    if (!existsSync(PDFTOTEXT)) {
      throw new Error(`${PDFTOTEXT} is missing: install poppler-utils (apt-get install -y poppler-utils)`);
    }
    platform = await startPlatform();
    browser = await launchChromium();
    const rssi = await apiSession(platform.baseUrl, 'rssi@rempart.demo', DEMO_PASSWORD);
    const me = (await rssi('GET', '/auth/me')).body as { grants: Array<{ organisationId: number }> };
    entityId = me.grants[0]!.organisationId;
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('the RSSI builds a small hospital, reads the restore plan, simulates the loss of the AD and gets the binder', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'rssi@rempart.demo');

    // The main navigation entry leads to the establishment's BIA.
    await page.getByRole('link', { name: 'Continuité (D2)' }).first().click();
    await page.waitForURL(new RegExp(`/organisations/${entityId}/continuite$`));
    await page.getByRole('heading', { name: 'Analyse d’impact (BIA)', level: 1 }).waitFor();
    await page.getByText('Aucune activité critique décrite').waitFor();

    // 1. BIA: the emergency department, with an inconsistent figure first (RTO above the MTD).
    await page.getByRole('button', { name: 'Ajouter une activité critique' }).click();
    const form = page.getByRole('form', { name: 'Activité critique' });
    await form.getByLabel('Identifiant').fill('urgences');
    await form.getByLabel('Nom de l’activité').fill('Urgences');
    await form.getByLabel('Responsable').fill('Chef de service des urgences');
    await form.getByLabel('Priorité').selectOption('1');
    await form.getByLabel('DMIA (h)').fill('24');
    await form.getByLabel('RTO (h)').fill('48');
    await form.getByLabel('RPO (h)').fill('1');
    await form.getByLabel('Impacts dans le temps').fill('4;3;patients réorientés\n12;4;mise en danger des patients');
    await form.getByLabel('Procédure en mode dégradé').fill(PROCEDURE);
    await form.getByRole('button', { name: 'Enregistrer l’activité' }).click();
    await page.getByText('le RTO ne peut pas dépasser la DMIA').waitFor();
    await form.getByLabel('RTO (h)').fill('8');
    await form.getByRole('button', { name: 'Enregistrer l’activité' }).click();
    await page.getByText('Activité « Urgences » enregistrée.').waitFor();
    const bia = await page.getByTestId('bia-activities').textContent();
    expect(bia).toContain('Urgences');
    expect(bia).toContain('8 h');
    expect(bia).toContain('après 12 h : critique');

    // 2. Dependency graph: DPI → AD, DNS, hypervisor, storage.
    await page.getByRole('link', { name: 'Graphe de dépendances' }).click();
    await page.getByRole('heading', { name: 'Graphe de dépendances', level: 1 }).waitFor();
    await addComponent(page, 'dpi', 'DPI', 'application', 1, '4');
    await addComponent(page, 'ad', 'Active Directory', 'active_directory', 1, '6');
    await addComponent(page, 'dns', 'DNS', 'dns', 1, '1');
    await addComponent(page, 'hyperviseur', 'Hyperviseur', 'hypervisor', 1, '8');
    await addComponent(page, 'stockage', 'Baie de stockage', 'storage', 1, '5');
    await addDependency(page, 'urgences', 'dpi');
    for (const infra of ['ad', 'dns', 'hyperviseur', 'stockage']) await addDependency(page, 'dpi', infra);
    await addDependency(page, 'ad', 'hyperviseur');
    await addDependency(page, 'hyperviseur', 'stockage');
    const drawing = page.getByTestId('dependency-graph');
    await expect.poll(() => drawing.locator('line').count()).toBe(7);
    expect(await drawing.locator('g[role="button"]').count()).toBe(6);
    await drawing.getByRole('button', { name: /^DPI / }).click();
    const details = await page.getByTestId('graph-node-details').textContent();
    expect(details).toContain('Nécessaire à : Urgences');
    expect(details).toContain('Active Directory');
    await page.getByTestId('dependency-graph').screenshot({ path: join(tmpdir(), 'rempart-continuity-graph.png') });

    // A malformed CSV import is refused with the offending line named.
    const importForm = page.getByRole('form', { name: 'Import du graphe' });
    await importForm.getByLabel('Format d’import').selectOption('csv');
    await importForm.getByLabel('CSV des activités').fill('id,name\nx');
    await importForm.getByLabel('CSV des composants').fill('id,name,kind\n');
    await importForm.getByLabel('CSV des dépendances').fill('from,to\n');
    await importForm.getByRole('button', { name: 'Importer' }).click();
    await page.getByText('Import refusé').waitFor();
    expect(await page.getByTestId('import-issues').textContent()).toMatch(/ligne \d+ :/);
    // The graph built through the forms is untouched.
    expect(await drawing.locator('g[role="button"]').count()).toBe(6);

    // 3. Restore plan: infrastructure first, then the DPI, then the emergency department.
    await page.getByRole('link', { name: 'Plan de reprise' }).click();
    await page.getByRole('heading', { name: 'Plan de reprise', level: 1 }).waitFor();
    // The heading is drawn before the plan arrives: wait for the list itself.
    const orderItems = page.getByTestId('restore-order').locator('li');
    await expect.poll(() => orderItems.count()).toBe(6);
    const order = (await orderItems.allTextContents()).map((t) => t.trim());
    const at = (prefix: string) => order.findIndex((t) => t.startsWith(prefix));
    expect(order).toHaveLength(6);
    for (const infra of ['Active Directory', 'DNS', 'Hyperviseur', 'Baie de stockage']) {
      expect(at(infra)).toBeGreaterThanOrEqual(0);
      expect(at(infra)).toBeLessThan(at('DPI'));
    }
    expect(at('Baie de stockage')).toBeLessThan(at('Hyperviseur'));
    expect(at('Hyperviseur')).toBeLessThan(at('Active Directory'));
    expect(at('DPI')).toBeLessThan(at('Activité : Urgences'));
    expect(at('Activité : Urgences')).toBe(5);
    // storage 5 h, hypervisor 8 h, AD 6 h, DPI 4 h: the emergency department is back at 23 h, over its 8 h RTO.
    const plan = await page.getByTestId('restore-plan').textContent();
    expect(plan).toContain('Activité : Urgences — reprise à 23 h');
    expect(plan).toContain('KO : RTO dépassé');
    expect(await page.getByTestId('critical-path').textContent()).toMatch(
      /Baie de stockage.*Hyperviseur.*DPI.*Urgences/,
    );
    // The single points of failure are reported.
    expect(await page.getByTestId('plan-warnings').textContent()).toMatch(/Active Directory|ad/);
    const shot = join(tmpdir(), 'rempart-continuity-plan.png');
    await page.screenshot({ path: shot, fullPage: true });

    // "What if": the AD is lost.
    // DSFR draws the box over the input: click its label.
    await page.locator('label[for="lost-ad"]').click();
    expect(await page.locator('#lost-ad').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Simuler la perte' }).click();
    const whatIf = page.getByTestId('what-if-result');
    await whatIf.waitFor();
    const simulated = await whatIf.textContent();
    expect(simulated).toContain('Urgences');
    // Only the AD is restored (6 h); the DPI, not lost itself, comes back with it: within the 8 h RTO.
    expect(simulated).toContain('Urgences (P1)6 h8 h24 hOK : dans le RTO');
    expect(simulated).not.toContain('KO');
    expect(simulated).toContain('Composants à restaurer : 2 · reprise complète : 6 h');

    // 4. Backups, indicators and the crisis binder.
    await page.getByRole('link', { name: 'Sauvegardes, exercices et indicateurs' }).click();
    await page.getByRole('heading', { name: 'Sauvegardes, exercices et indicateurs', level: 1 }).waitFor();
    expect(await page.getByTestId('d2-indicators').textContent()).toContain('D2.O1.C');
    // A dataset entered as JSON: a bad field is named, then the 3-2-1-1-0 rule is checked with its reasons.
    const records = page.getByRole('form', { name: 'Enregistrement JSON' });
    await records.getByLabel('Type d’enregistrement').selectOption('datasets');
    await records.getByLabel('Identifiant de l’enregistrement').fill('DS-DPI');
    await records.getByLabel('Contenu JSON').fill('{"name": "Base du DPI", "productionSite": "Site principal"}');
    await records.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText(/DS-DPI : copies :/).waitFor();
    await records.getByLabel('Contenu JSON').fill(
      JSON.stringify({
        name: 'Base du DPI',
        componentIds: ['dpi'],
        productionSite: 'Site principal',
        backupIntervalHours: 1,
        copies: [
          { id: 'DPI-NAS', media: 'nas', site: 'Site principal', encrypted: true },
          { id: 'DPI-TAPE', media: 'tape', site: 'Bâtiment B', offline: true, encrypted: true },
        ],
        lastBackupErrors: 0,
      }),
    );
    await records.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Jeu de données sauvegardé enregistré.').waitFor();
    const dataset = page.getByTestId('dataset');
    await dataset.waitFor();
    const rule = await dataset.textContent();
    expect(rule).toContain('Base du DPI');
    expect(rule).toMatch(/3-2-1-1-0 (non )?respectée/);
    for (const check of ['3 copies', '2 supports', '1 hors site', '1 hors ligne ou immuable', '0 erreur']) {
      expect(rule).toContain(check);
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Télécharger le classeur de crise \(PDF\)/ }).click(),
    ]);
    const pdf = join(work, 'classeur.pdf');
    await download.saveAs(pdf);
    const text = execFileSync(PDFTOTEXT, ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Urgences');
    expect(text.replace(/\s+/g, ' ')).toContain(PROCEDURE);
    const position = (needle: string) => text.indexOf(needle);
    for (const name of ['Baie de stockage', 'Hyperviseur', 'Active Directory', 'DPI']) {
      expect(position(name)).toBeGreaterThanOrEqual(0);
    }
    expect(position('Baie de stockage')).toBeLessThan(position('Hyperviseur'));
    expect(text).toMatch(/ordre de (reprise|restauration)/i);
    expect(seriousProblems(problems)).toEqual([]);
  });

  test('a regional referent cannot open the continuity details of the establishment', async () => {
    const { page } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'ars.ara@rempart.demo');
    for (const path of ['continuite', 'continuite/plan', 'continuite/sauvegardes']) {
      await page.goto(`/organisations/${entityId}/${path}`);
      await page.getByRole('heading', { name: 'Accès refusé', level: 1 }).waitFor();
    }
    expect(await page.content()).not.toContain('Ordre de reprise');
    const referent = await apiSession(platform.baseUrl, 'ars.ara@rempart.demo', DEMO_PASSWORD);
    const binder = await referent('GET', `/organisations/${entityId}/continuity/plan`);
    expect(binder.status).toBe(403);
  });
});
