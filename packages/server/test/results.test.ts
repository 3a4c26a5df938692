import { runAudit } from '@rempart/ad-audit';
import { defaultRuleSet, evaluate, type Observation, score } from '@rempart/exposure';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { aCleanDomain, NOW } from '../../ad-audit/test/builders.js';
import { buildTree, createUser, PASSWORD, type Tree } from './fixtures.js';
import { Client, DIALECTS, startTestServer, type TestServer } from './harness.js';
import { detectBundle } from './matrix/results.js';

/** A bundle as `rempart ad audit --json` writes it (dates as strings). */
const toJson = (bundle: unknown) => JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;

/** An exposure audit bundle as `rempart exposure scan --json` writes it, from observations. */
function exposureBundle(id: string, scannedAt: string, observations: Observation[]) {
  const findings = evaluate(defaultRuleSet(), observations);
  return {
    format: 'rempart.exposure/1',
    id,
    scannedAt,
    rulesVersion: defaultRuleSet().version,
    scope: { domains: ['chu.example'], ranges: ['203.0.113.0/28'] },
    sources: ['rempart'],
    observations,
    findings,
    score: score(findings),
  };
}

describe.each(DIALECTS)('technical results pushed by the engines on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let cli: Client;
  let referent: Client;
  let rssi: Client;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    await createUser(server.handle.db, 'rssi@a.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(server.handle.db, 'ars@ara.fr', [{ role: 'regional_referent', organisationId: tree.ara.id }]);
    rssi = new Client(server.app);
    await rssi.login('rssi@a.fr', PASSWORD);
    referent = new Client(server.app);
    await referent.login('ars@ara.fr', PASSWORD);
    const token = await rssi.post('/api/tokens', {
      name: 'detect',
      organisationId: tree.siteA.id,
      role: 'establishment_rssi',
    });
    cli = new Client(server.app);
    cli.bearer = token.body.token;
  });
  afterAll(() => server?.close());

  test('a pushed detection result is stored whole, summarised, and sets indicators', async () => {
    const me = await cli.get('/api/auth/me');
    expect(me.body.grants[0].organisationId).toBe(tree.siteA.id); // how the CLI finds where to push
    const pushed = await cli.post(`/api/organisations/${tree.siteA.id}/results/detect`, detectBundle(3));
    expect(pushed.status).toBe(201);
    expect(pushed.body.headline).toBe('3 alerte(s) dont 1 critique(s) et 2 haute(s), 100 événements analysés');
    expect(pushed.body.indicators).toMatchObject({ 'detect.alerts_critical': 1, 'detect.alerts_high': 2 });

    const details = await rssi.get(`/api/results/${pushed.body.id}`);
    expect(details.body.bundle.alerts).toHaveLength(3);
    const list = await rssi.get(`/api/organisations/${tree.siteA.id}/results?engine=detect`);
    expect(list.body.items.map((r: { id: number }) => r.id)).toEqual([pushed.body.id]);
    const trail = await rssi.get(`/api/organisations/${tree.siteA.id}/audit`);
    expect(trail.body.items[0]).toMatchObject({ action: 'result.pushed', actor: 'jeton detect' });
  });

  test('the region sees indicators and headlines, not the alerts', async () => {
    const indicators = await referent.get(`/api/organisations/${tree.siteA.id}/indicators`);
    expect(indicators.status).toBe(200);
    expect(indicators.body.indicators.find((i: { key: string }) => i.key === 'detect.alerts_critical').value).toBe(1);
    expect(JSON.stringify(indicators.body)).not.toContain('mimikatz');
    const result = indicators.body.latest[0];
    expect((await referent.get(`/api/results/${result.id}`)).status).toBe(403);
    expect((await referent.get(`/api/organisations/${tree.siteA.id}/results`)).status).toBe(403);
  });

  test('indicators come back as readings that pre-fill a CaRE self-assessment, with their source', async () => {
    const r = await rssi.get(`/api/organisations/${tree.siteA.id}/indicator-readings`);
    expect(r.status).toBe(200);
    expect(r.body.readings).toContainEqual({
      key: 'detect.alerts_critical',
      value: 1,
      source: {
        tool: 'detect',
        reference: expect.stringMatching(/^résultat n° \d+$/),
        observedAt: '2026-11-20T10:00:00.000Z',
      },
    });
  });

  test('an older result pushed late does not overwrite newer indicators', async () => {
    const older = { ...detectBundle(0), generatedAt: '2026-01-01T00:00:00.000Z' };
    expect((await cli.post(`/api/organisations/${tree.siteA.id}/results/detect`, older)).status).toBe(201);
    const indicators = await rssi.get(`/api/organisations/${tree.siteA.id}/indicators`);
    expect(indicators.body.indicators.find((i: { key: string }) => i.key === 'detect.alerts_critical').value).toBe(1);
  });

  test('an AD audit sets the D1 AD indicator (ANSSI level) only when the collection was complete', async () => {
    const clean = aCleanDomain();
    const complete = runAudit(clean, { now: NOW });
    const pushed = await cli.post(`/api/organisations/${tree.siteA.id}/results/ad-audit`, toJson(complete));
    expect(pushed.status).toBe(201);
    expect(pushed.body.indicators).toMatchObject({
      'ad.audit_done': true,
      'ad.collection_complete': true,
      'ad.anssi_level': complete.anssiLevel,
    });
    expect(pushed.body.headline).toContain(`niveau ANSSI ${complete.anssiLevel}`);

    const partial = runAudit(
      { ...clean, incomplete: [{ phase: 'acl', code: 'denied', reason: 'insufficientAccessRights' }] },
      { now: NOW },
    );
    const later = { ...toJson(partial), generatedAt: new Date(NOW.getTime() + 86_400_000).toISOString() };
    const second = await cli.post(`/api/organisations/${tree.siteA.id}/results/ad-audit`, later);
    expect(second.status).toBe(201);
    expect(second.body.indicators['ad.anssi_level']).toBeUndefined();
    expect(second.body.headline).toContain('collecte incomplète');
    const readings = await rssi.get(`/api/organisations/${tree.siteA.id}/indicator-readings`);
    const level = readings.body.readings.find((r: { key: string }) => r.key === 'ad.anssi_level');
    expect(level.source.observedAt).toBe(new Date(complete.generatedAt).toISOString()); // still the complete audit's
    const foreign = await cli.post(`/api/organisations/${tree.siteA.id}/results/ad-audit`, detectBundle());
    expect(foreign.body.error.code).toBe('invalid_bundle');
  });

  test('exposure audits set the D1 exposure indicators; two audits 45–60 days apart at minimum level meet D1.O2', async () => {
    const url = `/api/organisations/${tree.siteA.id}/results/exposure`;
    const risky = exposureBundle('a1', '2026-03-01T10:00:00Z', [
      { kind: 'port', host: '203.0.113.5', port: 3389, service: 'ms-wbt-server', source: 'rempart' },
    ]);
    const first = await cli.post(url, risky);
    expect(first.status).toBe(201);
    expect(first.body.indicators).toMatchObject({ 'exposure.exposed_admin_services': 1, 'exposure.d1_cadence': false });
    const clean = (id: string, at: string) =>
      exposureBundle(id, at, [{ kind: 'port', host: '203.0.113.5', port: 443, service: 'https', source: 'rempart' }]);
    expect((await cli.post(url, clean('a2', '2026-04-01T10:00:00Z'))).body.indicators['exposure.d1_cadence']).toBe(
      false,
    ); // 31 days after a1
    const third = await cli.post(url, clean('a3', '2026-05-20T10:00:00Z')); // 49 days after a2, both clean
    expect(third.body.indicators).toMatchObject({ 'exposure.d1_cadence': true, 'exposure.minimum_level': true });
    const tampered = { ...clean('a4', '2026-06-01T10:00:00Z'), score: { total: 0, perHost: {}, minimumLevel: true } };
    tampered.findings = evaluate(defaultRuleSet(), [
      { kind: 'port', host: '203.0.113.5', port: 23, service: 'telnet', source: 'rempart' },
    ]);
    expect((await cli.post(url, tampered)).body.error.code).toBe('invalid_bundle');
  });

  test('malformed, foreign, oversized and hostile bundles are refused and store nothing', async () => {
    const count = async () =>
      Number(
        (
          await server.handle.db
            .selectFrom('technical_result')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const bad = [
      {},
      { ...detectBundle(), format: 'rempart.detect/999' },
      { ...detectBundle(), events: -1 },
      { ...detectBundle(), generatedAt: 'yesterday' },
      { ...detectBundle(), alerts: [{ level: 'apocalyptic' }] },
      { ...detectBundle(), alerts: Array.from({ length: 20_001 }, () => detectBundle().alerts[0]) },
    ];
    for (const body of bad) {
      const r = await cli.post(`/api/organisations/${tree.siteA.id}/results/detect`, body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_bundle');
    }
    expect(
      (await cli.post(`/api/organisations/${tree.siteA.id}/results/unknown-engine`, detectBundle())).body.error.code,
    ).toBe('validation_failed');
    expect(
      (
        await cli.post(`/api/organisations/${tree.siteA.id}/results/detect`, '[1,2', {
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(400);
    const huge = JSON.stringify({ ...detectBundle(), padding: 'x'.repeat(33 * 1024 * 1024) });
    expect(
      (
        await cli.post(`/api/organisations/${tree.siteA.id}/results/detect`, huge, {
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(413);
    // A token scoped to site A cannot push for site B.
    expect((await cli.post(`/api/organisations/${tree.siteB.id}/results/detect`, detectBundle())).status).toBe(403);
    expect(await count()).toBe(before);
  });
});
