import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  textOf,
} from './harness.js';

const SCREENSHOTS = process.env.REMPART_SCREENSHOTS ?? '/tmp';
/** A small but well-formed PDF: the server checks the type on the content, not the name. */
const PSSI_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** Picks an option of a requirement by clicking its label, then waits for the saved answer to show as checked. */
async function answer(page: Page, requirementId: string, option: string) {
  const requirement = page.getByTestId(`requirement-${requirementId}`);
  await requirement.getByText(option, { exact: true }).click();
  await expect.poll(() => requirement.getByLabel(option, { exact: true }).isChecked()).toBe(true);
}

describe('CaRE self-assessment, roadmap and dashboards in chromium against the real server', {
  timeout: 300_000,
}, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let entityId: number;
  let regionId: number;
  let assessmentId: number;
  let evidenceUrl: string;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
    const grantOf = async (email: string) => {
      const row = await platform.handle.db
        .selectFrom('app_user as u')
        .innerJoin('role_grant as g', 'g.user_id', 'u.id')
        .select('g.organisation_id')
        .where('u.email', '=', email)
        .executeTakeFirstOrThrow();
      return row.organisation_id;
    };
    entityId = await grantOf('rssi@rempart.demo');
    regionId = await grantOf('ars.ara@rempart.demo');
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  test('the establishment RSSI answers the questionnaire (saved as they go), meets a concurrent edit, submits', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'rssi@rempart.demo');
    await page.goto(`/organisations/${entityId}/care`);
    await page.getByRole('heading', { name: /^Programme CaRE/ }).waitFor();
    await page.getByRole('button', { name: 'Commencer une auto-évaluation CaRE' }).click();
    await page.waitForURL(/\/evaluations\/\d+$/);
    assessmentId = Number(/\/evaluations\/(\d+)$/.exec(page.url())![1]);
    await page.getByRole('heading', { name: 'Auto-évaluation CaRE', level: 1 }).waitFor();
    const total = /\/ (\d+) exigences renseignées/.exec(await textOf(page.getByTestId('progress-overall')))![1]!;
    expect(Number(total)).toBeGreaterThan(20);
    expect(await textOf(page.getByTestId('progress-overall'))).toContain(`0 / ${total}`);

    await answer(page, 'A1.O1.R1', 'Réalisé et à jour, preuves disponibles');
    await answer(page, 'A1.O1.R2', 'Oui, preuves disponibles');
    await answer(page, 'A1.O1.R3', 'Je ne sais pas');
    await answer(page, 'A1.O1.R4', 'Partiellement réalisé');
    const comment = page.getByLabel('Commentaire (A1.O1.R1)');
    await comment.fill('PSSI signée le 3 mars, revue annuelle en comité de direction');
    await comment.blur();
    await page.getByText(/Commentaire enregistré\(e\) à/).waitFor();

    // Evidence for A1.O1.R1: the signed PSSI as a file, with an expiry date, and a link to the intranet page.
    const evidence = page.getByTestId('evidence-A1.O1.R1');
    await evidence.getByText('Pièces justificatives (0)').click();
    await evidence.getByLabel('Fichier').setInputFiles({
      name: 'programme.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('MZ\x90\x00 not a pdf at all'),
    });
    await evidence.getByRole('button', { name: 'Joindre le fichier' }).click();
    await evidence.getByText(/type de fichier non accepté/i).waitFor();
    await evidence.getByLabel('Valable jusqu’au (facultatif)').fill('2027-12-31');
    await evidence.getByLabel('Fichier').setInputFiles({
      name: 'PSSI signée 2026.pdf',
      mimeType: 'application/pdf',
      buffer: PSSI_PDF,
    });
    await evidence.getByRole('button', { name: 'Joindre le fichier' }).click();
    await evidence.getByRole('link', { name: 'PSSI signée 2026.pdf' }).waitFor();
    const sha = createHash('sha256').update(PSSI_PDF).digest('hex');
    expect(await textOf(evidence)).toContain(sha.slice(0, 12));
    expect(await textOf(evidence)).toContain('valable jusqu’au 31 déc. 2027');
    await evidence.getByLabel('Ou un lien https://').fill('https://intranet.chu.example/pssi');
    await evidence.getByLabel('Intitulé du lien').fill('PSSI sur l’intranet');
    await evidence.getByRole('button', { name: 'Ajouter le lien' }).click();
    await evidence.getByRole('link', { name: 'PSSI sur l’intranet' }).waitFor();
    await evidence.getByText('Pièces justificatives (2)').waitFor();
    const fileHref = await evidence.getByRole('link', { name: 'PSSI signée 2026.pdf' }).getAttribute('href');
    evidenceUrl = fileHref!;
    const downloaded = await page.request.get(fileHref!);
    expect(downloaded.status()).toBe(200);
    expect(Buffer.from(await downloaded.body()).equals(PSSI_PDF)).toBe(true);
    expect(await textOf(page.getByTestId('progress-overall'))).toContain(`4 / ${total}`);
    expect(await textOf(page.getByTestId('progress-A1'))).toMatch(/\(4 \/ \d+\)/);

    // Someone else saves meanwhile: the next save is refused (409), the page says so and reloads their answer.
    const other = await apiSession(platform.baseUrl, 'rssi@rempart.demo', DEMO_PASSWORD);
    const current = (await other('GET', `/assessments/${assessmentId}`)).body as { revision: number };
    const concurrent = await other('PATCH', `/assessments/${assessmentId}/answers`, {
      revision: current.revision,
      answers: { 'A1.O1.R5': { answer: { kind: 'level', level: 'largely' } } },
    });
    expect(concurrent.status).toBe(200);
    // …and an AD audit's indicators pre-fill two answers, with their source.
    const observedAt = '2026-11-20T08:00:00.000Z';
    const prefill = await other('POST', `/assessments/${assessmentId}/prefill`, {
      revision: (concurrent.body as { revision: number }).revision,
      readings: [
        { key: 'ad.audit_done', value: true, source: { tool: 'ad-audit', observedAt } },
        { key: 'ad.anssi_level', value: 3, source: { tool: 'ad-audit', observedAt } },
      ],
    });
    expect(prefill.status).toBe(200);
    const requirement = page.getByTestId('requirement-A1.O1.R3');
    await requirement.getByText('Non réalisé', { exact: true }).click();
    await page
      .getByTestId('revision-conflict')
      .getByText(/modifiée par quelqu’un d’autre/)
      .waitFor();
    await expect
      .poll(() => page.getByTestId('requirement-A1.O1.R5').getByLabel('Largement réalisé').isChecked())
      .toBe(true);
    expect(await requirement.getByLabel('Je ne sais pas').isChecked()).toBe(true);
    const prefilled = page.getByTestId('prefill-D1.AD.R2');
    expect(await textOf(prefilled)).toContain('source : ad-audit, indicateur ad.anssi_level = 3');
    expect(await textOf(prefilled)).toContain('Pré-rempli');
    // After the reload the same change goes through.
    await answer(page, 'A1.O1.R3', 'Non réalisé');
    // Four of ours, A1.O1.R5 from the other session, D1.AD.R1 and D1.AD.R2 pre-filled.
    expect(await textOf(page.getByTestId('progress-overall'))).toContain(`7 / ${total}`);

    await page.getByRole('heading', { name: /^A1\.O1 — / }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'rempart-care-questionnaire.png') });

    // The rest does not concern this establishment in this test: declared not applicable in one step.
    await page.getByRole('button', { name: /^Déclarer « Non applicable » les \d+ exigences sans réponse$/ }).click();
    await expect.poll(async () => textOf(page.getByTestId('progress-overall'))).toContain(`${total} / ${total}`);
    await page.getByRole('button', { name: 'Soumettre l’auto-évaluation' }).click();
    await expect.poll(() => textOf(page.getByTestId('assessment-status'))).toBe('Soumise');
    await page.getByText('En attente de la signature de la direction.').waitFor();
    // Submitted: the answers and comments are shown read-only.
    const r1 = page.getByTestId('requirement-A1.O1.R1');
    const chosen = r1.getByLabel('Réalisé et à jour, preuves disponibles', { exact: true });
    expect(await chosen.isChecked()).toBe(true);
    await expect.poll(() => chosen.isDisabled()).toBe(true);
    expect(await r1.getByLabel('Non réalisé', { exact: true }).isDisabled()).toBe(true);
    expect(await r1.getByLabel('Commentaire (A1.O1.R1)').isDisabled()).toBe(true);

    // The stored answers are what the page showed.
    const stored = (await other('GET', `/assessments/${assessmentId}`)).body as {
      status: string;
      answers: Record<string, { answer: unknown; comment: string | null }>;
    };
    expect(stored.status).toBe('submitted');
    expect(stored.answers['A1.O1.R1']).toMatchObject({
      answer: { kind: 'level', level: 'complete' },
      comment: 'PSSI signée le 3 mars, revue annuelle en comité de direction',
    });
    expect(stored.answers['A1.O1.R3']?.answer).toEqual({ kind: 'level', level: 'none' });
    expect(stored.answers['A1.O1.R5']?.answer).toEqual({ kind: 'level', level: 'largely' });
    expect(Object.keys(stored.answers).length).toBe(Number(total));
    expect(seriousProblems(problems)).toEqual([]);
  });

  test('the director signs; the score, its trend and the roadmap appear; the RSSI follows a measure up', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'directeur@rempart.demo');
    await page.goto(`/evaluations/${assessmentId}`);
    await page.getByRole('button', { name: 'Signer en tant que directeur' }).click();
    await expect.poll(() => textOf(page.getByTestId('assessment-status'))).toBe('Signée par la direction');
    await page.getByText(/^Signée par la direction le /).waitFor();

    await page.getByRole('link', { name: 'Score et tendance' }).click();
    await page.getByRole('heading', { name: 'Score CaRE et tendance', level: 1 }).waitFor();
    expect(await textOf(page.getByTestId('overall-score'))).toMatch(/^\d+ %$/);
    await page.getByTestId('trend').locator('canvas').waitFor();
    await page.getByText(/^1 soumission\(s\), la dernière le /).waitFor();

    await page.getByRole('link', { name: 'Feuille de route' }).click();
    await page.getByRole('heading', { name: 'Feuille de route cyber', level: 1 }).waitFor();
    const measures = page.getByTestId('roadmap').locator('li');
    await measures.first().waitFor();
    expect(await measures.count()).toBeGreaterThan(0);
    expect(await textOf(page.getByTestId('roadmap-totals'))).toMatch(/mesure\(s\) — coût estimé/);
    for (const [name, type] of [
      ['CSV', 'text/csv'],
      ['Classeur XLSX', 'spreadsheetml'],
      ['Synthèse PDF pour la direction', 'application/pdf'],
    ] as const) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      const response = await page.request.get(href!);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toContain(type);
    }
    expect(seriousProblems(problems)).toEqual([]);

    const rssi = await openSession(browser, platform.baseUrl);
    await signInDemo(rssi.page, 'rssi@rempart.demo');
    await rssi.page.goto(`/evaluations/${assessmentId}/feuille-de-route`);
    const first = rssi.page.getByTestId('roadmap').locator('li').first();
    await first.getByLabel('Responsable').fill('Rachid RSSI');
    await first.getByLabel('Échéance').fill('2027-03-31');
    await first.getByLabel('Statut').selectOption('in_progress');
    await first.getByRole('button', { name: 'Enregistrer' }).click();
    await first.getByText(/enregistrée\.$/).waitFor();
    await rssi.page.reload();
    const reloaded = rssi.page.getByTestId('roadmap').locator('li').first();
    await expect.poll(() => reloaded.getByLabel('Responsable').inputValue()).toBe('Rachid RSSI');
    expect(await reloaded.getByLabel('Échéance').inputValue()).toBe('2027-03-31');
    expect(await reloaded.getByLabel('Statut').inputValue()).toBe('in_progress');
  });

  test('the regional referent sees the status in the regional dashboard, not the answers nor the roadmap', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'ars.ara@rempart.demo');
    await page.goto(`/organisations/${regionId}/tableau-de-bord`);
    await page.getByRole('heading', { name: /^Tableau de bord CaRE/, level: 1 }).waitFor();
    const row = page.getByTestId(`dashboard-row-${entityId}`);
    const text = await textOf(row);
    expect(text).toContain('Signée par la direction');
    expect(text).toMatch(/\d+ %/);
    // A1.O1 has a mandatory requirement unmet (A1.O1.R3): not reached.
    expect(await row.getByText('N', { exact: true }).count()).toBeGreaterThan(0);
    // The legal entity's file also answers for its site, which has none of its own.
    expect(await textOf(page.getByTestId('dashboard-counts'))).toMatch(
      /: 2 avec une auto-évaluation, 2 soumise\(s\), 2 signée\(s\) par la direction ; 1 couvert\(s\) par le dossier de leur entité juridique/,
    );
    // Laggards first: the signed establishment and its covered site are the last rows of the grid.
    const rows = page.getByTestId('dashboard-grid').locator('tbody tr');
    expect(await rows.nth(-2).getAttribute('data-testid')).toBe(`dashboard-row-${entityId}`);
    const site = await textOf(rows.last());
    expect(site).toContain('Signée par la direction');
    expect(site).toMatch(/via le dossier de /);
    await page.getByTestId('objective-shares').locator('canvas').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'rempart-care-dashboard.png') });
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'rempart-care-dashboard-row.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporter en CSV' }).click(),
    ]);
    // The server's export (every establishment of the region, not only the rows shown).
    expect(download.suggestedFilename()).toBe(`tableau-de-bord-${regionId}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('Identifiant;Établissement;Type;Catégorie');
    expect(csv.split('\r\n').find((l) => l.startsWith(`${entityId};`))).toContain(';signée;');

    // A filter with no establishment leaves an empty grid.
    await page.getByLabel('Catégorie').selectOption('medico_social');
    await expect.poll(() => page.getByTestId(`dashboard-row-${entityId}`).count()).toBe(0);

    await page.goto(`/evaluations/${assessmentId}`);
    await page.getByRole('heading', { name: 'Accès refusé', level: 1 }).waitFor();
    expect(await page.content()).not.toContain('PSSI signée le 3 mars');
    expect(await page.content()).not.toContain('PSSI signée 2026.pdf');
    expect((await page.request.get(evidenceUrl)).status()).toBe(403);
    expect((await page.request.get(`/api/assessments/${assessmentId}/evidence`)).status()).toBe(403);
    await page.goto(`/evaluations/${assessmentId}/feuille-de-route`);
    await page.getByRole('heading', { name: 'Accès refusé', level: 1 }).waitFor();
    expect(seriousProblems(problems)).toEqual([]);
  });

  test('the regional referent launches a campaign, follows its progress and reminders; the establishments see it to do', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'ars.ara@rempart.demo');
    await page.goto(`/organisations/${regionId}/campagnes`);
    await page.getByRole('heading', { name: /^Campagnes CaRE/, level: 1 }).waitFor();
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const form = page.getByRole('form', { name: 'Lancer une campagne' });
    await form.getByLabel('Nom de la campagne').fill('Auto-évaluation CaRE ARA 2027');
    await form.getByLabel('Échéance').fill(deadline);
    await form.getByRole('button', { name: 'Lancer la campagne' }).click();
    await form
      .getByText(
        /campagne « Auto-évaluation CaRE ARA 2027 » lancée : \d+ auto-évaluation\(s\) créée\(s\), 1 existante\(s\) rattachée\(s\)/,
      )
      .waitFor();
    const card = page.locator('[data-testid^="campaign-"]').filter({ hasText: 'Auto-évaluation CaRE ARA 2027' });
    const progress = card.locator('[data-testid^="campaign-progress-"]');
    expect(await textOf(progress)).toMatch(
      /^\d+ établissement\(s\) : \d+ non commencée\(s\), \d+ en cours, 0 soumise\(s\), 1 signée\(s\)\.$/,
    );
    // Due within 14 days: everyone not submitted is reminded, the signed establishment is not.
    await card.getByRole('heading', { name: /^Relances \(\d+\)$/ }).waitFor();
    expect(await textOf(card.locator('table'))).toContain('7 jour(s) restant(s)');
    expect(await card.locator(`table a[href="/organisations/${entityId}/care"]`).count()).toBe(0);
    expect(await card.locator('table a[href^="/organisations/"]').count()).toBeGreaterThan(0);
    expect(seriousProblems(problems)).toEqual([]);

    // An establishment given a draft by the campaign sees it on its CaRE page.
    const rssi = await apiSession(platform.baseUrl, 'rssi.ght@rempart.demo', DEMO_PASSWORD);
    const me = (await rssi('GET', '/auth/me')).body as { grants: Array<{ organisationId: number }> };
    const ght = await openSession(browser, platform.baseUrl);
    await signInDemo(ght.page, 'rssi.ght@rempart.demo');
    const todo = (await rssi('GET', `/organisations/${me.grants[0]!.organisationId}/todo`)).body as {
      items: Array<{ organisationId: number; name: string }>;
    };
    expect(todo.items.length).toBeGreaterThan(0);
    await ght.page.goto(`/organisations/${todo.items[0]!.organisationId}/care`);
    const shown = ght.page.getByTestId('care-todo');
    expect(await textOf(shown)).toContain('Auto-évaluation CaRE ARA 2027');
    expect(await textOf(shown)).toContain('7 jour(s) restant(s)');

    // A second campaign where each GHT answers for its members with one file.
    await form.getByLabel('Nom de la campagne').fill('CaRE GHT 2027');
    await form.getByLabel('Échéance').fill(deadline);
    expect(await form.getByLabel('Destinataires').inputValue()).toBe('legal_entities');
    // The DSFR checkbox is drawn by its label: click the label, as a user does.
    await form.getByText('Un dossier unique par groupement (GHT) pour tous ses membres').click();
    expect(await form.getByLabel('Un dossier unique par groupement (GHT) pour tous ses membres').isChecked()).toBe(
      true,
    );
    await form.getByRole('button', { name: 'Lancer la campagne' }).click();
    await form.getByText(/campagne « CaRE GHT 2027 » lancée/).waitFor();
    const ghtCard = page.locator('[data-testid^="campaign-"]').filter({ hasText: 'CaRE GHT 2027' });
    await ghtCard.getByText(/une par entité juridique, un dossier par groupement pour ses membres/).waitFor();
    await ghtCard.getByRole('heading', { name: /^Relances \(\d+\)$/ }).waitFor();
    expect(await textOf(ghtCard.locator('table'))).toContain('(dossier du groupement)');
    expect(seriousProblems(problems)).toEqual([]);
  });
});
