import { indexReferential } from '@rempart/core';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { access } from '../access/plugin.js';
import { appendAudit } from '../audit/trail.js';
import type { Database } from '../db/schema.js';
import { actorOf } from '../http/context.js';
import { AppError, badRequest } from '../http/errors.js';
import { label } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { assessmentOrg, loadAssessment } from './queries.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An objective id as it appears in a referential (`A1.O1`, `D2.O3`). */
const ObjectiveId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'identifiant d’objectif invalide');
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date AAAA-MM-JJ attendue')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'date invalide',
  );

export const ObjectiveOwnerOut = z.object({
  objectiveId: z.string(),
  /** The account that owns it, when it is one. */
  userId: z.number().nullable(),
  /** What to display: the account's name, or the free-text name/role; null once the owner was removed. */
  name: z.string().nullable(),
  dueDate: z.string().nullable(),
  revision: z.number(),
  updatedAt: z.string(),
});
export type ObjectiveOwner = z.infer<typeof ObjectiveOwnerOut>;

/** The owners of an assessment's objectives; a removed owner stays listed (name null) with its revision. */
export async function objectiveOwners(db: Db, assessmentId: number): Promise<ObjectiveOwner[]> {
  const rows = await db
    .selectFrom('objective_owner as o')
    .leftJoin('app_user as u', 'u.id', 'o.user_id')
    .select(['o.objective_id', 'o.user_id', 'o.name', 'o.due_date', 'o.revision', 'o.updated_at', 'u.display_name'])
    .where('o.assessment_id', '=', assessmentId)
    .orderBy('o.objective_id')
    .execute();
  return rows.map((r) => ({
    objectiveId: r.objective_id,
    userId: r.user_id,
    name: (r.user_id !== null ? r.display_name : r.name) ?? null,
    dueDate: r.due_date,
    revision: r.revision,
    updatedAt: r.updated_at,
  }));
}

/** Owner display names by objective, as the roadmap takes them. */
export async function objectiveOwnerNames(db: Db, assessmentId: number): Promise<Record<string, string>> {
  return Object.fromEntries(
    (await objectiveOwners(db, assessmentId)).flatMap((o) => (o.name === null ? [] : [[o.objectiveId, o.name]])),
  );
}

/** Accounts that may own an objective: enabled users holding a grant on the organisation or one of its ancestors. */
export async function ownerCandidates(db: Db, organisationPath: string) {
  const nodeIds = organisationPath.split('/').filter(Boolean).map(Number);
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .innerJoin('organisation as o', 'o.id', 'g.organisation_id')
    .select(['u.id', 'u.display_name', 'g.role', 'o.name as organisation'])
    .where('g.organisation_id', 'in', nodeIds)
    .where('u.disabled', '=', 0)
    .orderBy('u.display_name')
    .orderBy('u.id')
    .execute();
  const byUser = new Map<number, { id: number; name: string; roles: { role: string; organisation: string }[] }>();
  for (const r of rows) {
    const entry = byUser.get(r.id) ?? { id: r.id, name: r.display_name, roles: [] };
    entry.roles.push({ role: r.role, organisation: r.organisation });
    byUser.set(r.id, entry);
  }
  return [...byUser.values()];
}

function ownerConflict(current: number, sent: number): AppError {
  return new AppError(
    'revision_conflict',
    `le responsable de cet objectif a été modifié entre-temps (révision ${current}, votre version ${sent}) : rechargez la page et refaites votre choix`,
    409,
  );
}

/**
 * Owners per objective of an assessment: an account of the establishment (granted on it or an ancestor) or a
 * free-text name/role, with an optional due date. Each owner row has its own revision (optimistic concurrency),
 * so setting an owner never conflicts with answering, and stays possible after submission (follow-up).
 */
export const objectiveOwnerRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;
  const Params = z.object({ id: z.coerce.number().int().positive() });

  app.get(
    '/assessments/:id/objective-owners',
    {
      // Names of the people in charge are the establishment's detailed data, like the roadmap.
      config: { access: access.on('evidence.read', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: Params,
        response: { 200: z.object({ items: z.array(ObjectiveOwnerOut) }) },
      },
    },
    async (request) => ({ items: await objectiveOwners(db, request.params.id) }),
  );

  app.get(
    '/assessments/:id/owner-candidates',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        description:
          'Comptes pouvant être responsables d’un objectif : titulaires d’un rôle sur l’établissement ou au-dessus.',
        params: Params,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                name: z.string(),
                roles: z.array(z.object({ role: z.string(), organisation: z.string() })),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await ownerCandidates(db, request.organisation!.path) }),
  );

  app.patch(
    '/assessments/:id/objectives/:objectiveId/owner',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        description:
          'Désigne (userId ou name), change ou retire (ni l’un ni l’autre) le responsable d’un objectif. `revision` : celle du responsable lu (0 s’il n’y en a pas).',
        params: Params.extend({ objectiveId: ObjectiveId }),
        body: z
          .strictObject({
            revision: z.number().int().min(0).max(2_000_000_000),
            userId: z.number().int().positive().max(2_000_000_000).nullable().optional(),
            name: label(200).nullable().optional(),
            dueDate: IsoDate.nullable().optional(),
          })
          .refine((b) => !(b.userId != null && b.name != null), {
            message: 'un compte (userId) ou un nom (name), pas les deux',
          }),
        response: { 200: z.object({ owner: ObjectiveOwnerOut.nullable() }) },
      },
    },
    async (request) => {
      const { objectiveId } = request.params;
      const { revision } = request.body;
      const userId = request.body.userId ?? null;
      const name = request.body.name ?? null;
      const dueDate = request.body.dueDate ?? null;
      if (userId === null && name === null && dueDate !== null) {
        throw badRequest('owner_required', 'une échéance demande un responsable (userId ou name)');
      }
      const assessment = await loadAssessment(db, request.params.id);
      if (!indexReferential(assessment.referential).objectives.has(objectiveId)) {
        throw new AppError('unknown_objective', `objectif « ${objectiveId} » absent du référentiel`, 404);
      }
      if (userId !== null) {
        const candidates = await ownerCandidates(db, request.organisation!.path);
        if (!candidates.some((c) => c.id === userId)) {
          throw badRequest('invalid_owner', 'ce compte n’a pas de rôle sur cet établissement : choisissez-en un autre');
        }
      }
      await db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('objective_owner')
          .selectAll()
          .where('assessment_id', '=', assessment.id)
          .where('objective_id', '=', objectiveId)
          .executeTakeFirst();
        const current = before?.revision ?? 0;
        if (current !== revision) throw ownerConflict(current, revision);
        const values = {
          user_id: userId,
          name,
          due_date: dueDate,
          revision: revision + 1,
          updated_at: nowIso(),
          updated_by: request.principal!.userId,
        };
        if (before) {
          // The revision in the WHERE clause makes the check and the write one atomic step.
          const updated = await trx
            .updateTable('objective_owner')
            .set(values)
            .where('id', '=', before.id)
            .where('revision', '=', revision)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) throw ownerConflict(revision + 1, revision);
        } else {
          // A concurrent first owner hits the unique constraint: nothing is written and the caller is told to reload.
          const inserted = await trx
            .insertInto('objective_owner')
            .values({ assessment_id: assessment.id, objective_id: objectiveId, ...values })
            .onConflict((oc) => oc.columns(['assessment_id', 'objective_id']).doNothing())
            .returning('id')
            .executeTakeFirst();
          if (!inserted) throw ownerConflict(revision + 1, revision);
        }
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'assessment.owner_set',
          objectType: 'assessment',
          objectId: assessment.id,
          organisationId: assessment.organisationId,
          summary: {
            objective: objectiveId,
            before: before ? { userId: before.user_id, name: before.name, dueDate: before.due_date } : null,
            after: { userId, name, dueDate },
          },
        });
      });
      const owner = (await objectiveOwners(db, assessment.id)).find((o) => o.objectiveId === objectiveId) ?? null;
      return { owner };
    },
  );
};
