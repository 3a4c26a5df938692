import { DEMO_PASSWORD } from '@rempart/server';
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
} from './harness.js';

const bundle = {
  format: 'rempart.detect/1',
  generatedAt: '2026-11-27T08:00:00.000Z',
  rulesetVersion: 'sigma-144-0123456789ab',
  rules: 144,
  files: 3,
  events: 5120,
  truncated: false,
  alerts: [
    {
      timestamp: '2026-11-27T07:58:12.000Z',
      computer: 'PC-URG-042.chu.local',
      channel: 'Microsoft-Windows-Sysmon/Operational',
      eventId: 1,
      level: 'critical',
      ruleId: 'mimikatz',
      ruleTitle: 'Exécution de Mimikatz',
      details: 'Image: C:\\Users\\Public\\m.exe ¦ CommandLine: sekurlsa::logonpasswords',
    },
  ],
};

describe('operational security page (detection alerts pushed by rempart detect)', { timeout: 240_000 }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let entityId: number;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
    const rssi = await apiSession(platform.baseUrl, 'rssi@rempart.demo', DEMO_PASSWORD);
    const me = (await rssi('GET', '/auth/me')).body as { grants: Array<{ organisationId: number }> };
    entityId = me.grants[0]!.organisationId;
    const pushed = await rssi('POST', `/organisations/${entityId}/results/detect`, bundle);
    expect(pushed.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  test('the establishment RSSI sees the indicators and the alerts of the last analysis', async () => {
    const { page, problems } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'rssi@rempart.demo');
    await page.goto(`/organisations/${entityId}`);
    await page.getByRole('link', { name: 'Sécurité opérationnelle' }).click();
    await page.getByRole('heading', { name: 'Sécurité opérationnelle', level: 1 }).waitFor();
    await page.getByText('Alertes critiques (dernière analyse)').waitFor();
    const alerts = page.getByTestId('detection-alerts');
    await alerts.waitFor();
    expect(await alerts.textContent()).toContain('Exécution de Mimikatz');
    expect(await alerts.textContent()).toContain('PC-URG-042.chu.local');
    expect(await page.getByText('1 alerte(s) dont 1 critique(s)').count()).toBeGreaterThan(0);
    expect(seriousProblems(problems)).toEqual([]);
  });

  test('the regional referent sees the indicators but not the alerts', async () => {
    const { page } = await openSession(browser, platform.baseUrl);
    await signInDemo(page, 'ars.ara@rempart.demo');
    await page.goto(`/organisations/${entityId}/securite`);
    await page.getByRole('heading', { name: 'Sécurité opérationnelle', level: 1 }).waitFor();
    await page.getByText('Alertes critiques (dernière analyse)').waitFor();
    await page.getByText('habilitation explicite').waitFor();
    expect(await page.getByTestId('detection-alerts').count()).toBe(0);
    expect(await page.content()).not.toContain('Mimikatz');
  });
});
