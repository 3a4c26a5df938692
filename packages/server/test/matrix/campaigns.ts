import { referentialRow } from '../../src/assessments/referentials.js';
import { nowIso } from '../../src/http/time.js';
import type { CaseContext, RouteCase } from './types.js';

/** A campaign launched at `ctx.orgId`, written straight into the database (no members). */
async function campaignAt(ctx: CaseContext): Promise<number> {
  const { id } = await referentialRow(ctx.db, 'care', undefined);
  const row = await ctx.db
    .insertInto('campaign')
    .values({
      organisation_id: ctx.orgId,
      referential_version_id: id,
      name: `Campagne ${ctx.unique}`,
      deadline: '2099-01-01',
      created_at: nowIso(),
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const cases: RouteCase[] = [
  {
    method: 'POST',
    url: '/api/organisations/:id/campaigns',
    // On a site: allowed callers get 400 (a campaign starts from a region, group or the nation), others 403.
    request: (c) => ({
      url: `/api/organisations/${c.orgId}/campaigns`,
      body: { name: `C ${c.unique}`, referentialId: 'care', deadline: '2099-01-01' },
    }),
  },
  {
    method: 'POST',
    url: '/api/campaigns/:id/push',
    request: async (c) => ({ url: `/api/campaigns/${await campaignAt(c)}/push` }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/campaigns',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/campaigns` }),
  },
  {
    method: 'GET',
    url: '/api/campaigns/:id/progress',
    request: async (c) => ({ url: `/api/campaigns/${await campaignAt(c)}/progress` }),
  },
  {
    method: 'GET',
    url: '/api/campaigns/:id/reminders',
    request: async (c) => ({ url: `/api/campaigns/${await campaignAt(c)}/reminders` }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/dashboard.csv',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/dashboard.csv` }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/todo',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/todo` }),
  },
];
