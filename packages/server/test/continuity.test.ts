import { execFileSync } from 'node:child_process';
import {
  exportContinuityGraphCsv,
  exportContinuityGraphJson,
  smallHospitalContacts,
  smallHospitalDossier,
  smallHospitalInput,
} from '@rempart/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTree, createUser, PASSWORD, type Tree } from './fixtures.js';
import { Client, DIALECTS, startTestServer, type TestServer } from './harness.js';

function pdfText(pdf: Buffer): string {
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('pdftotext introuvable : installer poppler-utils (apt-get install -y poppler-utils)');
    }
    throw error;
  }
}

describe.each(DIALECTS)('continuity (CaRE D2) on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let rssi: Client;
  let auditor: Client;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    await createUser(server.handle.db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(server.handle.db, 'audit@cha.fr', [{ role: 'auditor', organisationId: tree.ejA.id }]);
    rssi = new Client(server.app);
    await rssi.login('rssi@cha.fr', PASSWORD);
    auditor = new Client(server.app);
    await auditor.login('audit@cha.fr', PASSWORD);
    url = `/api/organisations/${tree.ejA.id}/continuity`;
  });
  afterAll(() => server?.close());

  test('a small hospital imported as CSV gives its restore order, recovery times and what-if', async () => {
    const hospital = smallHospitalDossier().graph;
    const imported = await rssi.post(`${url}/import`, { format: 'csv', ...exportContinuityGraphCsv(hospital) });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ activities: 3, components: 7, dependencies: 12 });

    const plan = await auditor.get(`${url}/plan`);
    expect(plan.status).toBe(200);
    expect(plan.body.order).toEqual(['STOR', 'HYPERV', 'AD', 'DNS', 'DPI', 'PHARMA-APP', 'PAIE-APP']);
    // STOR 5 h → HYPERV 6 h → AD 4 h → DPI 3 h = 18 h, + 0.5 h resumption of emergency care.
    const urg = plan.body.activities.find((a: { id: string }) => a.id === 'URG');
    expect(urg).toMatchObject({ recoveryHours: 18.5, status: 'exceeds_mtd' });
    expect(plan.body.priorityInversions[0]).toMatchObject({ node: 'HYPERV', requiredBy: 'URG' });

    const oneTeam = await auditor.get(`${url}/plan?teams=1`);
    expect(oneTeam.body.activities.map((a: { recoveryHours: number }) => a.recoveryHours)).toEqual([19.5, 22, 25]);

    // Lose the AD only: AD 4 h, DPI comes back with it, URG at 4.5 h > RTO 4 h.
    const whatIf = await auditor.post(`${url}/what-if`, { lost: ['AD'] });
    expect(whatIf.status).toBe(200);
    expect(
      whatIf.body.impactedActivities.map((a: { id: string; recoveryHours: number }) => [a.id, a.recoveryHours]),
    ).toEqual([
      ['URG', 4.5],
      ['PHARMA', 5],
      ['PAIE', 6],
    ]);
    const unknown = await auditor.post(`${url}/what-if`, { lost: ['NOPE'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'invalid_what_if',
      issues: [{ code: 'whatif.unknown_component', node: 'NOPE' }],
    });

    const json = await auditor.get(`${url}/export?format=json`);
    expect(json.raw.headers['content-disposition']).toContain('continuite.json');
    expect(JSON.parse(json.raw.body).components).toHaveLength(7);
    const csv = await auditor.get(`${url}/export?format=csv&file=dependencies`);
    expect(csv.raw.headers['content-type']).toContain('text/csv');
    expect(csv.raw.body.split('\r\n')[0]).toBe('from;to;note');
  });

  test('node-by-node edits keep the graph consistent and are audited', async () => {
    const put = await rssi.request('PUT', `${url}/components/DHCP`, {
      name: 'DHCP',
      kind: 'dhcp',
      priority: 2,
      restoreHours: 1,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'DHCP', hasAlternative: false });
    expect((await rssi.post(`${url}/dependencies`, { from: 'DNS', to: 'DHCP' })).status).toBe(201);
    expect((await rssi.post(`${url}/dependencies`, { from: 'DNS', to: 'DHCP' })).status).toBe(409);
    const dangling = await rssi.post(`${url}/dependencies`, { from: 'DNS', to: 'GHOST' });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error.issues).toEqual([
      expect.objectContaining({ code: 'continuity.dangling_reference', node: 'GHOST' }),
    ]);
    const inconsistent = await rssi.request('PUT', `${url}/activities/BIO`, {
      name: 'Biologie',
      kind: 'technical_platform',
      owner: 'Biologiste',
      priority: 2,
      mtdHours: 6,
      rtoHours: 12,
      rpoHours: 1,
    });
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body.error.issues[0]).toMatchObject({ code: 'continuity.rto_exceeds_mtd', node: 'BIO' });
    const removed = await rssi.delete(`${url}/components/DHCP`);
    expect(removed.body).toEqual({ removedDependencies: 1 });
    expect((await rssi.delete(`${url}/components/DHCP`)).status).toBe(404);
    expect(
      (await auditor.request('PUT', `${url}/components/X`, { name: 'X', kind: 'server', priority: 1, restoreHours: 1 }))
        .status,
    ).toBe(403);

    const trail = await rssi.get(`/api/organisations/${tree.ejA.id}/audit`);
    const actions = trail.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'continuity.graph_imported',
        'continuity.component_saved',
        'continuity.dependency_added',
        'continuity.component_deleted',
      ]),
    );
    // Refused changes left nothing behind.
    const graph = await auditor.get(`${url}/graph`);
    expect(graph.body.components.map((c: { id: string }) => c.id)).not.toContain('DHCP');
    expect(graph.body.activities.map((a: { id: string }) => a.id)).not.toContain('BIO');
  });

  test('concurrent node edits are all kept, even when they create the graph', async () => {
    // Site A has no graph yet: the first writes race to create it.
    const site = `/api/organisations/${tree.siteA.id}/continuity`;
    const keys = Array.from({ length: 12 }, (_, i) => `PAR-${i}`);
    const results = await Promise.all(
      keys.map((key) =>
        rssi.request('PUT', `${site}/components/${key}`, { name: key, kind: 'server', priority: 4, restoreHours: 1 }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(keys.map(() => 200));
    const graph = await auditor.get(`${site}/graph`);
    expect(graph.body.components.map((c: { id: string }) => c.id).sort()).toEqual([...keys].sort());
    await Promise.all(keys.slice(0, 6).map((key) => rssi.delete(`${site}/components/${key}`)));
    expect((await auditor.get(`${site}/graph`)).body.components).toHaveLength(6);
    const datasets = await Promise.all(
      keys.map((key) => rssi.request('PUT', `${site}/datasets/${key}`, { name: key, productionSite: 'A', copies: [] })),
    );
    expect(datasets.map((r) => r.status)).toEqual(keys.map(() => 200));
    expect((await auditor.get(`${site}/datasets`)).body.items).toHaveLength(12);
  });

  test('a graph of 10,000 components and 50,000 dependencies goes through import, plan and what-if', async () => {
    const site = `/api/organisations/${tree.siteA.id}/continuity`;
    const n = 10_000;
    const components = Array.from({ length: n }, (_, i) => ({
      id: `c${i}`,
      name: `Composant ${i}`,
      kind: 'server',
      priority: 1 + (i % 5),
      restoreHours: 1 + (i % 3),
    }));
    const activities = [
      {
        id: 'URG',
        name: 'Urgences',
        kind: 'care_service',
        owner: 'X',
        priority: 1,
        mtdHours: 8,
        rtoHours: 4,
        rpoHours: 1,
      },
    ];
    // Component i depends on up to five lower-numbered ones: acyclic by construction.
    const dependencies: { from: string; to: string }[] = [{ from: 'URG', to: `c${n - 1}` }];
    for (let i = 1; dependencies.length < 50_000; i = (i % (n - 1)) + 1) {
      const to = (i * 7919 + dependencies.length) % i;
      dependencies.push({ from: `c${i}`, to: `c${to}` });
    }
    const document = JSON.stringify({ activities, components, dependencies });
    const imported = await rssi.post(`${site}/import`, { format: 'json', document });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ activities: 1, components: n });
    const plan = await auditor.get(`${site}/plan`);
    expect(plan.status).toBe(200);
    expect(plan.body.order).toHaveLength(n);
    expect(plan.body.cycles).toEqual([]);
    const whatIf = await auditor.post(`${site}/what-if`, { lost: ['c0'] });
    expect(whatIf.status).toBe(200);
    expect(whatIf.body.impactedActivities.map((a: { id: string }) => a.id)).toEqual(['URG']);
  });

  test('bad imports name the line or node and change nothing', async () => {
    const files = exportContinuityGraphCsv(smallHospitalDossier().graph);
    const badLine = await rssi.post(`${url}/import`, {
      format: 'csv',
      ...files,
      dependencies: `${files.dependencies}URG;NOWHERE;\r\n`,
    });
    expect(badLine.status).toBe(400);
    expect(badLine.body.error.code).toBe('invalid_import');
    expect(badLine.body.error.issues[0]).toMatchObject({
      code: 'continuity.dangling_reference',
      line: 14,
      node: 'NOWHERE',
    });
    const negative = smallHospitalInput();
    (negative.components[0] as { restoreHours: number }).restoreHours = -3;
    const json = await rssi.post(`${url}/import`, { format: 'json', document: JSON.stringify(negative) });
    expect(json.body.error.issues[0]).toMatchObject({ code: 'continuity.negative_duration', node: 'DPI' });
    const malformed = await rssi.post(`${url}/import`, { format: 'json', document: '{"activities": [' });
    expect(malformed.body.error.issues[0]).toMatchObject({ code: 'json.malformed', line: 1 });
    for (const body of [
      { format: 'xml', document: '<x/>' },
      { format: 'json' },
      { format: 'json', document: '{}', admin: true },
      'not json',
    ]) {
      const r = await rssi.request(
        'POST',
        `${url}/import`,
        body,
        typeof body === 'string' ? { 'content-type': 'application/json' } : {},
      );
      expect(r.status).toBe(400);
    }
    const graph = await auditor.get(`${url}/graph`);
    expect(graph.body.components).toHaveLength(7);
  });

  test('hostile keys, parameters and bodies are refused with a clear code', async () => {
    // Fastify's router refuses a path parameter over 100 characters with 414 before any handler runs (its own
    // body shape, FST_ERR_MAX_PARAM_LENGTH: the app's error handler is not reached).
    const long = await rssi.request('PUT', `${url}/components/${'x'.repeat(300)}`, { name: 'X' });
    expect(long.status).toBe(414);
    // The router's limit matches the id schema's: 100 characters are accepted, 101 are not.
    const atLimit = { name: 'X', kind: 'server', priority: 5, restoreHours: 1 };
    expect((await rssi.request('PUT', `${url}/components/${'y'.repeat(100)}`, atLimit)).status).toBe(200);
    expect((await rssi.request('PUT', `${url}/components/${'y'.repeat(101)}`, atLimit)).status).toBe(414);
    for (const [method, path, body] of [
      [
        'PUT',
        `${url}/components/${encodeURIComponent("x'; DROP TABLE organisation;--")}`,
        { name: 'X', kind: 'server', priority: 1, restoreHours: 1 },
      ],
      ['PUT', `${url}/components/OK`, { name: 'X', kind: 'server', priority: 1, restoreHours: 1e12 }],
      ['PUT', `${url}/components/OK`, { name: 'X', kind: 'server', priority: 9, restoreHours: 1 }],
      ['PUT', `${url}/graph`, { activities: [], components: [], dependencies: [], extra: 1 }],
      ['PUT', `${url}/datasets/DS`, { name: 'x', productionSite: 'A', copies: 'many' }],
      ['PUT', `${url}/entities`, [{ finess: '1', name: 'x', activityWeight: -1 }]],
      ['GET', `${url}/plan?teams=0`, undefined],
      ['GET', `${url}/plan?teams=abc`, undefined],
      ['GET', `${url}/indicators?asOf=yesterday`, undefined],
      ['POST', `${url}/what-if`, { lost: [] }],
    ] as const) {
      const r = await rssi.request(method, path, body as Record<string, unknown> | undefined);
      expect(r.status, `${method} ${path.slice(0, 80)}`).toBe(400);
      expect(typeof r.body?.error?.code, `${method} ${path.slice(0, 80)}: ${r.raw.body.slice(0, 200)}`).toBe('string');
    }
    const cyclic = smallHospitalInput();
    cyclic.dependencies.push({ from: 'STOR', to: 'DPI' });
    await rssi.request('PUT', `${url}/graph`, cyclic as unknown as Record<string, unknown>);
    const plan = await auditor.get(`${url}/plan`);
    expect(plan.body.cycles[0].nodes).toEqual(expect.arrayContaining(['STOR', 'DPI', 'HYPERV']));
    expect(plan.body.warnings.find((w: { code: string }) => w.code === 'plan.cycle').message).toMatch(
      /^cycle de dépendances : /,
    );
    const restored = await rssi.request(
      'PUT',
      `${url}/graph`,
      smallHospitalInput() as unknown as Record<string, unknown>,
    );
    expect(restored.status).toBe(200);
  });

  test('backups, exercises, documents and contacts feed the D2 indicators and the crisis binder', async () => {
    const dossier = smallHospitalDossier();
    for (const d of dossier.datasets)
      expect((await rssi.request('PUT', `${url}/datasets/${d.id}`, { ...d })).status).toBe(200);
    for (const e of dossier.exercises)
      expect((await rssi.request('PUT', `${url}/exercises/${e.id}`, { ...e })).status).toBe(200);
    for (const d of dossier.documents)
      expect((await rssi.request('PUT', `${url}/documents/${d.id}`, { ...d })).status).toBe(200);
    expect(
      (await rssi.request('PUT', `${url}/backup-infrastructure`, { ...dossier.backupInfrastructure! })).status,
    ).toBe(200);
    expect((await rssi.request('PUT', `${url}/contacts`, { ...smallHospitalContacts() })).status).toBe(200);

    const datasets = await auditor.get(`${url}/datasets?asOf=2026-04-01`);
    expect(datasets.body.items[0].rule).toMatchObject({ dataset: 'DS-DPI', compliant: true });
    const exercises = await auditor.get(`${url}/exercises?asOf=2026-04-01`);
    expect(
      exercises.body.items.map((e: { id: string; proofs: { objective: string; proven: boolean }[] }) => [
        e.id,
        e.proofs,
      ]),
    ).toEqual([
      ['EX-1', [{ objective: 'D2.O1.D', proven: true, reasons: [] }]],
      ['EX-2', [{ objective: 'D2.O4', proven: true, reasons: [] }]],
    ]);

    const indicators = await auditor.get(`${url}/indicators?asOf=2026-04-01`);
    expect(indicators.body.items).toHaveLength(13);
    expect(indicators.body.items.filter((i: { status: string }) => i.status !== 'met')).toEqual([]);

    expect((await rssi.delete(`${url}/exercises/EX-2`)).status).toBe(204);
    expect((await rssi.delete(`${url}/exercises/EX-2`)).status).toBe(404);
    const after = await auditor.get(`${url}/indicators?asOf=2026-04-01`);
    expect(after.body.items.find((i: { id: string }) => i.id === 'D2.O4').status).toBe('no_data');

    const binder = await auditor.get(`${url}/binder.pdf`);
    expect(binder.status).toBe(200);
    expect(binder.raw.headers['content-type']).toBe('application/pdf');
    const text = pdfText(binder.raw.rawPayload);
    for (const expected of [
      'Classeur de crise cyber',
      'Centre hospitalier de Saint-Étienne-du-Rouvray',
      'Cellule de crise',
      "Arbre d'appel",
      'CERT Santé, ARS et contacts externes',
      '09 72 43 91 25',
      'Isolement « bouton rouge »',
      'Ordre de restauration',
      'Procédures de mode dégradé',
      'Dossiers papier, bons de radiologie manuscrits, main courante.',
    ]) {
      expect(text).toContain(expected);
    }
  });

  test('a node without contacts still gets a binder that says what is missing', async () => {
    await createUser(server.handle.db, 'rssi@chb.fr', [{ role: 'establishment_rssi', organisationId: tree.ejB.id }]);
    const other = new Client(server.app);
    await other.login('rssi@chb.fr', PASSWORD);
    const r = await other.get(`/api/organisations/${tree.ejB.id}/continuity/binder.pdf`);
    expect(r.status).toBe(200);
    const text = pdfText(r.raw.rawPayload);
    expect(text).toContain('CH B');
    expect(text).toContain('Aucun membre de la cellule de crise renseigné.');
    const json = exportContinuityGraphJson({ activities: [], components: [], dependencies: [] });
    expect(
      (await other.post(`/api/organisations/${tree.ejB.id}/continuity/import`, { format: 'json', document: json }))
        .status,
    ).toBe(200);
  });
});
