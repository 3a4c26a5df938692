import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { verifyAuditChain } from '../src/audit/trail.js';
import { buildTree, createUser, signIn, type Tree } from './fixtures.js';
import { type Client, DIALECTS, startTestServer, type TestServer } from './harness.js';
import { referentialHead } from './referential-builders.js';

const YAML = { 'content-type': 'application/yaml' };

/** A small valid referential in the Rempart format, at a given version. */
const miniReferential = (
  version: number,
  dependsOn = '',
) => `${referentialHead('mini-test', version, 'Mini')}        - id: O1
          title: Objectif 1
          weight: 1
          wording: rempart
          reached: { threshold: 1 }
          depends_on: [${dependsOn}]
          requirements:
            - { id: R1, title: R1, questions: [Q], scale: yn, weight: 1, wording: rempart }
`;

const CISO_LIBRARY = `urn: urn:exemple:risk:library:petit
locale: fr
ref_id: petit
name: Petit cadre
description: Test
copyright: Test
version: 1
provider: Exemple
packager: exemple
objects:
  framework:
    urn: urn:exemple:risk:framework:petit
    ref_id: petit
    name: Petit cadre
    requirement_nodes:
      - { urn: "urn:exemple:risk:req_node:petit:s", assessable: false, depth: 1, ref_id: s, name: Section }
      - { urn: "urn:exemple:risk:req_node:petit:r1", assessable: true, depth: 2, parent_urn: "urn:exemple:risk:req_node:petit:s", ref_id: r1, name: Exigence }
`;

describe.each(DIALECTS)('CaRE self-assessment API on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let admin: Client;
  let referent: Client;
  let rssi: Client;
  let contributor: Client;
  let director: Client;
  let assessmentId: number;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    const db = server.handle.db;
    await createUser(db, 'admin@n.fr', [{ role: 'national_admin', organisationId: tree.nation.id }]);
    await createUser(db, 'ars@ara.fr', [{ role: 'regional_referent', organisationId: tree.ara.id }]);
    await createUser(db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(db, 'contrib@cha.fr', [{ role: 'contributor', organisationId: tree.ejA.id }]);
    await createUser(db, 'dir@cha.fr', [{ role: 'establishment_director', organisationId: tree.ejA.id }]);
    admin = await signIn(server, 'admin@n.fr');
    referent = await signIn(server, 'ars@ara.fr');
    rssi = await signIn(server, 'rssi@cha.fr');
    contributor = await signIn(server, 'contrib@cha.fr');
    director = await signIn(server, 'dir@cha.fr');
  });
  afterAll(() => server?.close());

  test('referentials: the shipped CaRE referential is listed, readable and exportable to CISO Assistant', async () => {
    const list = await rssi.get('/api/referentials');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ id: 'care', version: 1, origin: 'bundled' }));
    const full = await rssi.get('/api/referentials/care/versions/1');
    expect(full.body.axes.map((a: { title: string }) => a.title)).toContain('Sécurité opérationnelle');
    const ciso = await rssi.get('/api/referentials/care/versions/1/ciso-assistant');
    expect(ciso.raw.headers['content-type']).toContain('application/yaml');
    expect(parse(ciso.raw.body).objects.framework.requirement_nodes.length).toBeGreaterThan(60);
    expect((await rssi.get('/api/referentials/care/versions/99')).status).toBe(404);
    expect((await rssi.get('/api/referentials/..%2F..%2Fetc/versions/1')).status).toBe(400);
  });

  test('referentials: the nation imports a version once; invalid files are refused with line and reason', async () => {
    const created = await admin.post('/api/referentials', miniReferential(1), YAML);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'mini-test', version: 1, origin: 'imported' });
    const again = await admin.post('/api/referentials', miniReferential(1), YAML);
    expect(again.status).toBe(409);
    const cycle = await admin.post('/api/referentials', miniReferential(2, 'O1'), YAML);
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.code).toBe('invalid_referential');
    expect(cycle.body.error.message).toMatch(/ligne 25 : dépendance circulaire/);
    const missingWeight = await admin.post(
      '/api/referentials',
      miniReferential(2).replace('weight: 1, wording', 'wording'),
      YAML,
    );
    expect(missingWeight.body.error.message).toMatch(/ligne 27 : poids manquant \[missing_weight\]/);
    const ciso = await admin.post('/api/referentials', CISO_LIBRARY, YAML);
    expect(ciso.status).toBe(201);
    expect(ciso.body).toMatchObject({ id: 'petit', urn: 'urn:exemple:risk:library:petit' });
    expect((await admin.post('/api/referentials', 'a: [', YAML)).status).toBe(400);
    expect((await admin.post('/api/referentials', { x: 1 })).body.error.code).toBe('invalid_body');
    expect((await referent.post('/api/referentials', miniReferential(3), YAML)).status).toBe(403);
    const list = await rssi.get('/api/referentials');
    expect(list.body.items.filter((r: { id: string }) => r.id === 'mini-test')).toHaveLength(1);
  });

  test('create: the establishment starts a CaRE assessment; its category comes from the tree', async () => {
    const created = await rssi.post(`/api/organisations/${tree.ejA.id}/assessments`, { referentialId: 'care' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      organisationId: tree.ejA.id,
      referential: { id: 'care', version: 2 },
      category: 'public',
      status: 'draft',
      revision: 0,
    });
    assessmentId = created.body.id;
    const bad = await rssi.post(`/api/organisations/${tree.ejA.id}/assessments`, { referentialId: 'nope' });
    expect(bad.status).toBe(404);
    const unknownField = await rssi.post(`/api/organisations/${tree.ejA.id}/assessments`, {
      referentialId: 'care',
      status: 'signed',
    });
    expect(unknownField.body.error.code).toBe('validation_failed');
    const list = await referent.get(`/api/organisations/${tree.ejA.id}/assessments`);
    expect(list.body.items.map((a: { id: number }) => a.id)).toEqual([assessmentId]);
  });

  test('answers: save as you go with comments; a stale revision is refused with a clear conflict', async () => {
    const first = await rssi.patch(`/api/assessments/${assessmentId}/answers`, {
      revision: 0,
      answers: {
        'A1.O1.R1': { answer: { kind: 'level', level: 'complete' }, comment: 'PSSI signée le 3 mars' },
        'A1.O1.R2': { answer: { kind: 'level', level: 'yes' } },
      },
    });
    expect(first.status).toBe(200);
    expect(first.body.revision).toBe(1);
    expect(first.body.answers['A1.O1.R1']).toMatchObject({ comment: 'PSSI signée le 3 mars' });
    // The contributor prepared its change on revision 0: refused, nothing lost.
    const stale = await contributor.patch(`/api/assessments/${assessmentId}/answers`, {
      revision: 0,
      answers: { 'A1.O1.R3': { answer: { kind: 'dont_know' } } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('revision_conflict');
    expect(stale.body.error.message).toContain('révision 1');
    const reloaded = await contributor.get(`/api/assessments/${assessmentId}`);
    const retried = await contributor.patch(`/api/assessments/${assessmentId}/answers`, {
      revision: reloaded.body.revision,
      answers: { 'A1.O1.R3': { answer: { kind: 'dont_know' } } },
    });
    expect(retried.status).toBe(200);
    expect(Object.keys(retried.body.answers).sort()).toEqual(['A1.O1.R1', 'A1.O1.R2', 'A1.O1.R3']);
    // A comment alone can be changed; clearing answer and comment removes the entry.
    const cleared = await rssi.patch(`/api/assessments/${assessmentId}/answers`, {
      revision: 2,
      answers: { 'A1.O1.R3': { answer: null, comment: null }, 'A1.O1.R1': { comment: 'PSSI v4' } },
    });
    expect(cleared.body.answers['A1.O1.R3']).toBeUndefined();
    expect(cleared.body.answers['A1.O1.R1']).toMatchObject({ answer: { level: 'complete' }, comment: 'PSSI v4' });
  });

  test('answers: of two simultaneous writes on the same revision exactly one wins', async () => {
    const current = (await rssi.get(`/api/assessments/${assessmentId}`)).body.revision;
    const results = await Promise.all([
      rssi.patch(`/api/assessments/${assessmentId}/answers`, {
        revision: current,
        answers: { 'A2.O1.R1': { answer: { kind: 'level', level: 'complete' } } },
      }),
      contributor.patch(`/api/assessments/${assessmentId}/answers`, {
        revision: current,
        answers: { 'A2.O1.R2': { answer: { kind: 'level', level: 'partial' } } },
      }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const after = await rssi.get(`/api/assessments/${assessmentId}`);
    expect(after.body.revision).toBe(current + 1);
  });

  test('answers: bad input is refused with a code and changes nothing', async () => {
    const before = (await rssi.get(`/api/assessments/${assessmentId}`)).body;
    const send = (answers: unknown, revision = before.revision) =>
      rssi.patch(`/api/assessments/${assessmentId}/answers`, { revision, answers } as Record<string, unknown>);
    const cases: Array<[unknown, string]> = [
      [{ "R1'; DROP TABLE assessment; --": { answer: { kind: 'dont_know' } } }, 'unknown_requirement'],
      [{ 'A1.O1.R1': { answer: { kind: 'level', level: 'peut-être' } } }, 'unknown_level'],
      [{ 'A1.O1.R1': { answer: { kind: 'maybe' } } }, 'validation_failed'],
      [{ 'A1.O1.R1': { answer: { kind: 'dont_know' }, extra: 1 } }, 'validation_failed'],
      [{ 'A1.O1.R1': { comment: 'x'.repeat(5001) } }, 'validation_failed'],
      [{ ['x'.repeat(65)]: { comment: 'a' } }, 'validation_failed'],
      ['not an object', 'validation_failed'],
    ];
    for (const [answers, code] of cases) {
      const r = await send(answers);
      expect(r.status, JSON.stringify(answers).slice(0, 60)).toBe(400);
      expect(r.body.error.code).toBe(code);
    }
    expect((await send({}, -1)).status).toBe(400);
    expect((await send({}, 'un' as unknown as number)).status).toBe(400);
    const huge = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`R${i}`, { comment: 'a' }]));
    expect((await send(huge)).status).toBe(400);
    const after = (await rssi.get(`/api/assessments/${assessmentId}`)).body;
    expect(after.revision).toBe(before.revision);
    expect(after.answers).toEqual(before.answers);
    expect((await rssi.patch('/api/assessments/999999/answers', { revision: 0, answers: {} })).status).toBe(404);
  });

  test("prefill: audit indicators pre-fill answers with their source, without overwriting a person's answer", async () => {
    const current = (await rssi.get(`/api/assessments/${assessmentId}`)).body;
    const observedAt = '2026-01-10T08:00:00.000Z';
    const readings = [
      { key: 'ad.audit_done', value: true, source: { tool: 'ad-audit', reference: 'run-1', observedAt } },
      { key: 'ad.anssi_level', value: 3, source: { tool: 'ad-audit', observedAt } },
      { key: 'exposure.d1_cadence', value: 'oui', source: { tool: 'exposure', observedAt } },
      { key: 'unknown.metric', value: 1, source: { tool: 'x', observedAt } },
    ];
    const r = await rssi.post(`/api/assessments/${assessmentId}/prefill`, { revision: current.revision, readings });
    expect(r.status).toBe(200);
    expect(r.body.prefilled.sort()).toEqual(['D1.AD.R1', 'D1.AD.R2']);
    expect(r.body.unused).toEqual(['unknown.metric']);
    expect(r.body.invalid).toEqual([
      expect.objectContaining({ requirementId: 'D1.EXPO.R2', indicator: 'exposure.d1_cadence' }),
    ]);
    expect(r.body.answers['D1.AD.R2']).toMatchObject({
      answer: { kind: 'level', level: 'level_3' },
      source: { tool: 'ad-audit', indicator: 'ad.anssi_level', value: 3, observedAt },
    });
    // A person answers D1.AD.R2 differently: the source goes, and a new prefill does not overwrite it.
    const own = await rssi.patch(`/api/assessments/${assessmentId}/answers`, {
      revision: r.body.revision,
      answers: { 'D1.AD.R2': { answer: { kind: 'level', level: 'level_2' } } },
    });
    expect(own.body.answers['D1.AD.R2'].source).toBeUndefined();
    const again = await rssi.post(`/api/assessments/${assessmentId}/prefill`, {
      revision: own.body.revision,
      readings,
    });
    expect(again.body.answers['D1.AD.R2'].answer.level).toBe('level_2');
    const bad = await rssi.post(`/api/assessments/${assessmentId}/prefill`, {
      revision: again.body.revision,
      readings: [{ key: 'AD level', value: 3, source: { tool: 'x', observedAt: 'hier' } }],
    });
    expect(bad.body.error.code).toBe('validation_failed');
    expect(
      (await referent.post(`/api/assessments/${assessmentId}/prefill`, { revision: 0, readings: [] })).status,
    ).toBe(403);
  });

  test('roadmap: generated from the gaps, edits kept, CSV export; hidden from the region', async () => {
    const roadmap = await rssi.get(`/api/assessments/${assessmentId}/roadmap`);
    expect(roadmap.status).toBe(200);
    expect(roadmap.body.referential).toEqual({ id: 'care', version: 2 });
    expect(roadmap.body.items[0]).toMatchObject({ rank: 1, mandatory: true, status: 'todo' });
    // A1.O1.R1 (PSSI) is met: its measure only remains for D2.P1, still unanswered.
    const pssi = roadmap.body.items.find((i: { measureId: string }) => i.measureId === 'M-PSSI');
    expect(pssi.requirements).toEqual(['D2.P1']);
    expect(roadmap.body.summary.title).toBe('Feuille de route cyber — synthèse pour la direction');
    const edit = await rssi.patch(`/api/assessments/${assessmentId}/roadmap/M-PSSI`, {
      owner: 'Mme Martin (DSI)',
      dueDate: '2026-09-30',
      status: 'in_progress',
    });
    expect(edit.status).toBe(200);
    const again = await rssi.get(`/api/assessments/${assessmentId}/roadmap`);
    expect(again.body.items.find((i: { measureId: string }) => i.measureId === 'M-PSSI')).toMatchObject({
      owner: 'Mme Martin (DSI)',
      dueDate: '2026-09-30',
      status: 'in_progress',
    });
    expect(
      (
        await rssi.patch(`/api/assessments/${assessmentId}/roadmap/M-NOPE`, {
          owner: null,
          dueDate: null,
          status: 'todo',
        })
      ).status,
    ).toBe(404);
    const badDate = await rssi.patch(`/api/assessments/${assessmentId}/roadmap/M-PSSI`, {
      owner: null,
      dueDate: '2026-02-31x',
      status: 'todo',
    });
    expect(badDate.body.error.code).toBe('validation_failed');
    const csv = await rssi.get(`/api/assessments/${assessmentId}/roadmap.csv`);
    expect(csv.raw.headers['content-type']).toContain('text/csv');
    expect(csv.raw.body.startsWith('\uFEFFRang;Priorité;Mesure')).toBe(true);
    expect(csv.raw.body).toContain('Mme Martin (DSI)');
    expect((await referent.get(`/api/assessments/${assessmentId}/roadmap`)).status).toBe(403);
    expect((await referent.get(`/api/assessments/${assessmentId}/roadmap.pdf`)).status).toBe(403);
  });

  test('roadmap: one-page French PDF summary for the director and an XLSX workbook', async () => {
    const pdf = await director.get(`/api/assessments/${assessmentId}/roadmap.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.raw.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.raw.rawPayload;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = await mkdtemp(join(tmpdir(), 'rempart-pdf-'));
    try {
      const file = join(dir, 'synthese.pdf');
      await writeFile(file, bytes);
      const run = (cmd: string, args: string[]) => {
        const r = spawnSync(cmd, args, { encoding: 'utf8' });
        if (r.error)
          throw new Error(`${cmd} is required for this test (apt-get install poppler-utils): ${r.error.message}`);
        return r.stdout;
      };
      expect(run('pdfinfo', [file])).toMatch(/Pages:\s+1\n/);
      const text = run('pdftotext', ['-layout', file, '-']);
      expect(text).toContain('Feuille de route cyber — synthèse pour la direction');
      expect(text).toContain('CH A');
      expect(text).toContain('Gouvernance et résilience');
      expect(text).toContain('Priorités de la feuille de route');
      expect(text).toMatch(/1\. \[P1\] /);
      expect(text).toMatch(/Mise en place : [\d ]+ € HT/);
    } finally {
      await rm(dir, { recursive: true });
    }
    const xlsx = await rssi.get(`/api/assessments/${assessmentId}/roadmap.xlsx`);
    expect(xlsx.raw.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.raw.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Feuille de route', 'Synthèse']);
    const sheet = workbook.getWorksheet('Feuille de route')!;
    expect(sheet.getRow(1).getCell(3).value).toBe('Mesure');
    expect(sheet.getRow(2).getCell(1).value).toBe(1);
    const owners = sheet.getColumn(11).values.filter(Boolean);
    expect(owners).toContain('Mme Martin (DSI)');
  });

  test('submission and sign-off: scores are frozen; only the director signs; then nothing changes', async () => {
    const current = (await rssi.get(`/api/assessments/${assessmentId}`)).body.revision;
    expect((await rssi.post(`/api/assessments/${assessmentId}/sign`, { revision: current })).status).toBe(403);
    expect((await director.post(`/api/assessments/${assessmentId}/sign`, { revision: current })).status).toBe(409);
    const submitted = await rssi.post(`/api/assessments/${assessmentId}/submit`, { revision: current });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', revision: current + 1 });
    expect(submitted.body.submittedAt).not.toBeNull();
    const late = await contributor.patch(`/api/assessments/${assessmentId}/answers`, {
      revision: current + 1,
      answers: {},
    });
    expect(late.status).toBe(409);
    const stale = await director.post(`/api/assessments/${assessmentId}/sign`, { revision: current });
    expect(stale.body.error.code).toBe('revision_conflict');
    const signed = await director.post(`/api/assessments/${assessmentId}/sign`, { revision: current + 1 });
    expect(signed.body).toMatchObject({ status: 'signed' });
    const snapshots = await referent.get(`/api/assessments/${assessmentId}/snapshots`);
    expect(snapshots.body.items).toHaveLength(1);
    expect(snapshots.body.items[0].referential).toEqual({ id: 'care', version: 2 });
    const score = await referent.get(`/api/assessments/${assessmentId}/score`);
    expect(score.status).toBe(200);
    expect(snapshots.body.items[0].score).toBeCloseTo(score.body.overall.score, 4);
    expect(score.body.overall.dontKnow).toEqual([]);
    expect(score.body.objectives.find((o: { id: string }) => o.id === 'D2.O1').blockers.dependencies).toEqual(['D2.P']);
  });

  test('dashboard: the region sees statuses and scores, laggards first, not the answers or comments', async () => {
    const dash = await referent.get(`/api/organisations/${tree.ara.id}/dashboard`);
    expect(dash.status).toBe(200);
    // CH A's file also answers for its site, which has none of its own (the questionnaire is per legal entity).
    expect(dash.body.counts).toEqual({ organisations: 2, assessed: 2, covered: 1, submitted: 2, signed: 2 });
    expect(dash.body.items.map((i: { organisationId: number }) => i.organisationId)).toEqual([
      tree.ejA.id,
      tree.siteA.id,
    ]);
    const ej = dash.body.items[0];
    expect(ej).toMatchObject({ status: 'signed', category: 'public', coveredBy: null });
    expect(dash.body.items[1]).toMatchObject({
      status: 'signed',
      score: ej.score,
      coveredBy: { organisationId: tree.ejA.id, name: tree.ejA.name },
    });
    expect(ej.objectives['A1.O1']).toMatch(/reached|not_reached/);
    expect(JSON.stringify(dash.body)).not.toContain('PSSI v4');
    const share = dash.body.objectives.find((o: { id: string }) => o.id === 'A1.O1');
    expect(share).toMatchObject({
      applicable: 2,
      title: "Piloter la sécurité numérique au plus haut niveau de l'établissement",
    });
    expect((await referent.get(`/api/assessments/${assessmentId}`)).status).toBe(403);
    const filtered = await referent.get(`/api/organisations/${tree.ara.id}/dashboard?category=private_for_profit`);
    expect(filtered.body.items).toEqual([]);
    expect((await referent.get(`/api/organisations/${tree.ara.id}/dashboard?category=x`)).status).toBe(400);
    expect((await referent.get(`/api/organisations/${tree.ara.id}/dashboard?limit=0`)).status).toBe(400);
    expect((await referent.get(`/api/organisations/${tree.bre.id}/dashboard`)).status).toBe(403);
    const nation = await admin.get(`/api/organisations/${tree.nation.id}/dashboard?groupBy=region&limit=1`);
    expect(nation.body.counts.organisations).toBe(4);
    expect(nation.body.items).toHaveLength(1);
    // Per region: Bretagne has nothing submitted (first, laggard), ARA has the signed assessment.
    expect(nation.body.groups.map((g: { key: string; signed: number }) => [g.key, g.signed])).toEqual([
      ['BRE', 0],
      ['ARA', 2],
    ]);
    expect(nation.body.groups[1].meanScore).toBeCloseTo(ej.score, 6);
    expect((await admin.get(`/api/organisations/${tree.nation.id}/dashboard?groupBy=ght`)).status).toBe(400);
  });

  test('hostile parameters and bodies on every route are refused with a code and change nothing', async () => {
    const revisionBefore = (await rssi.get(`/api/assessments/${assessmentId}`)).body.revision;
    const trailBefore = (await rssi.get(`/api/organisations/${tree.ejA.id}/audit?limit=1`)).body.items[0].id;
    const a = `/api/assessments/${assessmentId}`;
    const cases: Array<[string, string, unknown, number[]]> = [
      ['GET', '/api/assessments/abc/score', undefined, [400]],
      ['GET', '/api/assessments/99999999999999999999/score', undefined, [400, 404]],
      ['GET', '/api/assessments/1%27%20OR%201=1/score', undefined, [400]],
      ['GET', '/api/referentials/care/versions/0', undefined, [400]],
      ['GET', `/api/referentials/${'x'.repeat(65)}/versions/1`, undefined, [400]],
      ['GET', `/api/organisations/${tree.ejA.id}/dashboard?limit=99999999`, undefined, [400]],
      ['GET', `/api/organisations/${tree.ejA.id}/dashboard?department=69%27--`, undefined, [400]],
      ['GET', `/api/organisations/${tree.ejA.id}/dashboard?referential=../etc`, undefined, [400]],
      ['GET', `/api/organisations/${tree.ejA.id}/dashboard?unknown=1`, undefined, [400]],
      ['POST', `/api/organisations/${tree.ejA.id}/assessments`, { referentialId: "care'; --" }, [400]],
      ['POST', `/api/organisations/${tree.ejA.id}/assessments`, { referentialId: 'care', version: -1 }, [400]],
      ['POST', `/api/organisations/${tree.ejA.id}/assessments`, { referentialId: 'care', category: 'clinique' }, [400]],
      ['POST', `/api/organisations/${tree.ejA.id}/assessments`, [], [400]],
      ['POST', `${a}/submit`, { revision: 'x' }, [400]],
      ['POST', `${a}/submit`, { revision: 0, force: true }, [400]],
      ['POST', `${a}/sign`, {}, [400]],
      ['POST', `${a}/prefill`, { revision: 0, readings: 'ad.anssi_level=3' }, [400]],
      [
        'POST',
        `${a}/prefill`,
        {
          revision: 0,
          readings: Array.from({ length: 501 }, () => ({
            key: 'ad.audit_done',
            value: true,
            source: { tool: 't', observedAt: '2026-01-01T00:00:00Z' },
          })),
        },
        [400],
      ],
      ['PATCH', `${a}/roadmap/M-PSSI`, { owner: 'a\u0000b', dueDate: null, status: 'todo' }, [400]],
      ['PATCH', `${a}/roadmap/M-PSSI`, { owner: 'x'.repeat(201), dueDate: null, status: 'todo' }, [400]],
      ['PATCH', `${a}/roadmap/M-PSSI`, { owner: null, dueDate: null, status: 'fini' }, [400]],
      ['PATCH', `${a}/roadmap/${'M'.repeat(65)}`, { owner: null, dueDate: null, status: 'todo' }, [400]],
    ];
    for (const [method, url, body, statuses] of cases) {
      const r = await director.request(method, url, body as Record<string, unknown> | undefined);
      expect(statuses, `${method} ${url.slice(0, 70)} → ${r.status}`).toContain(r.status);
      expect(typeof r.body?.error?.code, `${method} ${url.slice(0, 70)}`).toBe('string');
    }
    expect((await rssi.get(`/api/assessments/${assessmentId}`)).body.revision).toBe(revisionBefore);
    expect((await rssi.get(`/api/organisations/${tree.ejA.id}/audit?limit=1`)).body.items[0].id).toBe(trailBefore);
  });

  test('every write is in the hash-chained audit trail', async () => {
    const trail = await rssi.get(`/api/organisations/${tree.ejA.id}/audit?limit=100`);
    const actions = trail.body.items.map((e: { action: string }) => e.action);
    for (const a of [
      'assessment.created',
      'assessment.answered',
      'assessment.submitted',
      'assessment.signed',
      'roadmap.updated',
    ]) {
      expect(actions).toContain(a);
    }
    expect((await verifyAuditChain(server.handle.db)).ok).toBe(true);
  });
});
