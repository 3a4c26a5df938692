import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../src/app.js';
import { buildTree, createUser } from './fixtures.js';
import { freshDatabase, testConfig } from './harness.js';

/** A minimal browser: a cookie jar per host and manual redirects, so every hop is visible. */
class Browser {
  private jars = new Map<string, Map<string, string>>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.host) ?? new Map<string, string>();
    this.jars.set(u.host, jar);
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects until a page that is not a redirect, returning it and the last URL. */
  async follow(url: string, init?: RequestInit): Promise<{ response: Response; url: string }> {
    let current = url;
    let response = await this.fetch(current, init);
    for (let hops = 0; hops < 15 && response.status >= 300 && response.status < 400; hops++) {
      current = new URL(response.headers.get('location')!, current).href;
      response = await this.fetch(current);
    }
    return { response, url: current };
  }
}

describe('OpenID Connect sign-in against a real provider (oidc-provider)', () => {
  let provider: Server;
  let rempart: Awaited<ReturnType<typeof buildApp>>;
  let drop: () => Promise<void>;
  let rempartUrl: string;
  let issuer: string;

  beforeAll(async () => {
    const database = await freshDatabase('sqlite');
    drop = database.drop;
    const tree = await buildTree(database.handle.db);
    await createUser(database.handle.db, 'rssi@chu.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);

    // Ports first: the provider needs Rempart's callback URL and Rempart needs the issuer. Both stay held by a
    // listener of ours until used: a port bound and closed again may go meanwhile to a suite running alongside.
    const { createServer } = await import('node:http');
    const listening = () =>
      new Promise<Server>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
      });
    const [providerServer, reserved] = [await listening(), await listening()];
    const [providerPort, rempartPort] = [providerServer, reserved].map((s) => (s.address() as AddressInfo).port);
    issuer = `http://127.0.0.1:${providerPort}`;
    rempartUrl = `http://127.0.0.1:${rempartPort}`;

    const accounts: Record<string, { email: string; email_verified: boolean }> = {
      'psc-123': { email: 'RSSI@chu.fr', email_verified: true },
      'psc-999': { email: 'stranger@elsewhere.fr', email_verified: true },
    };
    const oidc = new Provider(issuer, {
      clients: [
        {
          client_id: 'rempart',
          client_secret: 'a-test-client-secret-of-some-length',
          redirect_uris: [`${rempartUrl}/api/auth/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) }),
      features: { devInteractions: { enabled: true } },
    });
    providerServer.on('request', oidc.callback());
    provider = providerServer;

    rempart = await buildApp({
      config: testConfig({
        PUBLIC_URL: rempartUrl,
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: 'rempart',
        OIDC_CLIENT_SECRET: 'a-test-client-secret-of-some-length',
      }),
      db: database.handle.db,
      dialect: 'sqlite',
      logger: false,
    });
    // Rempart's port changes hands only once the application is ready to listen at once.
    await rempart.ready();
    await new Promise((resolve) => reserved.close(resolve));
    await rempart.listen({ port: rempartPort, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await rempart?.close();
    provider?.close();
    await drop?.();
  });

  async function signInAs(browser: Browser, accountId: string) {
    const start = await browser.fetch(`${rempartUrl}/api/auth/oidc/login`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).toBe(issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    let page = await browser.follow(authorize.href);
    expect(await page.response.text()).toContain('name="login"');
    page = await browser.follow(page.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login: accountId, password: 'any' }).toString(),
    });
    if (page.url.includes('/interaction/')) {
      page = await browser.follow(page.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'consent' }).toString(),
      });
    }
    return page;
  }

  test('a provisioned account signs in through the provider, is linked by its verified address, and gets a session', async () => {
    const browser = new Browser();
    const landed = await signInAs(browser, 'psc-123');
    expect(new URL(landed.url).pathname).toBe('/');
    const me = await browser.fetch(`${rempartUrl}/api/auth/me`);
    expect(me.status).toBe(200);
    const body = (await me.json()) as { email: string; grants: Array<{ role: string }> };
    expect(body.email).toBe('rssi@chu.fr');
    expect(body.grants[0]!.role).toBe('establishment_rssi');
    const linked = await rempart.db
      .selectFrom('app_user')
      .select(['oidc_issuer', 'oidc_subject'])
      .where('email', '=', 'rssi@chu.fr')
      .executeTakeFirstOrThrow();
    expect(linked).toEqual({ oidc_issuer: issuer, oidc_subject: 'psc-123' });
  });

  test('an identity with no Rempart account is turned away without a session', async () => {
    const browser = new Browser();
    const landed = await signInAs(browser, 'psc-999');
    expect(landed.url).toContain('/connexion?erreur=compte-inconnu');
    expect((await browser.fetch(`${rempartUrl}/api/auth/me`)).status).toBe(401);
  });

  test('a callback with an unknown state or a forged code is refused', async () => {
    const browser = new Browser();
    const unknown = await browser.fetch(`${rempartUrl}/api/auth/oidc/callback?state=nope&code=abc`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('oidc_failed');
    const start = await browser.fetch(`${rempartUrl}/api/auth/oidc/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const forged = await browser.fetch(
      `${rempartUrl}/api/auth/oidc/callback?state=${state}&code=forged-code&iss=${encodeURIComponent(issuer)}`,
    );
    expect(forged.status).toBe(401);
    expect((await browser.fetch(`${rempartUrl}/api/auth/me`)).status).toBe(401);
  });
});
