import { DEMO_PASSWORD, enqueueCampaignReminders } from '@rempart/server';
import type { Browser } from 'playwright-core';
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

const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('CaRE follow-up in chromium: owners, costs, confirmed pre-fills, reminders', { timeout: 300_000 }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let entityId: number;
  let regionId: number;
  let assessmentId: number;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
    const grantOf = async (email: string) =>
      (
        await platform.handle.db
          .selectFrom('app_user as u')
          .innerJoin('role_grant as g', 'g.user_id', 'u.id')
          .select('g.organisation_id')
          .where('u.email', '=', email)
          .executeTakeFirstOrThrow()
      ).organisation_id;
    entityId = await grantOf('rssi@rempart.demo');
    regionId = await grantOf('ars.ara@rempart.demo');
    const rssi = await apiSession(platform.baseUrl, 'rssi@rempart.demo', DEMO_PASSWORD);
    const created = await rssi('POST', `/organisations/${entityId}/assessments`, { referentialId: 'care' });
    expect(created.status).toBe(201);
    assessmentId = (created.body as { id: number }).id;
    // An AD audit's indicators, as a pushed result would leave them.
    for (const [key, value] of [
      ['ad.audit_done', true],
      ['ad.anssi_level', 3],
    ] as const) {
      await platform.handle.db
        .insertInto('indicator')
        .values({
          organisation_id: entityId,
          key,
          value: JSON.stringify(value),
          result_id: null,
          measured_at: '2026-11-20T08:00:00.000Z',
        })
        .execute();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  test('the RSSI pre-fills from the indicators, confirms one answer, replaces another, and names objective owners', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'rssi@rempart.demo');
    await page.goto(`/evaluations/${assessmentId}`);
    await page.getByRole('heading', { name: 'Auto-évaluation CaRE', level: 1 }).waitFor();

    await page.getByRole('button', { name: /Pré-remplir depuis les indicateurs/ }).click();
    await page
      .getByTestId('save-status')
      .getByText(/réponse\(s\) pré-remplie\(s\)/)
      .waitFor();
    const level = page.getByTestId('prefill-D1.AD.R2');
    expect(await textOf(level)).toContain('indicateur ad.anssi_level = 3');
    await level.getByRole('button', { name: 'Confirmer cette réponse' }).click();
    expect(await textOf(page.getByTestId('prefill-confirmed-D1.AD.R2'))).toContain('confirmé par Rachid RSSI');

    // Changing the other pre-filled answer keeps a trace of what the audit said.
    const audit = page.getByTestId('requirement-D1.AD.R1');
    await audit.getByText('Je ne sais pas', { exact: true }).click();
    const replaced = page.getByTestId('prefill-replaced-D1.AD.R1');
    expect(await textOf(replaced)).toContain('Pré-remplissage remplacé');
    expect(await textOf(replaced)).toContain('indicateur ad.audit_done = true');

    // Owners: an account of the establishment for A1.O1, with a due date; a person without account for D2.P.
    const a1 = page.getByTestId('owner-A1.O1');
    await a1.getByRole('button', { name: 'Désigner' }).click();
    const select = a1.getByLabel('Responsable de A1.O1');
    const director = await select.locator('option', { hasText: 'Denis Directeur' }).getAttribute('value');
    await select.selectOption(director!);
    await a1.getByLabel('Échéance (facultative)').fill('2027-06-30');
    await a1.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => textOf(a1)).toContain('Responsable : Denis Directeur — échéance 30/06/2027');

    const d2 = page.getByTestId('owner-D2.P');
    await d2.getByRole('button', { name: 'Désigner' }).click();
    await d2.getByLabel('Responsable de D2.P').selectOption('free');
    await d2.getByLabel('Nom ou fonction').fill('Mme Durand, responsable qualité');
    await d2.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => textOf(d2)).toContain('Responsable : Mme Durand, responsable qualité (sans compte)');

    // Someone else changes the A1.O1 owner meanwhile: the next change says so and shows theirs.
    const director2 = await apiSession(platform.baseUrl, 'directeur@rempart.demo', DEMO_PASSWORD);
    const owners = (await director2('GET', `/assessments/${assessmentId}/objective-owners`)).body as {
      items: Array<{ objectiveId: string; revision: number }>;
    };
    const revision = owners.items.find((o) => o.objectiveId === 'A1.O1')!.revision;
    expect(
      (
        await director2('PATCH', `/assessments/${assessmentId}/objectives/A1.O1/owner`, {
          revision,
          name: 'Cellule qualité',
        })
      ).status,
    ).toBe(200);
    await a1.getByRole('button', { name: 'Changer' }).click();
    await a1.getByLabel('Échéance (facultative)').fill('2027-09-30');
    await a1.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByTestId('owner-conflict').waitFor();
    await expect.poll(() => textOf(a1)).toContain('Responsable : Cellule qualité');
    expect(seriousProblems(problems)).toEqual([]);
  });

  test('the roadmap shows the objective owner by default and takes edited costs into its totals', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'rssi@rempart.demo');
    await page.goto(`/evaluations/${assessmentId}/feuille-de-route`);
    const orga = page.getByTestId('measure-M-D2-ORGA');
    expect(await textOf(orga.getByTestId('measure-M-D2-ORGA-default-owner'))).toContain(
      'Responsable par défaut : Mme Durand, responsable qualité',
    );
    const before = await textOf(page.getByTestId('roadmap-totals'));
    const pssi = page.getByTestId('measure-M-PSSI');
    expect(await textOf(pssi.getByTestId('measure-M-PSSI-cost'))).toContain('(estimation du référentiel)');
    await pssi.getByLabel('Mise en place (€ HT)').fill('18500');
    await pssi.getByLabel('Par an (€ HT)').fill('0');
    await pssi.getByRole('button', { name: 'Enregistrer' }).click();
    await expect
      .poll(() => textOf(page.getByTestId('measure-M-PSSI-cost')))
      .toContain('saisi ; estimation du référentiel');
    const after = await textOf(page.getByTestId('roadmap-totals'));
    expect(after).not.toBe(before);
    const euros = (text: string) => Number((/coût estimé : ([\d\s ]+) €/.exec(text)?.[1] ?? '').replace(/\s/g, ''));
    // M-PSSI's estimate is 6 000 € to build: the total grows by 12 500 €.
    expect(euros(after) - euros(before)).toBe(12_500);
    // A wrong figure is refused on the page and nothing is sent.
    await page.getByTestId('measure-M-PSSI').getByLabel('Mise en place (€ HT)').fill('douze');
    await page.getByTestId('measure-M-PSSI').getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText(/un nombre entier d’euros est attendu/).waitFor();
    expect(seriousProblems(problems)).toEqual([]);
  });

  test('campaign reminders sent for the establishment are listed on its CaRE page', async () => {
    const referent = await apiSession(platform.baseUrl, 'ars.ara@rempart.demo', DEMO_PASSWORD);
    const launched = await referent('POST', `/organisations/${regionId}/campaigns`, {
      name: 'CaRE 2027 — ARA',
      referentialId: 'care',
      deadline: dayIn(14),
    });
    expect(launched.status).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    const run = await enqueueCampaignReminders(platform.handle.db, {
      today,
      days: [14, 3],
      publicUrl: platform.baseUrl,
      at: new Date().toISOString(),
    });
    expect(run.enqueued).toBeGreaterThan(0);
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'directeur@rempart.demo');
    await page.goto(`/organisations/${entityId}/care`);
    const list = page.getByTestId('care-reminders');
    const text = await textOf(list);
    expect(text).toContain('Relances envoyées par courriel');
    expect(text).toContain('CaRE 2027 — ARA');
    expect(text).toContain('14 jours avant l’échéance');
    expect(text).toMatch(/\d+ en attente/);
    expect(seriousProblems(problems)).toEqual([]);
  });
});
