import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD, totpCode } from '@rempart/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  launchChromium,
  openSession,
  type RunningPlatform,
  seriousProblems,
  startPlatform,
  submitPassword,
} from './harness.js';

const SCREENSHOTS = process.env.REMPART_SCREENSHOTS ?? '/tmp';
const ZBARIMG = '/usr/bin/zbarimg';

/** Decodes the QR code in a picture with zbar (apt package zbar-tools). */
function readQrCode(file: string): string {
  if (!existsSync(ZBARIMG))
    throw new Error(`${ZBARIMG} is missing: install zbar-tools (apt-get install -y zbar-tools)`);
  const out = execFileSync(ZBARIMG, ['--raw', '-q', '-Sbinary', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  return out.toString('utf8').replace(/\n$/, '');
}

describe('web shell in chromium against the real server', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const scratch = mkdtempSync(join(tmpdir(), 'rempart-web-shots-'));

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves the UI with the DSFR stylesheet, fonts and icons from the build, under the strict CSP', async () => {
    const { context, page, problems } = await openSession(browser, platform.baseUrl);
    const answer = await page.goto('/');
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    // Signed out: the guard sends the visitor to the sign-in page.
    await page.waitForURL('**/connexion');
    // The URL changes before the router renders the page (a transition): wait until the heading is visible.
    await page.getByRole('heading', { name: 'Connexion à Rempart' }).waitFor({ state: 'visible' });
    await page.evaluate(() => document.fonts.ready);
    const styles = await page.evaluate(() => {
      const body = getComputedStyle(document.body);
      const marianne = [...document.fonts].some((f) => f.family.includes('Marianne') && f.status === 'loaded');
      return { fontFamily: body.fontFamily, marianne };
    });
    expect(styles.fontFamily).toContain('Marianne');
    expect(styles.marianne).toBe(true);
    await expect(page.locator('.fr-header__service-title').first().textContent()).resolves.toContain('Rempart');
    await expect(page.locator('.fr-header__service-tagline').first().textContent()).resolves.toContain(
      'Cybersécurité des établissements de santé — programme CaRE',
    );
    // A path the SPA owns (not /api) falls back to index.html; an unknown one shows the 404 page once signed in.
    const deep = await page.goto('/organisations/1/journal');
    expect(deep?.status()).toBe(200);
    await page.waitForURL(/\/connexion\?retour=/);
    expect(seriousProblems(problems)).toEqual([]);
    await context.close();
  });

  it('signs in with TOTP: enable it in Mon compte, sign out, sign in again with password and code', async () => {
    const { context, page, problems } = await openSession(browser, platform.baseUrl);
    await submitPassword(page, 'rssi@rempart.demo', DEMO_PASSWORD);
    await page.waitForURL(`${platform.baseUrl}/`);
    await page.getByRole('heading', { name: 'Bonjour Rachid RSSI' }).waitFor();
    await expect(page.getByTestId('home-grants').textContent()).resolves.toContain("RSSI / DSI d'établissement");
    await page.screenshot({ path: `${SCREENSHOTS}/rempart-accueil.png`, fullPage: true });

    await page.getByRole('link', { name: 'Mon compte' }).first().click();
    await page.waitForURL('**/mon-compte');
    await page.getByRole('button', { name: 'Activer la double authentification' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = (await page.getByTestId('totp-uri').textContent())?.trim() ?? '';
    expect(uri).toContain(`secret=${secret}`);
    // The QR code on screen, as chromium drew it, reads back as the same URI.
    await page.getByTestId('totp-qr').screenshot({ path: join(scratch, 'totp-qr.png') });
    expect(readQrCode(join(scratch, 'totp-qr.png'))).toBe(uri);
    await page.screenshot({ path: `${SCREENSHOTS}/rempart-mon-compte.png`, fullPage: true });

    // A wrong code is refused with the API's French message, and nothing is enabled.
    const wrong = String((Number(totpCode(secret)) + 1) % 1_000_000).padStart(6, '0');
    await page.getByLabel('Code de vérification').fill(wrong);
    await page.getByRole('button', { name: 'Confirmer l’activation' }).click();
    await page.locator('.fr-alert--error').getByText('Code invalide').waitFor();

    await page.getByLabel('Code de vérification').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirmer l’activation' }).click();
    await page.getByText('Double authentification activée').waitFor();
    const recoveryCodes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);

    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.waitForURL('**/connexion');

    // The password alone no longer opens a session: the code step follows.
    await submitPassword(page, 'rssi@rempart.demo', DEMO_PASSWORD);
    await page.getByLabel('Code de vérification').waitFor();
    await page.goto('/');
    await page.waitForURL('**/connexion');
    await submitPassword(page, 'rssi@rempart.demo', DEMO_PASSWORD);
    // The enabling code's time step is spent (no replay): the next step's code is within the accepted drift.
    await page.getByLabel('Code de vérification').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.waitForURL(`${platform.baseUrl}/`);
    await page.getByRole('heading', { name: 'Bonjour Rachid RSSI' }).waitFor();
    await expect(page.getByText('La double authentification n’est pas activée').count()).resolves.toBe(0);

    // A recovery code works once.
    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.waitForURL('**/connexion');
    await submitPassword(page, 'rssi@rempart.demo', DEMO_PASSWORD);
    await page.getByLabel('Code de vérification').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByRole('heading', { name: 'Bonjour Rachid RSSI' }).waitFor();
    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.waitForURL('**/connexion');
    await submitPassword(page, 'rssi@rempart.demo', DEMO_PASSWORD);
    await page.getByLabel('Code de vérification').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.locator('.fr-alert--error').getByText('Code invalide').waitFor();

    // Another recovery code opens a session; turning the second factor off asks for the password.
    await page.getByLabel('Code de vérification').fill(recoveryCodes[1]!);
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByRole('heading', { name: 'Bonjour Rachid RSSI' }).waitFor();
    await page.goto('/mon-compte');
    await page.getByRole('button', { name: 'Désactiver la double authentification' }).click();
    const disable = page.getByRole('form', { name: 'Désactiver la double authentification' });
    await disable.getByLabel('Mot de passe actuel').fill('pas-le-bon');
    await disable.getByRole('button', { name: 'Désactiver', exact: true }).click();
    await disable.locator('.fr-alert--error').getByText('Mot de passe invalide').waitFor();
    await disable.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await disable.getByRole('button', { name: 'Désactiver', exact: true }).click();
    await page.getByText('Non activée').waitFor();

    const audit = await platform.handle.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', 'in', ['totp.enabled', 'totp.disabled'])
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['totp.enabled', 'totp.disabled']);
    expect(seriousProblems(problems)).toEqual([]);
    await context.close();
  });

  it('shows a wrong password as the French API error', async () => {
    const { context, page } = await openSession(browser, platform.baseUrl);
    await submitPassword(page, 'directeur@rempart.demo', 'pas-le-bon-mot-de-passe');
    await page.locator('.fr-alert--error').getByText('Identifiants invalides').waitFor();
    expect(page.url()).toContain('/connexion');
    await context.close();
  });

  it('refuses a contributor the audit journal and the accounts of nodes outside their rights: "Accès refusé"', async () => {
    const { context, page, problems } = await openSession(browser, platform.baseUrl);
    const db = platform.handle.db;
    const contributor = await db
      .selectFrom('app_user as u')
      .innerJoin('role_grant as g', 'g.user_id', 'u.id')
      .select(['g.organisation_id'])
      .where('u.email', '=', 'contributeur@rempart.demo')
      .executeTakeFirstOrThrow();
    const elsewhere = await db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where('kind', '=', 'region')
      .where('region_code', '!=', 'ARA')
      .orderBy('id')
      .executeTakeFirstOrThrow();

    await submitPassword(page, 'contributeur@rempart.demo', DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Bonjour Claire Contributrice' }).waitFor();

    // Outside their subtree: another region's audit journal and accounts.
    for (const path of [`/organisations/${elsewhere.id}/journal`, `/organisations/${elsewhere.id}/comptes`]) {
      await page.goto(path);
      await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
      await expect(page.getByText(elsewhere.name).count()).resolves.toBe(0);
    }
    // Their own node, where a contributor holds neither audit.read nor user.read.
    await page.goto(`/organisations/${contributor.organisation_id}/journal`);
    await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
    await page.goto(`/organisations/${contributor.organisation_id}/comptes`);
    await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
    // Reading the tree above their node is refused too; their own node opens.
    await page.goto(`/organisations/${elsewhere.id}`);
    await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
    await page.goto(`/organisations/${contributor.organisation_id}`);
    await page.getByTestId('organisation-name').waitFor();
    await expect(page.getByRole('heading', { name: 'Accès refusé' }).count()).resolves.toBe(0);
    // An unknown page of the SPA.
    await page.goto('/nulle-part');
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/rempart-acces-refuse.png` });
    expect(seriousProblems(problems)).toEqual([]);
    await context.close();
  });

  it('browses the organisation tree as the national admin: regions, breadcrumbs, search, refused edits', async () => {
    const { context, page, problems } = await openSession(browser, platform.baseUrl);
    const db = platform.handle.db;
    const regions = await db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where('kind', '=', 'region')
      .orderBy('name')
      .execute();
    expect(regions.length).toBeGreaterThanOrEqual(3);

    await submitPassword(page, 'admin@rempart.demo', DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Bonjour Alice Admin' }).waitFor();
    await page.getByRole('link', { name: 'Organisations', exact: true }).first().click();
    await page.getByTestId('organisation-name').waitFor();
    await expect(page.getByTestId('organisation-name').textContent()).resolves.toBe('France — niveau national');
    const children = page.getByTestId('children');
    for (const region of regions) await children.getByRole('link', { name: region.name, exact: true }).waitFor();
    await expect(children.getByText('Région', { exact: true }).count()).resolves.toBe(regions.length);
    await page.screenshot({ path: `${SCREENSHOTS}/rempart-organisations.png`, fullPage: true });

    // Down to ARA, then to the demo GHT, with breadcrumbs back up.
    const ara = await db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where('kind', '=', 'region')
      .where('region_code', '=', 'ARA')
      .executeTakeFirstOrThrow();
    await children.getByRole('link', { name: ara.name, exact: true }).click();
    await page.waitForURL(`**/organisations/${ara.id}`);
    await page.getByRole('heading', { level: 1, name: ara.name }).waitFor();
    // The GHT's own data arrives late: meanwhile the page must not show ARA's under the GHT's address.
    let releaseGht = () => {};
    const ghtHeld = new Promise<void>((resolve) => (releaseGht = resolve));
    await page.route(/\/api\/organisations\/\d+$/, async (route) => {
      if (!route.request().url().endsWith(`/api/organisations/${ara.id}`)) await ghtHeld;
      await route.continue();
    });
    await page.getByTestId('children').getByRole('link', { name: 'GHT Rhône Centre' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(`/organisations/${ara.id}`));
    await page.getByText('Chargement').first().waitFor();
    expect(await page.getByRole('heading', { level: 1, name: ara.name }).count()).toBe(0);
    releaseGht();
    await page.getByRole('heading', { level: 1, name: 'GHT Rhône Centre' }).waitFor();
    await page.unroute(/\/api\/organisations\/\d+$/);
    const crumbs = page.locator('.fr-breadcrumb');
    await expect(crumbs.getByRole('link', { name: ara.name, includeHidden: true }).count()).resolves.toBe(1);

    // Search in the subtree by FINESS number of one of the GHT's sites.
    const site = await db
      .selectFrom('organisation')
      .select(['id', 'name', 'finess'])
      .where('kind', '=', 'site')
      .where('region_code', '=', 'ARA')
      .where('finess', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await page.goto(`/organisations/${ara.id}`);
    await page.getByTestId('organisation-name').waitFor();
    await page.getByLabel('Nom ou numéro FINESS').fill(site.finess!);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const results = page.getByTestId('search-results');
    await results.getByRole('link', { name: site.name }).waitFor();
    await expect(results.textContent()).resolves.toContain(site.finess!);

    // A node with a bad FINESS key is refused by the API, and the French message is shown.
    const form = page.getByRole('form', { name: 'Créer un sous-niveau' });
    await form.getByLabel('Nature').selectOption('legal_entity');
    await form.getByLabel('Nom').fill('Clinique de test');
    await form.getByLabel('Numéro FINESS').fill('690000000');
    await form.getByRole('button', { name: 'Créer' }).click();
    await form.locator('.fr-alert--error').waitFor();
    const count = await db
      .selectFrom('organisation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', '=', 'Clinique de test')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);

    // Markup in a name stays text: nothing runs, the name reads as typed.
    const hostile = '<img src=x onerror="window.__pwned=1">Clinique <b>test</b>';
    const call = await apiSession(platform.baseUrl, 'admin@rempart.demo', DEMO_PASSWORD);
    expect((await call('PATCH', `/organisations/${site.id}`, { name: hostile })).status).toBe(200);
    await page.goto(`/organisations/${site.id}`);
    await page.getByRole('heading', { level: 1, name: hostile }).waitFor();
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await expect(page.locator('main img').count()).resolves.toBe(0);
    // LIKE wildcards in a search are plain characters.
    await page.goto(`/organisations/${ara.id}`);
    await page.getByLabel('Nom ou numéro FINESS').fill('%_%');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText('Aucun résultat.').waitFor();
    expect(seriousProblems(problems)).toEqual([]);
    await context.close();
  });
});
