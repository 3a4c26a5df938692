import { referentialRow } from '../../src/assessments/referentials.js';
import { nowIso } from '../../src/http/time.js';
import type { CaseContext, RouteCase } from './types.js';

const PDF = '%PDF-1.4\n%matrix\n';

async function draftAt(ctx: CaseContext): Promise<number> {
  const { id: versionId } = await referentialRow(ctx.db, 'care', undefined);
  const at = nowIso();
  const row = await ctx.db
    .insertInto('assessment')
    .values({
      organisation_id: ctx.orgId,
      referential_version_id: versionId,
      category: 'public',
      status: 'draft',
      revision: 0,
      answers: '{}',
      created_at: at,
      created_by: null,
      updated_at: at,
      submitted_at: null,
      submitted_by: null,
      signed_at: null,
      signed_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function evidenceAt(ctx: CaseContext): Promise<number> {
  const assessmentId = await draftAt(ctx);
  const row = await ctx.db
    .insertInto('evidence')
    .values({
      assessment_id: assessmentId,
      organisation_id: ctx.orgId,
      requirement_id: 'A1.O1.R2',
      kind: 'file',
      filename: 'charte.pdf',
      media_type: 'application/pdf',
      size: PDF.length,
      sha256: null,
      content: Buffer.from(PDF),
      url: null,
      title: null,
      expires_on: null,
      created_at: nowIso(),
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const cases: RouteCase[] = [
  {
    method: 'GET',
    url: '/api/assessments/:id/evidence',
    request: async (c) => ({ url: `/api/assessments/${await draftAt(c)}/evidence` }),
  },
  {
    method: 'POST',
    url: '/api/assessments/:id/evidence',
    request: async (c) => ({
      url: `/api/assessments/${await draftAt(c)}/evidence?requirement=A1.O1.R2`,
      body: PDF,
      contentType: 'application/octet-stream',
    }),
  },
  {
    method: 'POST',
    url: '/api/assessments/:id/evidence/links',
    request: async (c) => ({
      url: `/api/assessments/${await draftAt(c)}/evidence/links`,
      body: { requirementId: 'A1.O1.R2', url: 'https://intranet.example/charte' },
    }),
  },
  {
    method: 'GET',
    url: '/api/evidence/:id/content',
    request: async (c) => ({ url: `/api/evidence/${await evidenceAt(c)}/content` }),
  },
  {
    method: 'DELETE',
    url: '/api/evidence/:id',
    request: async (c) => ({ url: `/api/evidence/${await evidenceAt(c)}` }),
  },
];
