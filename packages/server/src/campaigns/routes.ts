import { ESTABLISHMENT_CATEGORIES } from '@rempart/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { access, idFrom, ownerOfRow } from '../access/plugin.js';
import { categoryOfNode, insertDraft } from '../assessments/queries.js';
import { referentialOfRow, referentialRow } from '../assessments/referentials.js';
import { appendAudit } from '../audit/trail.js';
import type { Database } from '../db/schema.js';
import { actorOf } from '../http/context.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { IdParams, referentialKey } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { subtreeRange } from '../organisations/queries.js';
import { groupFileCategory } from './group-files.js';

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'date invalide',
    },
  );
/** Whom a campaign gives a file to: one per legal entity (FINESS EJ, the default) or one per site (EG). */
const TARGETS = ['legal_entities', 'sites'] as const;
type Target = (typeof TARGETS)[number];
const KIND_OF_TARGET: Record<Target, string> = { legal_entities: 'legal_entity', sites: 'site' };
/** The campaign table with the columns of migration 0009 (explicit target, group files). */
type CampaignDatabase = Omit<Database, 'campaign'> & {
  campaign: Database['campaign'] & { target: string; group_files: number };
};
const withCampaignColumns = (db: Kysely<Database> | Transaction<Database>) => db as unknown as Kysely<CampaignDatabase>;
const PROGRESS = ['not_started', 'draft', 'submitted', 'signed'] as const;
type Progress = (typeof PROGRESS)[number];

const CampaignOut = z.object({
  id: z.number(),
  organisationId: z.number(),
  name: z.string(),
  referential: z.object({ id: z.string(), version: z.number() }),
  deadline: z.string(),
  target: z.enum(TARGETS),
  groupFiles: z.boolean(),
  createdAt: z.string(),
});
const PushOut = z.object({ created: z.number(), linked: z.number(), skipped: z.array(z.number()) });

const today = () => nowIso().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

const campaignOrg = ownerOfRow('campaign', 'campagne');

async function campaignOut(db: Transaction<Database> | FastifyRequest['server']['db'], id: number) {
  const row = await withCampaignColumns(db)
    .selectFrom('campaign as c')
    .innerJoin('referential_version as v', 'v.id', 'c.referential_version_id')
    .select(['c.id', 'c.organisation_id', 'c.name', 'c.deadline', 'c.created_at', 'v.referential_key', 'v.version'])
    .select(['c.target', 'c.group_files'])
    .where('c.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('campagne');
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    referential: { id: row.referential_key, version: row.version },
    deadline: row.deadline,
    target: (TARGETS as readonly string[]).includes(row.target) ? (row.target as Target) : 'legal_entities',
    groupFiles: row.group_files === 1,
    createdAt: row.created_at,
  };
}

/**
 * Gives each target of the campaign's subtree an assessment on the campaign's referential: every legal entity
 * (default) or every site; with `group_files`, each group node gets one file for all its members instead and
 * its members get none. An existing assessment is linked instead of creating a duplicate: one on the same
 * version, else a DRAFT on an older version of the same referential (linked as it is — the establishment goes on
 * answering it and the campaign counts it; its version is shown in the member list). A submitted or signed file
 * on an older version is history: the campaign asks for a new one. Idempotent: members are never created twice.
 */
async function push(trx: Transaction<Database>, campaignId: number, userId: number) {
  const campaign = await withCampaignColumns(trx)
    .selectFrom('campaign as c')
    .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
    .innerJoin('referential_version as v', 'v.id', 'c.referential_version_id')
    .select(['c.referential_version_id', 'c.target', 'c.group_files', 'o.path', 'v.referential_key', 'v.version'])
    .where('c.id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const referential = await referentialOfRow(trx, campaign.referential_version_id);
  const [from, to] = subtreeRange(campaign.path);
  const nodes = await trx
    .selectFrom('organisation')
    .select(['id', 'kind', 'category', 'path'])
    .where('path', '>=', from)
    .where('path', '<', to)
    .orderBy('path')
    .execute();
  const members = new Set(
    (
      await trx.selectFrom('campaign_member').select('organisation_id').where('campaign_id', '=', campaignId).execute()
    ).map((r) => r.organisation_id),
  );
  // Per organisation: an assessment on this version (newest), else a draft on an older version (newest).
  const existing = new Map<number, { id: number; exact: boolean }>();
  for (const r of await trx
    .selectFrom('assessment as a')
    .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
    .innerJoin('referential_version as v', 'v.id', 'a.referential_version_id')
    .select(['a.id', 'a.organisation_id', 'a.referential_version_id'])
    .where('v.referential_key', '=', campaign.referential_key)
    .where((eb) =>
      eb.or([
        eb('a.referential_version_id', '=', campaign.referential_version_id),
        eb.and([eb('a.status', '=', 'draft'), eb('v.version', '<', campaign.version)]),
      ]),
    )
    .where('o.path', '>=', from)
    .where('o.path', '<', to)
    .orderBy('v.version')
    .orderBy('a.id')
    .execute()) {
    const exact = r.referential_version_id === campaign.referential_version_id;
    const before = existing.get(r.organisation_id);
    if (!before || exact || !before.exact) existing.set(r.organisation_id, { id: r.id, exact });
  }
  const categories = new Map(nodes.map((n) => [n.id, n.category]));
  const valid = new Set<string>(ESTABLISHMENT_CATEGORIES);
  const targetKind =
    KIND_OF_TARGET[(campaign.target as Target) in KIND_OF_TARGET ? (campaign.target as Target) : 'legal_entities'];
  const groupFiles = campaign.group_files === 1;
  const groups = groupFiles ? nodes.filter((n) => n.kind === 'group') : [];
  const underGroup = (path: string) => groups.some((g) => path !== g.path && path.startsWith(g.path));
  const at = nowIso();
  let created = 0;
  let linked = 0;
  const skipped: number[] = [];
  for (const node of nodes) {
    const isGroupFile = groupFiles && node.kind === 'group';
    if (!isGroupFile && (node.kind !== targetKind || underGroup(node.path))) continue;
    if (members.has(node.id)) continue;
    let assessmentId = existing.get(node.id)?.id;
    if (assessmentId === undefined) {
      let category: string | null;
      if (isGroupFile) {
        category = await groupFileCategory(trx, node.id, referential.id, referential.version).catch((error) => {
          if (error instanceof AppError && error.code === 'category_required') return null;
          throw error;
        });
      } else {
        const ancestors = node.path.split('/').filter(Boolean).map(Number).reverse();
        category = ancestors.map((id) => categories.get(id)).find((c) => c && valid.has(c)) ?? null;
        category ??= await categoryOfNode(trx, node.id);
      }
      if (!category) {
        skipped.push(node.id);
        continue;
      }
      assessmentId = await insertDraft(trx, {
        organisationId: node.id,
        versionId: campaign.referential_version_id,
        referentialKey: referential.id,
        category,
        userId,
        at,
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
    .innerJoin('referential_version as v', 'v.id', 'a.referential_version_id')
    .select([
      'm.organisation_id',
      'o.name',
      'o.kind',
      'o.department',
      'a.id as assessment_id',
      'a.status',
      'a.revision',
    ])
    .select('v.version')
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
      kind: r.kind,
      department: r.department,
      assessmentId: r.assessment_id,
      version: r.version,
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
  /** `group` for a group file answering for all its members. */
  kind: z.string(),
  department: z.string().nullable(),
  assessmentId: z.number(),
  /** The referential version of the linked assessment: older than the campaign's for a linked older draft. */
  version: z.number(),
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
          /** One file per legal entity (default) or per site. */
          target: z.enum(TARGETS).default('legal_entities'),
          /** Each group of the subtree (or the launching group) answers for all its members with one file. */
          groupFiles: z.boolean().default(false),
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
        const row = await withCampaignColumns(trx)
          .insertInto('campaign')
          .values({
            organisation_id: node.id,
            referential_version_id: versionId,
            name: request.body.name,
            deadline: request.body.deadline,
            target: request.body.target,
            group_files: request.body.groupFiles ? 1 : 0,
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
              target: request.body.target,
              groupFiles: request.body.groupFiles,
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
