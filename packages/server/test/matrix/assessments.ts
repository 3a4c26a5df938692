import { referentialRow } from '../../src/assessments/referentials.js';
import { nowIso } from '../../src/http/time.js';
import type { CaseContext, RouteCase } from './types.js';

/** An assessment of `ctx.orgId`, written straight into the database (draft, or submitted for sign-off). */
async function assessmentAt(ctx: CaseContext, status: 'draft' | 'submitted' = 'draft'): Promise<number> {
  const { id: versionId } = await referentialRow(ctx.db, 'care', undefined);
  const at = nowIso();
  const row = await ctx.db
    .insertInto('assessment')
    .values({
      organisation_id: ctx.orgId,
      referential_version_id: versionId,
      category: 'public',
      status,
      revision: 0,
      answers: '{}',
      created_at: at,
      created_by: null,
      updated_at: at,
      submitted_at: status === 'submitted' ? at : null,
      submitted_by: null,
      signed_at: null,
      signed_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const YAML = 'application/yaml';

export const cases: RouteCase[] = [
  { method: 'GET', url: '/api/referentials', request: () => ({ url: '/api/referentials' }) },
  {
    method: 'GET',
    url: '/api/referentials/:key/versions/:version',
    request: () => ({ url: '/api/referentials/care/versions/1' }),
  },
  {
    method: 'GET',
    url: '/api/referentials/:key/versions/:version/ciso-assistant',
    request: () => ({ url: '/api/referentials/care/versions/1/ciso-assistant' }),
  },
  {
    method: 'POST',
    url: '/api/referentials',
    // An invalid document: allowed callers get 400, the others 403.
    request: (c) => ({ url: '/api/referentials', body: `format: x-${c.unique}\n`, contentType: YAML }),
    fixedTarget: 'nation',
  },
  {
    method: 'POST',
    url: '/api/organisations/:id/assessments',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/assessments`, body: { referentialId: 'care' } }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/assessments',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/assessments` }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/dashboard',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/dashboard` }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}` }),
  },
  {
    method: 'PATCH',
    url: '/api/assessments/:id/answers',
    request: async (c) => ({
      url: `/api/assessments/${await assessmentAt(c)}/answers`,
      body: { revision: 0, answers: { 'A1.O1.R2': { answer: { kind: 'level', level: 'yes' } } } },
    }),
  },
  {
    method: 'POST',
    url: '/api/assessments/:id/prefill',
    request: async (c) => ({
      url: `/api/assessments/${await assessmentAt(c)}/prefill`,
      body: { revision: 0, readings: [] },
    }),
  },
  {
    method: 'POST',
    url: '/api/assessments/:id/submit',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/submit`, body: { revision: 0 } }),
  },
  {
    method: 'POST',
    url: '/api/assessments/:id/sign',
    request: async (c) => ({
      url: `/api/assessments/${await assessmentAt(c, 'submitted')}/sign`,
      body: { revision: 0 },
    }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/score',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/score` }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/snapshots',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/snapshots` }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/roadmap',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/roadmap` }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/roadmap.csv',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/roadmap.csv` }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/roadmap.pdf',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/roadmap.pdf` }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/roadmap.xlsx',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/roadmap.xlsx` }),
  },
  {
    method: 'PATCH',
    url: '/api/assessments/:id/roadmap/:measureId',
    request: async (c) => ({
      url: `/api/assessments/${await assessmentAt(c)}/roadmap/M-PSSI`,
      body: { owner: 'DSI', dueDate: '2026-06-30', status: 'in_progress', costBuild: 2500, costRun: null },
    }),
  },
  {
    method: 'POST',
    url: '/api/assessments/:id/answers/:requirementId/confirm',
    // Nothing pre-filled: allowed callers get 409 not_prefilled, the others 403.
    request: async (c) => ({
      url: `/api/assessments/${await assessmentAt(c)}/answers/D2.O4.TEST/confirm`,
      body: { revision: 0 },
    }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/objective-owners',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/objective-owners` }),
  },
  {
    method: 'GET',
    url: '/api/assessments/:id/owner-candidates',
    request: async (c) => ({ url: `/api/assessments/${await assessmentAt(c)}/owner-candidates` }),
  },
  {
    method: 'PATCH',
    url: '/api/assessments/:id/objectives/:objectiveId/owner',
    request: async (c) => ({
      url: `/api/assessments/${await assessmentAt(c)}/objectives/A1.O1/owner`,
      body: { revision: 0, name: `Responsable ${c.unique}`, dueDate: '2027-01-31' },
    }),
  },
];
