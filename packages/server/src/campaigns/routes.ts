import { ESTABLISHMENT_CATEGORIES } from '@rempart/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { access, idFrom } from '../access/plugin.js';
import { categoryOfNode, markLatest } from '../assessments/queries.js';
import { referentialOfRow, referentialRow } from '../assessments/referentials.js';
import { appendAudit } from '../audit/trail.js';
import type { Database } from '../db/schema.js';
import { actorOf } from '../http/context.js';
import { badRequest, notFound } from '../http/errors.js';
import { IdParams, referentialKey } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { subtreeRange } from '../organisations/queries.js';

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'date invalide',
    },
  );
const TARGET_KINDS = ['legal_entity', 'site'];
const PROGRESS = ['not_started', 'draft', 'submitted', 'signed'] as const;
type Progress = (typeof PROGRESS)[number];

const CampaignOut = z.object({
  id: z.number(),
  organisationId: z.number(),
  name: z.string(),
  referential: z.object({ id: z.string(), version: z.number() }),
  deadline: z.string(),
  createdAt: z.string(),
});
const PushOut = z.object({ created: z.number(), linked: z.number(), skipped: z.array(z.number()) });

const today = () => nowIso().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

async function campaignOrg(request: FastifyRequest): Promise<number> {
  const id = idFrom('params', 'id')(request) as number;
  const row = await request.server.db
    .selectFrom('campaign')
    .select('organisation_id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('campagne');
  return row.organisation_id;
}

async function campaignOut(db: Transaction<Database> | FastifyRequest['server']['db'], id: number) {
  const row = await db
    .selectFrom('campaign as c')
    .innerJoin('referential_version as v', 'v.id', 'c.referential_version_id')
    .select(['c.id', 'c.organisation_id', 'c.name', 'c.deadline', 'c.created_at', 'v.referential_key', 'v.version'])
    .where('c.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('campagne');
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    referential: { id: row.referential_key, version: row.version },
    deadline: row.deadline,
    createdAt: row.created_at,
  };
}

/**
 * Gives every legal entity and site of the campaign's subtree an assessment on the campaign's referential
 * version: links the one it already has, else creates a draft. Idempotent: members are never created twice.
 */
async function push(trx: Transaction<Database>, campaignId: number, userId: number) {
  const campaign = await trx
    .selectFrom('campaign as c')
    .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
    .select(['c.referential_version_id', 'o.path'])
    .where('c.id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const referential = await referentialOfRow(trx, campaign.referential_version_id);
  const [from, to] = subtreeRange(campaign.path);
  const nodes = await trx
    .selectFrom('organisation')
    .select(['id', 'kind', 'category', 'path'])
    .where('path', '>=', from)
    .where('path', '<', to)
    .execute();
  const members = new Set(
    (
      await trx.selectFrom('campaign_member').select('organisation_id').where('campaign_id', '=', campaignId).execute()
    ).map((r) => r.organisation_id),
  );
  const existing = new Map<number, number>();
  for (const r of await trx
    .selectFrom('assessment as a')
    .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
    .select(['a.id', 'a.organisation_id'])
    .where('a.referential_version_id', '=', campaign.referential_version_id)
    .where('o.path', '>=', from)
    .where('o.path', '<', to)
    .orderBy('a.id')
    .execute())
    existing.set(r.organisation_id, r.id);
  const categories = new Map(nodes.map((n) => [n.id, n.category]));
  const valid = new Set<string>(ESTABLISHMENT_CATEGORIES);
  const at = nowIso();
  let created = 0;
  let linked = 0;
  const skipped: number[] = [];
  for (const node of nodes) {
    if (!TARGET_KINDS.includes(node.kind) || members.has(node.id)) continue;
    let assessmentId = existing.get(node.id);
    if (assessmentId === undefined) {
      const ancestors = node.path.split('/').filter(Boolean).map(Number).reverse();
      let category = ancestors.map((id) => categories.get(id)).find((c) => c && valid.has(c)) ?? null;
      category ??= await categoryOfNode(trx, node.id);
      if (!category) {
        skipped.push(node.id);
        continue;
      }
      const row = await trx
        .insertInto('assessment')
        .values({
          organisation_id: node.id,
          referential_version_id: campaign.referential_version_id,
          category,
          status: 'draft',
          revision: 0,
          answers: '{}',
          created_at: at,
          created_by: userId,
          updated_at: at,
          submitted_at: null,
          submitted_by: null,
          signed_at: null,
          signed_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      assessmentId = row.id;
      await markLatest(trx, {
        organisationId: node.id,
        referentialKey: referential.id,
        assessmentId,
        status: 'draft',
      });
      created++;
    } else linked++;
    await trx
      .insertInto('campaign_member')
      .values({ campaign_id: campaignId, organisation_id: node.id, assessment_id: assessmentId })
      .execute();
  }
  return { created, linked, skipped };
}

/** The members of a campaign with their progress, the establishment's name and how late they are. */
async function memberStates(db: FastifyRequest['server']['db'], campaignId: number) {
  const campaign = await db
    .selectFrom('campaign')
    .select('deadline')
    .where('id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('campaign_member as m')
    .innerJoin('assessment as a', 'a.id', 'm.assessment_id')
    .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
    .select(['m.organisation_id', 'o.name', 'o.department', 'a.id as assessment_id', 'a.status', 'a.revision'])
    .where('m.campaign_id', '=', campaignId)
    .orderBy('o.name')
    .execute();
  const now = today();
  return rows.map((r) => {
    const progress: Progress =
      r.status === 'draft' ? (r.revision === 0 ? 'not_started' : 'draft') : (r.status as Progress);
    const done = progress === 'submitted' || progress === 'signed';
    return {
      organisationId: r.organisation_id,
      name: r.name,
      department: r.department,
      assessmentId: r.assessment_id,
      progress,
      daysLeft: daysBetween(now, campaign.deadline),
      overdue: !done && now > campaign.deadline,
      done,
    };
  });
}

const MemberOut = z.object({
  organisationId: z.number(),
  name: z.string(),
  department: z.string().nullable(),
  assessmentId: z.number(),
  progress: z.enum(PROGRESS),
  daysLeft: z.number(),
  overdue: z.boolean(),
});

/** Campaigns: push a referential to a subtree with a deadline, follow progress, list reminders. */
export const campaignRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const db = app.db;

  app.post(
    '/organisations/:id/campaigns',
    {
      config: { access: access.on('campaign.manage', idFrom('params', 'id')) },
      schema: {
        tags: ['campaigns'],
        params: IdParams,
        body: z.strictObject({
          name: z.string().trim().min(1).max(200),
          referentialId: referentialKey,
          version: z.number().int().min(1).max(1_000_000).optional(),
          deadline: IsoDate,
        }),
        response: { 201: z.object({ campaign: CampaignOut, push: PushOut }) },
      },
    },
    async (request, reply) => {
      const node = request.organisation!;
      if (!['nation', 'region', 'group'].includes(node.kind)) {
        throw badRequest('invalid_target', 'une campagne se lance depuis la nation, une région ou un groupement');
      }
      if (request.body.deadline < today()) throw badRequest('deadline_past', 'l’échéance est déjà passée');
      const result = await db.transaction().execute(async (trx) => {
        const { id: versionId, referential } = await referentialRow(
          trx,
          request.body.referentialId,
          request.body.version,
        );
        const row = await trx
          .insertInto('campaign')
          .values({
            organisation_id: node.id,
            referential_version_id: versionId,
            name: request.body.name,
            deadline: request.body.deadline,
            created_at: nowIso(),
            created_by: request.principal!.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const pushed = await push(trx, row.id, request.principal!.userId);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'campaign.created',
          objectType: 'campaign',
          objectId: row.id,
          organisationId: node.id,
          summary: {
            after: {
              name: request.body.name,
              referential: referential.id,
              version: referential.version,
              deadline: request.body.deadline,
              ...pushed,
              skipped: pushed.skipped.slice(0, 100),
            },
          },
        });
        return { campaign: await campaignOut(trx, row.id), push: pushed };
      });
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/campaigns/:id/push',
    {
      config: { access: access.on('campaign.manage', campaignOrg) },
      schema: { tags: ['campaigns'], params: IdParams, response: { 200: PushOut } },
    },
    async (request) =>
      db.transaction().execute(async (trx) => {
        const pushed = await push(trx, request.params.id, request.principal!.userId);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'campaign.pushed',
          objectType: 'campaign',
          objectId: request.params.id,
          organisationId: request.organisation!.id,
          summary: { after: { ...pushed, skipped: pushed.skipped.slice(0, 100) } },
        });
        return pushed;
      }),
  );

  app.get(
    '/organisations/:id/campaigns',
    {
      config: { access: access.on('assessment.read', idFrom('params', 'id')) },
      schema: { tags: ['campaigns'], params: IdParams, response: { 200: z.object({ items: z.array(CampaignOut) }) } },
    },
    async (request) => {
      // Campaigns launched at this node, above it, or below it.
      const path = request.organisation!.path;
      const ancestors = path.split('/').filter(Boolean).map(Number);
      const [from, to] = subtreeRange(path);
      const ids = await db
        .selectFrom('campaign as c')
        .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
        .select('c.id')
        .where((eb) =>
          eb.or([eb('c.organisation_id', 'in', ancestors), eb.and([eb('o.path', '>=', from), eb('o.path', '<', to)])]),
        )
        .orderBy('c.deadline')
        .orderBy('c.id')
        .execute();
      return { items: await Promise.all(ids.map((r) => campaignOut(db, r.id))) };
    },
  );

  app.get(
    '/campaigns/:id/progress',
    {
      config: { access: access.on('assessment.read', campaignOrg) },
      schema: {
        tags: ['campaigns'],
        params: IdParams,
        response: {
          200: z.object({
            campaign: CampaignOut,
            counts: z.object({
              members: z.number(),
              not_started: z.number(),
              draft: z.number(),
              submitted: z.number(),
              signed: z.number(),
              overdue: z.number(),
            }),
          }),
        },
      },
    },
    async (request) => {
      const states = await memberStates(db, request.params.id);
      const counts = { members: states.length, not_started: 0, draft: 0, submitted: 0, signed: 0, overdue: 0 };
      for (const s of states) {
        counts[s.progress]++;
        if (s.overdue) counts.overdue++;
      }
      return { campaign: await campaignOut(db, request.params.id), counts };
    },
  );

  app.get(
    '/campaigns/:id/reminders',
    {
      config: { access: access.on('assessment.read', campaignOrg) },
      schema: {
        tags: ['campaigns'],
        description: 'Établissements en retard, ou pas encore soumis à moins de `withinDays` jours de l’échéance.',
        params: IdParams,
        querystring: z.strictObject({ withinDays: z.coerce.number().int().min(0).max(366).default(14) }),
        response: { 200: z.object({ deadline: z.string(), items: z.array(MemberOut) }) },
      },
    },
    async (request) => {
      const states = await memberStates(db, request.params.id);
      const campaign = await campaignOut(db, request.params.id);
      const items = states
        .filter((s) => !s.done && (s.overdue || s.daysLeft <= request.query.withinDays))
        .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.name.localeCompare(b.name))
        .map(({ done: _, ...rest }) => rest);
      return { deadline: campaign.deadline, items };
    },
  );

  app.get(
    '/organisations/:id/todo',
    {
      config: { access: access.on('assessment.read', idFrom('params', 'id')) },
      schema: {
        tags: ['campaigns'],
        description: '« À faire » d’un établissement : les campagnes qui l’attendent, non soumises, par échéance.',
        params: IdParams,
        response: {
          200: z.object({
            items: z.array(MemberOut.extend({ campaign: CampaignOut })),
          }),
        },
      },
    },
    async (request) => {
      const [from, to] = subtreeRange(request.organisation!.path);
      const rows = await db
        .selectFrom('campaign_member as m')
        .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
        .select(['m.campaign_id', 'm.organisation_id'])
        .where('o.path', '>=', from)
        .where('o.path', '<', to)
        .execute();
      const items = [];
      for (const campaignId of new Set(rows.map((r) => r.campaign_id))) {
        const campaign = await campaignOut(db, campaignId);
        const wanted = new Set(rows.filter((r) => r.campaign_id === campaignId).map((r) => r.organisation_id));
        for (const s of await memberStates(db, campaignId)) {
          if (!wanted.has(s.organisationId) || s.done) continue;
          const { done: _, ...rest } = s;
          items.push({ ...rest, campaign });
        }
      }
      items.sort((a, b) => a.campaign.deadline.localeCompare(b.campaign.deadline) || a.name.localeCompare(b.name));
      return { items };
    },
  );
};
