import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../access/authorize.js';
import { access, idFrom } from '../access/plugin.js';
import { ROLES } from '../access/roles.js';
import { appendAudit } from '../audit/trail.js';
import { actorOf } from '../http/context.js';
import { forbidden, notFound } from '../http/errors.js';
import { label } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { issueToken } from './queries.js';

const TokenOut = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  organisationId: z.number(),
  role: z.enum(ROLES),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

/** API tokens for the CLI and integrations: shown once, stored hashed, scoped to one node and one role. */
export const tokenRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;

  app.get(
    '/tokens',
    {
      config: { access: access.signedIn() },
      schema: { tags: ['tokens'], response: { 200: z.object({ items: z.array(TokenOut) }) } },
    },
    async (request) => {
      const rows = await db
        .selectFrom('api_token')
        .selectAll()
        .where('user_id', '=', request.principal!.userId)
        .orderBy('id')
        .execute();
      return {
        items: rows.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.prefix,
          organisationId: t.organisation_id,
          role: t.role as (typeof ROLES)[number],
          expiresAt: t.expires_at,
          revokedAt: t.revoked_at,
          lastUsedAt: t.last_used_at,
        })),
      };
    },
  );

  app.post(
    '/tokens',
    {
      config: { access: access.on('token.manage', idFrom('body', 'organisationId')) },
      schema: {
        tags: ['tokens'],
        body: z.strictObject({
          name: label(100),
          organisationId: z.number().int().positive(),
          role: z.enum(ROLES),
          expiresInDays: z.number().int().min(1).max(365).default(90),
        }),
        response: { 201: z.object({ id: z.number(), token: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const { name, organisationId, role, expiresInDays } = request.body;
      const node = request.organisation!;
      // No escalation: the token's role is one the creator holds above the node, or could grant there.
      const holdsRole = principal.grants.some((g) => g.role === role && node.path.startsWith(g.organisationPath));
      if (!holdsRole && !authorize(principal, 'user.manage', node)) throw forbidden();
      if (principal.via === 'token') throw forbidden();
      const issued = await db.transaction().execute(async (trx) => {
        const t = await issueToken(trx, { name, userId: principal.userId, organisationId, role, expiresInDays });
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'token.created',
          objectType: 'api_token',
          objectId: t.id,
          organisationId,
          summary: { after: { name, role, expiresAt: t.expiresAt } },
        });
        return t;
      });
      return reply.status(201).send(issued);
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['tokens'],
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      await db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('api_token')
          .set({ revoked_at: nowIso() })
          .where('id', '=', request.params.id)
          .where('user_id', '=', request.principal!.userId)
          .where('revoked_at', 'is', null)
          .returning(['id', 'organisation_id', 'name'])
          .executeTakeFirst();
        if (!revoked) throw notFound('jeton');
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'token.revoked',
          objectType: 'api_token',
          objectId: revoked.id,
          organisationId: revoked.organisation_id,
          summary: { before: { name: revoked.name } },
        });
      });
      return { ok: true as const };
    },
  );
};
