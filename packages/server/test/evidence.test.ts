import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAuditChain } from '../src/audit/trail.js';
import { buildTree, createUser, signIn, type Tree } from './fixtures.js';
import { type Client, DIALECTS, startTestServer, type TestServer } from './harness.js';

const OCTET = 'application/octet-stream';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const enc = (s: string) => new TextEncoder().encode(s);

function docx(extra: Record<string, Uint8Array> = {}): Buffer {
  return Buffer.from(
    zipSync({
      '[Content_Types].xml': enc('<?xml version="1.0"?><Types/>'),
      'word/document.xml': enc('<w:document><w:body>Charte</w:body></w:document>'),
      ...extra,
    }),
  );
}

function odt(): Buffer {
  return Buffer.from(
    zipSync({
      mimetype: [enc('application/vnd.oasis.opendocument.text'), { level: 0 }],
      'content.xml': enc('<office:document-content/>'),
    }),
  );
}

/** Rewrites the uncompressed size every central-directory entry declares. */
function withDeclaredSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let p = 0; p < out.length - 4; p++) if (out.readUInt32LE(p) === 0x02014b50) out.writeUInt32LE(size, p + 24);
  return out;
}

describe.each(DIALECTS)('evidence per requirement on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let rssi: Client;
  let referent: Client;
  let referentDetailed: Client;
  let auditor: Client;
  let assessmentId: number;
  const upload = (c: Client, body: Buffer, name?: string, query = 'requirement=A1.O1.R2') =>
    c.post(`/api/assessments/${assessmentId}/evidence?${query}`, body, {
      'content-type': OCTET,
      ...(name === undefined ? {} : { 'x-filename': name }),
    });

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    const db = server.handle.db;
    await createUser(db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(db, 'ars@ara.fr', [{ role: 'regional_referent', organisationId: tree.ara.id }]);
    await createUser(db, 'ars2@ara.fr', [
      { role: 'regional_referent', organisationId: tree.ara.id, detailedFindings: true },
    ]);
    await createUser(db, 'audit@cha.fr', [{ role: 'auditor', organisationId: tree.ejA.id }]);
    rssi = await signIn(server, 'rssi@cha.fr');
    referent = await signIn(server, 'ars@ara.fr');
    referentDetailed = await signIn(server, 'ars2@ara.fr');
    auditor = await signIn(server, 'audit@cha.fr');
    const created = await rssi.post(`/api/organisations/${tree.ejA.id}/assessments`, { referentialId: 'care' });
    expect(created.status).toBe(201);
    assessmentId = created.body.id;
  });
  afterAll(() => server?.close());

  test('a PDF is stored with its server-side SHA-256, listed and downloaded as an attachment', async () => {
    const added = await upload(
      rssi,
      PDF,
      encodeURIComponent('Charte SSI été 2026.pdf'),
      'requirement=A1.O1.R2&expiresOn=2099-12-31',
    );
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      kind: 'file',
      requirementId: 'A1.O1.R2',
      filename: 'Charte SSI été 2026.pdf',
      mediaType: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      expiresOn: '2099-12-31',
      expired: false,
    });
    const list = await rssi.get(`/api/assessments/${assessmentId}/evidence`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { id: number }) => e.id)).toContain(added.body.id);
    const download = await rssi.get(`/api/evidence/${added.body.id}/content`);
    expect(download.status).toBe(200);
    expect(download.raw.rawPayload.equals(PDF)).toBe(true);
    expect(download.raw.headers['content-type']).toBe('application/pdf');
    expect(download.raw.headers['x-content-type-options']).toBe('nosniff');
    expect(download.raw.headers['content-disposition']).toBe(
      `attachment; filename="Charte SSI ete 2026.pdf"; filename*=UTF-8''${encodeURIComponent('Charte SSI été 2026.pdf')}`,
    );
  });

  test('PNG, DOCX and ODT are recognised by content, whatever their name', async () => {
    const png = await upload(rssi, PNG, 'capture.pdf');
    expect(png.body.mediaType).toBe('image/png');
    const word = await upload(rssi, docx(), 'pca.docx');
    expect(word.status).toBe(201);
    expect(word.body.mediaType).toContain('wordprocessingml');
    const text = await upload(rssi, odt(), 'pra.odt');
    expect(text.body.mediaType).toBe('application/vnd.oasis.opendocument.text');
    const unnamed = await upload(rssi, PDF);
    expect(unnamed.body.filename).toBe('piece.pdf');
  });

  test('wrong types, empty and oversize bodies are refused and nothing is stored', async () => {
    const before = (await rssi.get(`/api/assessments/${assessmentId}/evidence`)).body.items.length;
    const exe = await upload(rssi, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]), 'charte.pdf');
    expect(exe.status).toBe(415);
    expect(exe.body.error.code).toBe('unsupported_type');
    const html = await upload(rssi, Buffer.from('<html><script>alert(1)</script></html>'), 'x.pdf');
    expect(html.body.error.code).toBe('unsupported_type');
    const plainZip = await upload(rssi, Buffer.from(zipSync({ 'a.txt': enc('x') })), 'a.docx');
    expect(plainZip.body.error.code).toBe('unsupported_type');
    expect((await upload(rssi, Buffer.alloc(0), 'vide.pdf')).body.error.code).toBe('empty_file');
    const huge = await upload(rssi, Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]), 'gros.pdf');
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const truncated = await upload(rssi, docx().subarray(0, 60), 'coupe.docx');
    expect(truncated.body.error.code).toBe('invalid_archive');
    const json = await rssi.post(`/api/assessments/${assessmentId}/evidence?requirement=A1.O1.R2`, { a: 1 });
    expect(json.status).toBe(415);
    const unknownRequirement = await upload(rssi, PDF, 'a.pdf', 'requirement=ZZ.99');
    expect(unknownRequirement.body.error.code).toBe('unknown_requirement');
    expect((await upload(rssi, PDF, 'a.pdf', "requirement=' OR 1=1 --")).status).toBe(400);
    expect((await upload(rssi, PDF, 'a.pdf', 'requirement=A1.O1.R2&expiresOn=2026-02-31')).status).toBe(400);
    expect((await rssi.get(`/api/assessments/${assessmentId}/evidence`)).body.items.length).toBe(before);
  });

  test('zip bombs are refused from the sizes they declare, before anything is inflated', async () => {
    const bomb = docx({ 'word/media/zeros.bin': new Uint8Array(8 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(100_000);
    const ratio = await upload(rssi, bomb, 'bombe.docx');
    expect(ratio.status).toBe(400);
    expect(ratio.body.error.code).toBe('zip_bomb');
    const declared = await upload(rssi, withDeclaredSize(docx(), 0xfffffff0), 'ment.docx');
    expect(declared.body.error.code).toBe('zip_bomb');
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 120; i++) many[`word/p${i}.xml`] = enc('x');
    // 122 entries declaring 1 MiB each: no ratio alarm (not above 1 MiB), but 122 MiB in total.
    const total = await upload(rssi, withDeclaredSize(docx(many), 1024 * 1024), 'gros.docx');
    expect(total.body.error.code).toBe('zip_bomb');
  });

  test('filenames are sanitised: traversal, control characters, reserved characters, length', async () => {
    const names: Array<[string, string]> = [
      ['../../../etc/passwd.pdf', 'passwd.pdf'],
      ['..\\..\\windows\\system32\\x.pdf', 'x.pdf'],
      ['rapport\u0000\u001b[31m\u202e.pdf', 'rapport[31m.pdf'],
      ['.htaccess.pdf', 'htaccess.pdf'],
      ['a<b>c:"d|e?*.pdf', 'a_b_c__d_e__.pdf'],
    ];
    for (const [raw, expected] of names) {
      const r = await upload(rssi, PDF, encodeURIComponent(raw));
      expect(r.status, raw).toBe(201);
      expect(r.body.filename, raw).toBe(expected);
    }
    const long = await upload(rssi, PDF, encodeURIComponent(`${'é'.repeat(300)}.pdf`));
    expect([...long.body.filename]).toHaveLength(180);
    expect(long.body.filename.endsWith('.pdf')).toBe(true);
    expect((await upload(rssi, PDF, encodeURIComponent('../..'))).body.error.code).toBe('invalid_filename');
    expect((await upload(rssi, PDF, '%E0%A4%A')).body.error.code).toBe('invalid_filename');
  });

  test('links: https only, no credentials; hostile schemes refused', async () => {
    const url = `/api/assessments/${assessmentId}/evidence/links`;
    const ok = await rssi.post(url, {
      requirementId: 'A1.O1.R2',
      url: 'https://intranet.cha.fr/docs/charte',
      title: 'Charte',
      expiresOn: '2020-01-01',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'link', url: 'https://intranet.cha.fr/docs/charte', expired: true });
    for (const hostile of [
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      'file:///etc/passwd',
      'http://intranet.cha.fr/x',
      'data:text/html,<script>alert(1)</script>',
      'https://user:secret@intranet.cha.fr/',
      '//evil.example/x',
      'not a url',
    ]) {
      const r = await rssi.post(url, { requirementId: 'A1.O1.R2', url: hostile });
      expect(r.status, hostile).toBe(400);
      expect(r.body.error.code, hostile).toBe('invalid_link');
    }
    expect((await rssi.post(url, { requirementId: 'A1.O1.R2', url: 'https://a.fr', x: 1 })).status).toBe(400);
    expect((await rssi.post(url, { requirementId: 'A1.O1.R2', url: `https://a.fr/${'a'.repeat(3000)}` })).status).toBe(
      400,
    );
    const list = await rssi.get(`/api/assessments/${assessmentId}/evidence?requirement=A1.O1.R2`);
    const link = list.body.items.find((e: { id: number }) => e.id === ok.body.id);
    expect(link.expired).toBe(true);
    expect((await rssi.get(`/api/evidence/${ok.body.id}/content`)).status).toBe(404);
  });

  test('access: a regional referent sees no evidence without the explicit grant; the auditor cannot write', async () => {
    const added = await upload(rssi, PDF, 'preuve.pdf');
    expect((await referent.get(`/api/assessments/${assessmentId}/evidence`)).status).toBe(403);
    expect((await referent.get(`/api/evidence/${added.body.id}/content`)).status).toBe(403);
    expect((await referentDetailed.get(`/api/assessments/${assessmentId}/evidence`)).status).toBe(200);
    expect((await referentDetailed.get(`/api/evidence/${added.body.id}/content`)).status).toBe(200);
    expect((await auditor.get(`/api/assessments/${assessmentId}/evidence`)).status).toBe(200);
    expect((await upload(auditor, PDF, 'x.pdf')).status).toBe(403);
    expect((await auditor.delete(`/api/evidence/${added.body.id}`)).status).toBe(403);
    expect((await referentDetailed.delete(`/api/evidence/${added.body.id}`)).status).toBe(403);
  });

  test('delete, audit trail, and no change once the assessment is signed', async () => {
    const added = await upload(rssi, PDF, 'a-supprimer.pdf');
    const deleted = await rssi.delete(`/api/evidence/${added.body.id}`);
    expect(deleted.status).toBe(200);
    expect((await rssi.get(`/api/evidence/${added.body.id}/content`)).status).toBe(404);
    expect((await rssi.delete(`/api/evidence/${added.body.id}`)).status).toBe(404);
    const events = await server.handle.db
      .selectFrom('audit_event')
      .select(['action', 'object_id'])
      .where('object_type', '=', 'evidence')
      .execute();
    expect(events.filter((e) => e.object_id === String(added.body.id)).map((e) => e.action)).toEqual([
      'evidence.added',
      'evidence.deleted',
    ]);
    expect((await verifyAuditChain(server.handle.db)).ok).toBe(true);
    await server.handle.db.updateTable('assessment').set({ status: 'signed' }).where('id', '=', assessmentId).execute();
    const late = await upload(rssi, PDF, 'tard.pdf');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('assessment_signed');
    await server.handle.db.updateTable('assessment').set({ status: 'draft' }).where('id', '=', assessmentId).execute();
  });
});
