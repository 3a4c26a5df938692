import { formatFinessExtract, withFinessKey } from '@rempart/core';
import { DEMO_PASSWORD } from '@rempart/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  launchChromium,
  openSession,
  type RunningPlatform,
  startPlatform,
  submitPassword,
} from './harness.js';

const SCREENSHOTS = process.env.REMPART_SCREENSHOTS ?? '/tmp';

async function signIn(page: Page, email: string, name: string, password = DEMO_PASSWORD) {
  await submitPassword(page, email, password);
  await page.getByRole('heading', { name: `Bonjour ${name}` }).waitFor();
}

describe('management pages in chromium against the real server', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let establishmentId: number;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
    const grant = await platform.handle.db
      .selectFrom('app_user as u')
      .innerJoin('role_grant as g', 'g.user_id', 'u.id')
      .select('g.organisation_id')
      .where('u.email', '=', 'directeur@rempart.demo')
      .executeTakeFirstOrThrow();
    establishmentId = grant.organisation_id;
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('lets a director create an account, grant it a role and revoke it, each write in the audit journal', async () => {
    const { context, page } = await openSession(browser, platform.baseUrl);
    await signIn(page, 'directeur@rempart.demo', 'Denis Directeur');
    await page.getByRole('link', { name: 'Comptes et rôles', exact: true }).first().click();
    await page.waitForURL(`**/organisations/${establishmentId}/comptes`);
    const users = page.getByTestId('users');
    await users.getByText('contributeur@rempart.demo').waitFor();
    // Accounts of the whole GHT are not in an establishment's list.
    await expect(users.getByText('rssi.ght@rempart.demo').count()).resolves.toBe(0);

    const create = page.getByRole('form', { name: 'Créer un compte' });
    await create.getByLabel('Adresse électronique').fill('qualite@rempart.demo');
    await create.getByLabel('Nom affiché').fill('Quentin Qualité');
    await create.getByLabel('Rôle').selectOption('contributor');
    await create.getByRole('button', { name: 'Créer le compte' }).click();
    await create.getByText('une invitation a été envoyée à qualite@rempart.demo').waitFor();
    await users.getByText('qualite@rempart.demo').waitFor();

    // The same address twice: the API's refusal is shown, nothing is created.
    await create.getByLabel('Adresse électronique').fill('qualite@rempart.demo');
    await create.getByLabel('Nom affiché').fill('Doublon');
    await create.getByRole('button', { name: 'Créer le compte' }).click();
    await create.locator('.fr-alert--error').waitFor();

    const grant = page.getByRole('form', { name: 'Attribuer un rôle' });
    await grant.getByLabel('Compte').selectOption({ label: 'Quentin Qualité (qualite@rempart.demo)' });
    await grant.getByLabel('Rôle').selectOption('auditor');
    await grant.getByRole('button', { name: 'Attribuer' }).click();
    await grant.getByText('Rôle attribué : Auditeur (lecture seule)').waitFor();
    const row = users.getByRole('row').filter({ hasText: 'qualite@rempart.demo' });
    await row.getByText('Auditeur (lecture seule)').waitFor();

    await row.getByRole('listitem').filter({ hasText: 'Auditeur' }).getByRole('button', { name: 'Retirer' }).click();
    await page.getByText('Rôle retiré : Auditeur (lecture seule) (Quentin Qualité)').waitFor();
    // The notice shows as soon as the API answers, before the list is reloaded: wait for the row to drop the role.
    await expect.poll(() => row.getByText('Auditeur (lecture seule)').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/rempart-comptes.png`, fullPage: true });

    const roles = await platform.handle.db
      .selectFrom('role_grant as g')
      .innerJoin('app_user as u', 'u.id', 'g.user_id')
      .select('g.role')
      .where('u.email', '=', 'qualite@rempart.demo')
      .execute();
    expect(roles.map((r) => r.role)).toEqual(['contributor']);

    await page.getByRole('link', { name: "Journal d'audit", exact: true }).first().click();
    await page.waitForURL(`**/organisations/${establishmentId}/journal`);
    // The URL changes first; the router renders the new page (and the current navigation entry) in a transition.
    await expect
      .poll(() => page.locator('.fr-nav__link[aria-current="page"]').first().textContent())
      .toBe("Journal d'audit");
    const events = page.getByTestId('audit-events');
    for (const action of ['user.created', 'grant.created', 'grant.revoked']) {
      await events.getByText(action, { exact: true }).waitFor();
    }
    await expect(events.getByText('Denis Directeur').count()).resolves.toBe(0);
    await expect(events.textContent()).resolves.toContain('directeur@rempart.demo');
    await context.close();
  });

  it('pages through the audit journal, newest first', async () => {
    const original = await platform.handle.db
      .selectFrom('organisation')
      .select('name')
      .where('id', '=', establishmentId)
      .executeTakeFirstOrThrow();
    // 60 real writes through the API: renames of the establishment.
    const call = await apiSession(platform.baseUrl, 'admin@rempart.demo', DEMO_PASSWORD);
    for (let i = 1; i <= 60; i++) {
      const answer = await call('PATCH', `/organisations/${establishmentId}`, { name: `Centre hospitalier n° ${i}` });
      expect(answer.status).toBe(200);
    }
    const { context, page } = await openSession(browser, platform.baseUrl);
    await signIn(page, 'auditeur@rempart.demo', 'Aurore Auditrice');
    await page.goto(`/organisations/${establishmentId}/journal`);
    const events = page.getByTestId('audit-events');
    await events.getByText('Page 1 — 50 écriture(s)').waitFor();
    await events.getByText('nom : « Centre hospitalier n° 59 » → « Centre hospitalier n° 60 »').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/rempart-journal.png` });
    await expect(page.getByRole('button', { name: 'Plus récentes' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Plus anciennes' }).click();
    await events.getByText(/^Page 2 — \d+ écriture\(s\)$/).waitFor();
    await events.getByText(`nom : « ${original.name} » → « Centre hospitalier n° 1 »`).waitFor();
    await expect(events.getByText('« Centre hospitalier n° 60 »').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Plus récentes' }).click();
    await events.getByText('Page 1 — 50 écriture(s)').waitFor();
    await context.close();
  });

  it('creates an API token shown once, lists it, and revokes it in Mon compte', async () => {
    const { context, page } = await openSession(browser, platform.baseUrl);
    await signIn(page, 'rssi.ght@rempart.demo', 'Gaëlle RSSI-GHT');
    await page.goto('/mon-compte');
    const form = page.getByRole('form', { name: 'Créer un jeton' });
    await form.getByLabel('Nom du jeton').fill('Collecte AD');
    await form.getByLabel('Durée de validité (jours)').fill('30');
    await form.getByRole('button', { name: 'Créer le jeton' }).click();
    const token = (await page.getByTestId('new-token').textContent())?.trim() ?? '';
    expect(token.length).toBeGreaterThan(20);

    // The token works against the API as a bearer.
    const me = await fetch(`${platform.baseUrl}/api/organisations`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);

    const tokens = page.getByTestId('tokens');
    const row = tokens.getByRole('row').filter({ hasText: 'Collecte AD' });
    await row.getByText('Actif').waitFor();
    await row.getByRole('button', { name: 'Révoquer' }).click();
    await row.getByText('Révoqué').waitFor();
    const after = await fetch(`${platform.baseUrl}/api/organisations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    await context.close();
  });

  it('changes the password in Mon compte, keeping the session usable for writes', async () => {
    const { context, page } = await openSession(browser, platform.baseUrl);
    await signIn(page, 'directeur@rempart.demo', 'Denis Directeur');
    await page.goto('/mon-compte');
    const form = page.getByRole('form', { name: 'Changer de mot de passe' });
    await form.locator('input[name="current-password"]').fill('pas-le-bon-mot-de-passe');
    await form.locator('input[name="new-password"]').fill('Directeur-nouveau-2026');
    await form.locator('input[name="new-password-again"]').fill('Directeur-nouveau-2026');
    await form.getByRole('button', { name: 'Changer de mot de passe' }).click();
    await form.locator('.fr-alert--error').getByText('Mot de passe actuel invalide').waitFor();

    await form.locator('input[name="current-password"]').fill(DEMO_PASSWORD);
    await form.getByRole('button', { name: 'Changer de mot de passe' }).click();
    await form.getByText('Mot de passe changé').waitFor();

    // A write right after: the renewed session's CSRF token was picked up.
    const tokenForm = page.getByRole('form', { name: 'Créer un jeton' });
    await tokenForm.getByLabel('Nom du jeton').fill('Après changement');
    await tokenForm.getByRole('button', { name: 'Créer le jeton' }).click();
    await page.getByTestId('new-token').waitFor();

    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.waitForURL('**/connexion');
    await submitPassword(page, 'directeur@rempart.demo', DEMO_PASSWORD);
    await page.locator('.fr-alert--error').getByText('Identifiants invalides').waitFor();
    await signIn(page, 'directeur@rempart.demo', 'Denis Directeur', 'Directeur-nouveau-2026');
    await context.close();
  });

  it('imports a FINESS extract as the regional referent: report of refused lines, idempotent', async () => {
    const site = (eg: string, ej: string, name: string, department: string) => ({
      siteFiness: withFinessKey(eg),
      legalEntityFiness: withFinessKey(ej),
      name,
      department,
      category: 'public' as const,
      categoryLabel: 'Centre Hospitalier (C.H.)',
      aggregateCategoryCode: '1102',
      sphCode: '1',
    });
    const badKey = withFinessKey('01999003');
    const wrongKey = `${badKey.slice(0, 8)}${(Number(badKey[8]) + 1) % 10}`;
    const csv = formatFinessExtract([
      site('01999001', '01999000', 'Centre hospitalier du Bugey', '01'),
      site('01999002', '01999000', 'Centre hospitalier du Bugey — site de Belley', '01'),
      site('75999001', '75999000', 'Hôpital parisien hors région', '75'),
      site('01999003', '01999000', 'Site à la clé fausse', '01'),
    ]).replace(badKey, wrongKey);
    const ara = await platform.handle.db
      .selectFrom('organisation')
      .select('id')
      .where('kind', '=', 'region')
      .where('region_code', '=', 'ARA')
      .executeTakeFirstOrThrow();

    const { context, page } = await openSession(browser, platform.baseUrl);
    await signIn(page, 'ars.ara@rempart.demo', 'Romain Référent');
    await page.goto(`/organisations/${ara.id}`);
    const form = page.getByRole('form', { name: 'Importer un extrait FINESS' });
    await form.locator('input[type="file"]').setInputFiles({
      name: 'etalab-finess.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'latin1'),
    });
    await form.getByRole('button', { name: 'Importer' }).click();
    const report = page.getByTestId('import-report');
    await report.getByText('2 ligne(s) refusée(s)').waitFor();
    const rows = await report.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^4.*hors du périmètre/);
    expect(rows[1]).toMatch(/^5.*FINESS ET/);

    const imported = await platform.handle.db
      .selectFrom('organisation')
      .select(['name', 'kind'])
      .where('finess', 'in', [withFinessKey('01999001'), withFinessKey('01999002'), withFinessKey('01999000')])
      .orderBy('finess')
      .execute();
    expect(imported.map((o) => o.kind).sort()).toEqual(['legal_entity', 'site', 'site']);
    await page.getByTestId('children').getByRole('link', { name: 'Centre hospitalier du Bugey' }).first().waitFor();

    // The same file again changes nothing.
    await form.getByRole('button', { name: 'Importer' }).click();
    await report.getByText(/^0 créé\(s\), 0 mis à jour/).waitFor();
    await context.close();
  });

  it('resets a forgotten password through the one-time link', async () => {
    const { context, page } = await openSession(browser, platform.baseUrl);
    await page.goto('/connexion');
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.getByLabel('Adresse électronique du compte').fill('analyste@rempart.demo');
    await page.getByRole('button', { name: 'Recevoir un lien de réinitialisation' }).click();
    await page.getByText('Demande enregistrée').waitFor();

    const mail = await platform.handle.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', 'analyste@rempart.demo')
      .where('kind', '=', 'password_reset')
      .executeTakeFirstOrThrow();
    const link = new URL(/https?:\/\/\S+/.exec(mail.body)![0]);
    expect(link.pathname).toBe('/reinitialisation');
    await page.goto(`${link.pathname}${link.search}`);
    await page.locator('input[name="password"]').fill('court');
    await page.locator('input[name="password-again"]').fill('court');
    await page.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    await page.locator('.fr-alert--error').getByText('12 caractères').waitFor();

    const fresh = 'Un-nouveau-mot-de-passe-2026';
    await page.locator('input[name="password"]').fill(fresh);
    await page.locator('input[name="password-again"]').fill(fresh);
    await page.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    await page.getByText('Mot de passe modifié').waitFor();

    // The link is single-use.
    await page.goto(`${link.pathname}${link.search}`);
    await page.locator('input[name="password"]').fill(fresh);
    await page.locator('input[name="password-again"]').fill(fresh);
    await page.getByRole('button', { name: 'Enregistrer le nouveau mot de passe' }).click();
    await page.locator('.fr-alert--error').getByText('Lien de réinitialisation invalide ou expiré').waitFor();

    await signIn(page, 'analyste@rempart.demo', 'Nina Analyste', fresh);
    await context.close();
  });
});

describe('sign-in page with OpenID Connect configured', () => {
  it('offers "Se connecter avec ProConnect", pointing at the server’s OIDC start', async () => {
    // The issuer is never contacted: the page only shows the button the configuration asks for.
    const platform = await startPlatform({
      OIDC_ISSUER: 'http://127.0.0.1:9/oidc',
      OIDC_CLIENT_ID: 'rempart',
      OIDC_CLIENT_SECRET: 'secret-de-test',
    });
    const browser = await launchChromium();
    try {
      const { page } = await openSession(browser, platform.baseUrl);
      await page.goto('/connexion');
      const button = page.getByRole('link', { name: 'Se connecter avec ProConnect' });
      await button.waitFor();
      await expect(button.getAttribute('href')).resolves.toBe('/api/auth/oidc/login');
      await page.goto('/connexion?erreur=compte-inconnu');
      await page.getByText('Aucun compte Rempart actif ne correspond à cette identité').waitFor();
    } finally {
      await browser.close();
      await platform.close();
    }
  });
});
