import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildApp,
  type DatabaseHandle,
  DEMO_PASSWORD,
  loadConfig,
  migrateToLatest,
  openDatabase,
  seedDemo,
} from '@rempart/server';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

export const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/** The built UI must exist: tests drive what the server really serves, they never build it themselves. */
export function requireWebDist(): string {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(
      `${join(WEB_DIST, 'index.html')} is missing: build the web UI first with \`npm run build -w @rempart/web\` (npm test does it)`,
    );
  }
  return WEB_DIST;
}

export interface RunningPlatform {
  baseUrl: string;
  app: FastifyInstance;
  handle: DatabaseHandle;
  close(): Promise<void>;
}

/** The real server in-process on a free loopback port, over a fresh SQLite file seeded with the demo. */
export async function startPlatform(env: Record<string, string> = {}): Promise<RunningPlatform> {
  const webDist = requireWebDist();
  const dataDir = mkdtempSync(join(tmpdir(), 'rempart-web-'));
  // PORT stays at its default: it only shapes the public URL; the listener takes a free port below.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    REMPART_DATA_DIR: dataDir,
    WEB_DIST: webDist,
    AUTH_RATE_PER_MINUTE: '1000',
    ...env,
  });
  const handle = openDatabase(config.database);
  try {
    await migrateToLatest(handle);
    await seedDemo(handle.db);
  } catch (error) {
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const app = await buildApp({ config, db: handle.db, dialect: handle.dialect, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    handle,
    async close() {
      await app.close();
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless; its absence fails the suite (CI installs it). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen by the page. */
  problems: string[];
}

/**
 * Off by default. To shake out races (a read that does not wait for the data it checks) run the suite with
 * `REMPART_WEB_SLOW_READS_MS=600` (each GET the page sends to the API waits a random 0–600 ms, so lists and
 * reloads arrive late and out of order) and/or `REMPART_WEB_CPU_THROTTLE=6` (chromium runs the page 6× slower).
 */
async function slowDownForFlakeHunting(context: BrowserContext, page: Page) {
  const readDelay = Number(process.env.REMPART_WEB_SLOW_READS_MS ?? 0);
  if (readDelay > 0) {
    await context.route('**/api/**', async (route) => {
      if (route.request().method() === 'GET') await new Promise((r) => setTimeout(r, Math.random() * readDelay));
      await route.continue();
    });
  }
  const throttle = Number(process.env.REMPART_WEB_CPU_THROTTLE ?? 0);
  if (throttle > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  }
}

/** A fresh browser context (its own cookies) whose console errors and failed requests are recorded. */
export async function openSession(browser: Browser, baseUrl: string): Promise<BrowserSession> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'fr-FR',
    viewport: { width: 1280, height: 900 },
  });
  // Generous: the CI machine has two cores shared with every other suite, and sign-in hashes with argon2id.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  await slowDownForFlakeHunting(context, page);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // When a step fails, keep what the page showed: its URL, its problems and a screenshot.
  onTestFailed(async ({ task }) => {
    const file = join(process.env.REMPART_SCREENSHOTS ?? tmpdir(), `rempart-failure-${task.id}.png`);
    try {
      if (page.isClosed()) return;
      await page.screenshot({ path: file, fullPage: true });
      console.error(`[web test failed] ${task.name}: page at ${page.url()}, screenshot ${file}`, problems);
    } catch {
      // The browser may be gone already; the assertion error says enough then.
    }
  });
  page.on('requestfailed', (request) => {
    // Navigating away cancels what the previous page was still loading: not a failure of the server.
    const reason = request.failure()?.errorText ?? 'unknown';
    if (!reason.includes('ERR_ABORTED')) problems.push(`request failed: ${request.url()} (${reason})`);
  });
  return { context, page, problems };
}

/** Signs in with e-mail and password on /connexion; returns once the next step is on screen. */
export async function submitPassword(page: Page, email: string, password: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
}

/** Signs in as a demo account (no second factor) and waits for the home page's greeting. */
export async function signInDemo(page: Page, email: string) {
  await submitPassword(page, email, DEMO_PASSWORD);
  await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
}

/** The text of an element once it is on the page. */
export async function textOf(locator: Locator): Promise<string> {
  await locator.waitFor();
  return (await locator.textContent()) ?? '';
}

/** A signed-in API client (session cookie + CSRF token) for preparing data through the real API. */
export async function apiSession(baseUrl: string, email: string, password: string) {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in of ${email} failed: HTTP ${login.status} ${await login.text()}`);
  const { csrfToken, status } = (await login.json()) as { csrfToken: string; status: string };
  if (status !== 'signed_in') throw new Error(`sign-in of ${email} needs a second factor`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
}

/** Problems a page must never show: blocked by the CSP, failed asset loads, script errors. */
export function seriousProblems(problems: string[]): string[] {
  return problems.filter(
    (p) => /Content Security Policy|Refused to|page error|request failed/i.test(p) && !p.includes('/api/'),
  );
}
