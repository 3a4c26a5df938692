import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '../access/authorize.js';
import { access, idFrom } from '../access/plugin.js';
import { ROLE_LABELS, ROLES, type Role } from '../access/roles.js';
import { appendAudit } from '../audit/trail.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { actorOf } from '../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../http/errors.js';
import { IdParams, label } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { subtreeRange } from '../organisations/queries.js';
import { assertGrantable, createAccount } from './queries.js';

const GrantIn = z.strictObject({
  role: z.enum(ROLES),
  organisationId: z.number().int().positive(),
  detailedFindings: z.boolean().default(false),
});
const GrantOut = z.object({
  id: z.number(),
  role: z.enum(ROLES),
  roleLabel: z.string(),
  organisationId: z.number(),
  organisationName: z.string(),
  detailedFindings: z.boolean(),
});
const UserOut = z.object({
  id: z.number(),
  email: z.string(),
  displayName: z.string(),
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  grants: z.array(GrantOut),
});

/** Accounts and role grants, managed by those who hold `user.manage` over the node concerned. */
export const userRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;

  app.get(
    '/organisations/:id/users',
    {
      config: { access: access.on('user.read', idFrom('params', 'id')) },
      schema: { tags: ['users'], params: IdParams, response: { 200: z.object({ items: z.array(UserOut) }) } },
    },
    async (request) => {
      const [from, to] = subtreeRange(request.organisation!.path);
      const rows = await db
        .selectFrom('role_grant as g')
        .innerJoin('organisation as o', 'o.id', 'g.organisation_id')
        .innerJoin('app_user as u', 'u.id', 'g.user_id')
        .select([
          'g.id as grant_id',
          'g.role',
          'g.detailed_findings',
          'o.id as org_id',
          'o.name as org_name',
          'u.id',
          'u.email',
          'u.display_name',
          'u.totp_enabled',
          'u.disabled',
        ])
        .where('o.path', '>=', from)
        .where('o.path', '<', to)
        .orderBy('u.display_name')
        .orderBy('g.id')
        .limit(5000)
        .execute();
      const users = new Map<number, z.infer<typeof UserOut>>();
      for (const r of rows) {
        const user = users.get(r.id) ?? {
          id: r.id,
          email: r.email,
          displayName: r.display_name,
          totpEnabled: r.totp_enabled === 1,
          disabled: r.disabled === 1,
          grants: [],
        };
        user.grants.push({
          id: r.grant_id,
          role: r.role as Role,
          roleLabel: ROLE_LABELS[r.role as Role] ?? r.role,
          organisationId: r.org_id,
          organisationName: r.org_name,
          detailedFindings: r.detailed_findings === 1,
        });
        users.set(r.id, user);
      }
      return { items: [...users.values()] };
    },
  );

  app.post(
    '/users',
    {
      config: { access: access.on('user.manage', idFrom('body', 'organisationId')) },
      schema: {
        tags: ['users'],
        body: z.strictObject({
          email: z
            .email()
            .max(254)
            .transform((e) => e.toLowerCase()),
          displayName: label(200),
          password: z.string().max(256).optional(),
          role: z.enum(ROLES),
          organisationId: z.number().int().positive(),
          detailedFindings: z.boolean().default(false),
        }),
        response: { 201: z.object({ id: z.number(), invitationSent: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.detailedFindings) requireNationalAdmin(request.principal!);
      if (body.password) {
        const problem = passwordProblem(body.password);
        if (problem) throw badRequest('weak_password', problem);
      }
      const passwordHash = body.password ? await hashPassword(body.password) : null;
      const { id } = await db.transaction().execute(async (trx) => {
        const created = await createAccount(
          trx,
          {
            email: body.email,
            displayName: body.displayName,
            passwordHash,
            role: body.role,
            organisationId: body.organisationId,
            detailedFindings: body.detailedFindings,
            createdBy: request.principal!.userId,
          },
          app.config.publicUrl,
        );
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'user.created',
          objectType: 'user',
          objectId: created.id,
          organisationId: body.organisationId,
          summary: {
            after: { displayName: body.displayName, role: body.role, detailedFindings: body.detailedFindings },
          },
        });
        return created;
      });
      return reply.status(201).send({ id, invitationSent: !passwordHash });
    },
  );

  app.post(
    '/users/:id/grants',
    {
      config: { access: access.on('user.manage', idFrom('body', 'organisationId')) },
      schema: { tags: ['users'], params: IdParams, body: GrantIn, response: { 201: z.object({ id: z.number() }) } },
    },
    async (request, reply) => {
      const { role, organisationId, detailedFindings } = request.body;
      await assertGrantable(db, role, organisationId);
      if (detailedFindings) requireNationalAdmin(request.principal!);
      const user = await db.selectFrom('app_user').select('id').where('id', '=', request.params.id).executeTakeFirst();
      if (!user) throw notFound('compte');
      const id = await db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('role_grant')
          .select('id')
          .where('user_id', '=', user.id)
          .where('role', '=', role)
          .where('organisation_id', '=', organisationId)
          .executeTakeFirst();
        if (existing) throw new AppError('conflict', 'ce rôle est déjà attribué sur ce nœud', 409);
        const grant = await trx
          .insertInto('role_grant')
          .values({
            user_id: user.id,
            role,
            organisation_id: organisationId,
            detailed_findings: detailedFindings ? 1 : 0,
            created_at: nowIso(),
            created_by: request.principal!.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'grant.created',
          objectType: 'user',
          objectId: user.id,
          organisationId,
          summary: { after: { role, detailedFindings } },
        });
        return grant.id;
      });
      return reply.status(201).send({ id });
    },
  );

  app.delete(
    '/grants/:id',
    {
      config: {
        access: access.on('user.manage', async (request) => {
          const id = idFrom('params', 'id')(request) as number;
          const grant = await db
            .selectFrom('role_grant')
            .select('organisation_id')
            .where('id', '=', id)
            .executeTakeFirst();
          if (!grant) throw notFound('attribution de rôle');
          return grant.organisation_id;
        }),
      },
      schema: { tags: ['users'], params: IdParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    },
    async (request) => {
      await db.transaction().execute(async (trx) => {
        const grant = await trx
          .deleteFrom('role_grant')
          .where('id', '=', request.params.id)
          .returningAll()
          .executeTakeFirst();
        if (!grant) throw notFound('attribution de rôle');
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'grant.revoked',
          objectType: 'user',
          objectId: grant.user_id,
          organisationId: grant.organisation_id,
          summary: { before: { role: grant.role, detailedFindings: grant.detailed_findings === 1 } },
        });
      });
      return { ok: true as const };
    },
  );
};

/** Only a national administrator opens the detailed technical view to upper levels. */
function requireNationalAdmin(principal: Principal) {
  if (!principal.grants.some((g) => g.role === 'national_admin')) throw forbidden();
}
