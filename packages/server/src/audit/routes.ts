import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access, idFrom } from '../access/plugin.js';
import { subtreeRange } from '../organisations/queries.js';
import { verifyAuditChain } from './trail.js';

const EventOut = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string().nullable(),
  organisationId: z.number().nullable(),
  organisationName: z.string().nullable(),
  summary: z.unknown(),
  ip: z.string().nullable(),
});

/** Reading the audit trail of a subtree, and verifying the whole chain (national level). */
export const auditRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;

  app.get(
    '/organisations/:id/audit',
    {
      config: { access: access.on('audit.read', idFrom('params', 'id')) },
      schema: {
        tags: ['audit'],
        params: z.object({ id: z.coerce.number().int().positive() }),
        querystring: z.strictObject({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(EventOut), next: z.number().nullable() }) },
      },
    },
    async (request) => {
      const node = request.organisation!;
      const [from, to] = subtreeRange(node.path);
      const { before, limit } = request.query;
      let query = db
        .selectFrom('audit_event as e')
        .leftJoin('organisation as o', 'o.id', 'e.organisation_id')
        .selectAll('e')
        .select('o.name as organisation_name')
        .where((eb) => {
          const inSubtree = eb.and([eb('o.path', '>=', from), eb('o.path', '<', to)]);
          // Events tied to no organisation (sign-in, account security) belong to the national level.
          return node.kind === 'nation' ? eb.or([inSubtree, eb('e.organisation_id', 'is', null)]) : inSubtree;
        });
      if (before) query = query.where('e.id', '<', before);
      const rows = await query
        .orderBy('e.id', 'desc')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const items = (more ? rows.slice(0, limit) : rows).map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        objectType: r.object_type,
        objectId: r.object_id,
        organisationId: r.organisation_id,
        organisationName: r.organisation_name,
        summary: JSON.parse(r.summary) as unknown,
        ip: r.ip,
      }));
      return { items, next: more ? items[items.length - 1]!.id : null };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: {
        access: access.on('audit.read', async () => {
          const nation = await db
            .selectFrom('organisation')
            .select('id')
            .where('kind', '=', 'nation')
            .executeTakeFirstOrThrow();
          return nation.id;
        }),
      },
      schema: {
        tags: ['audit'],
        response: {
          200: z.object({
            checked: z.number(),
            ok: z.boolean(),
            firstBroken: z.object({ id: z.number(), reason: z.string() }).optional(),
          }),
        },
      },
    },
    async () => verifyAuditChain(db),
  );
};
