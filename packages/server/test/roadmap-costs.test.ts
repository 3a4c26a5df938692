import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CareWorld, careWorld, newAssessment } from './care-followup.js';
import { DIALECTS } from './harness.js';

type Item = {
  measureId: string;
  cost: { build: number; run: number };
  estimate: { build: number; run: number };
  costBuild: number | null;
  costRun: number | null;
  status: string;
  dueDate: string | null;
  owner: string | null;
};

describe.each(DIALECTS)('editable roadmap costs on %s', (dialect) => {
  let w: CareWorld;
  let id: number;
  const roadmap = async () => (await w.rssi.get(`/api/assessments/${id}/roadmap`)).body;
  const item = async (measureId: string): Promise<Item> =>
    (await roadmap()).items.find((i: Item) => i.measureId === measureId);

  beforeAll(async () => {
    w = await careWorld(dialect);
    id = await newAssessment(w);
  });
  afterAll(() => w?.server.close());

  test('an edited build or run cost replaces the estimate in the item and the totals; null goes back', async () => {
    const before = await roadmap();
    const pssi = before.items.find((i: Item) => i.measureId === 'M-PSSI') as Item;
    expect(pssi).toMatchObject({ costBuild: null, costRun: null, estimate: pssi.cost });
    const r = await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { costBuild: 18_500 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ measureId: 'M-PSSI', costBuild: 18_500, costRun: null, status: 'todo' });
    // A first edit that sends only a cost keeps the generated due date and status.
    expect(r.body.dueDate).toBe(pssi.dueDate);
    const after = await roadmap();
    const edited = after.items.find((i: Item) => i.measureId === 'M-PSSI') as Item;
    expect(edited.cost).toEqual({ build: 18_500, run: pssi.estimate.run });
    expect(edited.estimate).toEqual(pssi.estimate);
    expect(after.totals.build).toBe(before.totals.build - pssi.estimate.build + 18_500);
    expect(after.totals.run).toBe(before.totals.run);

    await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { costRun: 0 });
    expect((await item('M-PSSI')).cost).toEqual({ build: 18_500, run: 0 });
    await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { costBuild: null });
    expect((await item('M-PSSI')).cost).toEqual({ build: pssi.estimate.build, run: 0 });
    await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { costBuild: 20_000 });
  });

  test('edited costs survive a regeneration after new answers, and other fields are not overwritten', async () => {
    await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { status: 'in_progress', owner: 'DSI' });
    const assessment = await w.rssi.get(`/api/assessments/${id}`);
    const answered = await w.rssi.patch(`/api/assessments/${id}/answers`, {
      revision: assessment.body.revision,
      answers: { 'A1.O1.R2': { answer: { kind: 'level', level: 'yes' } } },
    });
    expect(answered.status).toBe(200);
    expect(await item('M-PSSI')).toMatchObject({
      cost: { build: 20_000, run: 0 },
      costBuild: 20_000,
      costRun: 0,
      status: 'in_progress',
      owner: 'DSI',
    });
  });

  test('CSV, XLSX and the director PDF show the edited costs and totals', async () => {
    const totals = (await roadmap()).totals;
    const csv = await w.rssi.get(`/api/assessments/${id}/roadmap.csv`);
    const line = csv.raw.body.split('\r\n').find((l: string) => l.includes('PSSI'));
    expect(line.split(';')).toEqual(expect.arrayContaining(['20000', '0', 'DSI']));

    const xlsx = await w.rssi.get(`/api/assessments/${id}/roadmap.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.raw.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets.find((s) => s.name.toLowerCase().includes('feuille')) ?? workbook.worksheets[0]!;
    const values: unknown[] = [];
    sheet.eachRow((row) => {
      if (JSON.stringify(row.values).includes('PSSI')) values.push(...(row.values as unknown[]));
    });
    expect(values).toContain(20_000);

    const pdf = await w.director.get(`/api/assessments/${id}/roadmap.pdf`);
    const dir = await mkdtemp(join(tmpdir(), 'rempart-costs-'));
    try {
      await writeFile(join(dir, 's.pdf'), pdf.raw.rawPayload);
      const text = spawnSync('pdftotext', ['-layout', join(dir, 's.pdf'), '-'], { encoding: 'utf8' }).stdout;
      const money = (n: number) =>
        new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(n).replace(/\s/g, ' ');
      expect(text.replace(/\s/g, ' ')).toContain(money(totals.build));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('bad costs and bodies are refused with a code and change nothing', async () => {
    const before = await item('M-PSSI');
    const bodies: unknown[] = [
      { costBuild: -1 },
      { costBuild: 1.5 },
      { costBuild: 100_000_001 },
      { costRun: 1e308 },
      { costBuild: '1000' },
      { costBuild: 'NaN' },
      { costRun: true },
      { costBuild: [1] },
      {},
      { costBuild: 10, surprise: 1 },
      { status: 'fini' },
    ];
    for (const body of bodies) {
      const r = await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, body as Record<string, unknown>);
      expect([JSON.stringify(body), r.status, r.body.error.code]).toEqual([
        JSON.stringify(body),
        400,
        'validation_failed',
      ]);
    }
    const raw = await w.rssi.request('PATCH', `/api/assessments/${id}/roadmap/M-PSSI`, '{"costBuild": 1e999}', {
      'content-type': 'application/json',
    });
    expect(raw.status).toBe(400);
    expect((await w.rssi.patch(`/api/assessments/${id}/roadmap/M-NOPE`, { costBuild: 1 })).status).toBe(404);
    expect(await item('M-PSSI')).toEqual(before);
  });

  test('the region cannot edit costs; every edit is audited with before and after', async () => {
    expect((await w.referent.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { costBuild: 1 })).status).toBe(403);
    const events = await w.db
      .selectFrom('audit_event')
      .select('summary')
      .where('action', '=', 'roadmap.updated')
      .where('object_id', '=', String(id))
      .orderBy('id')
      .execute();
    const first = JSON.parse(events[0]!.summary);
    expect(first).toMatchObject({ measure: 'M-PSSI', before: null, after: { costBuild: 18_500, costRun: null } });
    const second = JSON.parse(events[1]!.summary);
    expect(second).toMatchObject({ before: { costBuild: 18_500 }, after: { costRun: 0 } });
  });
});
