import { decodeExtract, ESTABLISHMENT_CATEGORIES, ORGANISATION_KINDS } from '@rempart/core';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scopesFor } from '../access/authorize.js';
import { access, idFrom } from '../access/plugin.js';
import { appendAudit } from '../audit/trail.js';
import type { Organisation } from '../db/schema.js';
import { actorOf } from '../http/context.js';
import { badRequest, notFound } from '../http/errors.js';
import { IdParams, label } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { findNode, importFinessExtract, insertNode, subtreeRange } from './queries.js';

const OrganisationOut = z.object({
  id: z.number(),
  kind: z.enum(ORGANISATION_KINDS),
  name: z.string(),
  finess: z.string().nullable(),
  category: z.enum(ESTABLISHMENT_CATEGORIES).nullable(),
  regionCode: z.string().nullable(),
  department: z.string().nullable(),
  parentId: z.number().nullable(),
  depth: z.number(),
});
const Name = label(300);

export function toOrganisationOut(o: Organisation) {
  return {
    id: o.id,
    kind: o.kind as (typeof ORGANISATION_KINDS)[number],
    name: o.name,
    finess: o.finess,
    category: o.category as (typeof ESTABLISHMENT_CATEGORIES)[number] | null,
    regionCode: o.region_code,
    department: o.department,
    parentId: o.parent_id,
    depth: o.depth,
  };
}

/** The organisation tree: browse (roots, node, children, subtree), create, rename, FINESS import. */
export const organisationRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) =>
    done(null, body),
  );

  app.get(
    '/organisations',
    {
      config: { access: access.anywhere('org.read') },
      schema: { tags: ['organisations'], response: { 200: z.object({ items: z.array(OrganisationOut) }) } },
    },
    async (request) => {
      const scopes = scopesFor(request.principal!, 'org.read');
      // The tops of the principal's subtrees: grants nested under another grant are not roots.
      const roots = scopes.filter(
        (s) =>
          !scopes.some(
            (o) =>
              o !== s && s.organisationPath.startsWith(o.organisationPath) && o.organisationPath !== s.organisationPath,
          ),
      );
      const ids = [...new Set(roots.map((r) => r.organisationId))];
      const rows = await db.selectFrom('organisation').selectAll().where('id', 'in', ids).orderBy('path').execute();
      return { items: rows.map(toOrganisationOut) };
    },
  );

  app.get(
    '/organisations/:id',
    {
      config: { access: access.on('org.read', idFrom('params', 'id')) },
      schema: {
        tags: ['organisations'],
        params: IdParams,
        response: {
          200: OrganisationOut.extend({
            ancestors: z.array(z.object({ id: z.number(), name: z.string(), kind: z.string() })),
            childCount: z.number(),
            establishmentCount: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const node = (await findNode(db, request.params.id))!;
      const ancestorIds = node.path
        .split('/')
        .filter(Boolean)
        .map(Number)
        .filter((id) => id !== node.id);
      const ancestors = ancestorIds.length
        ? await db
            .selectFrom('organisation')
            .select(['id', 'name', 'kind'])
            .where('id', 'in', ancestorIds)
            .orderBy('depth')
            .execute()
        : [];
      const [from, to] = subtreeRange(node.path);
      const counts = await db
        .selectFrom('organisation')
        .select((eb) => [eb.fn.countAll<number>().as('establishments')])
        .where('path', '>=', from)
        .where('path', '<', to)
        .where('kind', '=', 'site')
        .executeTakeFirstOrThrow();
      const children = await db
        .selectFrom('organisation')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('parent_id', '=', node.id)
        .executeTakeFirstOrThrow();
      return {
        ...toOrganisationOut(node),
        ancestors,
        childCount: Number(children.n),
        establishmentCount: Number(counts.establishments),
      };
    },
  );

  app.get(
    '/organisations/:id/children',
    {
      config: { access: access.on('org.read', idFrom('params', 'id')) },
      schema: {
        tags: ['organisations'],
        params: IdParams,
        response: { 200: z.object({ items: z.array(OrganisationOut.extend({ childCount: z.number() })) }) },
      },
    },
    async (request) => {
      const rows = await db
        .selectFrom('organisation as o')
        .selectAll('o')
        .select((eb) =>
          eb
            .selectFrom('organisation as c')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('c.parent_id', '=', 'o.id')
            .as('child_count'),
        )
        .where('o.parent_id', '=', request.params.id)
        .orderBy('o.name')
        .execute();
      return { items: rows.map((r) => ({ ...toOrganisationOut(r), childCount: Number(r.child_count ?? 0) })) };
    },
  );

  app.get(
    '/organisations/:id/subtree',
    {
      config: { access: access.on('org.read', idFrom('params', 'id')) },
      // Up to 50,000 rows built by our own mapping: the schema documents the answer, plain JSON writes it
      // (re-validating every row with zod tripled the response time of a 40,000-establishment region).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['organisations'],
        params: IdParams,
        querystring: z.strictObject({
          kind: z.enum(ORGANISATION_KINDS).optional(),
          category: z.enum(ESTABLISHMENT_CATEGORIES).optional(),
          q: z.string().max(100).optional(),
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(50_000).default(1000),
        }),
        response: { 200: z.object({ items: z.array(OrganisationOut), next: z.number().nullable() }) },
      },
    },
    async (request) => {
      const { kind, category, q, after, limit } = request.query;
      const [from, to] = subtreeRange(request.organisation!.path);
      let query = db
        .selectFrom('organisation')
        .selectAll()
        .where('path', '>=', from)
        .where('path', '<', to)
        .where('id', '>', after);
      if (kind) query = query.where('kind', '=', kind);
      if (category) query = query.where('category', '=', category);
      if (q) {
        const escaped = q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
        query = query.where((eb) =>
          eb.or([eb(eb.fn('lower', ['name']), 'like', eb.val(`%${escaped}%`)), eb('finess', '=', q)]),
        );
      }
      const rows = await query
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const items = (more ? rows.slice(0, limit) : rows).map(toOrganisationOut);
      return { items, next: more ? items[items.length - 1]!.id : null };
    },
  );

  app.post(
    '/organisations',
    {
      config: { access: access.on('org.write', idFrom('body', 'parentId')) },
      schema: {
        tags: ['organisations'],
        body: z.strictObject({
          parentId: z.number().int().positive(),
          kind: z.enum(ORGANISATION_KINDS),
          name: Name,
          finess: z.string().max(9).optional(),
          category: z.enum(ESTABLISHMENT_CATEGORIES).optional(),
          department: z
            .string()
            .regex(/^(\d{2,3}|2[AB])$/)
            .optional(),
        }),
        response: { 201: OrganisationOut },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await db.transaction().execute(async (trx) => {
        const node = await insertNode(trx, {
          parentId: body.parentId,
          kind: body.kind,
          name: body.name,
          finess: body.finess ?? null,
          category: body.category ?? null,
          department: body.department ?? null,
        });
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'organisation.created',
          objectType: 'organisation',
          objectId: node.id,
          organisationId: node.id,
          summary: { after: { kind: node.kind, name: node.name, finess: node.finess, parentId: node.parent_id } },
        });
        return node;
      });
      return reply.status(201).send(toOrganisationOut(created));
    },
  );

  app.patch(
    '/organisations/:id',
    {
      config: { access: access.on('org.write', idFrom('params', 'id')) },
      schema: {
        tags: ['organisations'],
        params: IdParams,
        body: z.strictObject({ name: Name.optional(), category: z.enum(ESTABLISHMENT_CATEGORIES).optional() }),
        response: { 200: OrganisationOut },
      },
    },
    async (request) => {
      const before =
        (await findNode(db, request.params.id)) ??
        (() => {
          throw notFound('organisation');
        })();
      const changes = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined));
      if (Object.keys(changes).length === 0) throw badRequest('nothing_to_change', 'aucune modification demandée');
      return db.transaction().execute(async (trx) => {
        const after = await trx
          .updateTable('organisation')
          .set({ ...changes, updated_at: nowIso() })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'organisation.updated',
          objectType: 'organisation',
          objectId: before.id,
          organisationId: before.id,
          summary: {
            before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof Organisation]])),
            after: changes,
          },
        });
        return toOrganisationOut(after);
      });
    },
  );

  app.post(
    '/organisations/:id/finess-import',
    {
      config: { access: access.on('org.write', idFrom('params', 'id')) },
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        tags: ['organisations'],
        params: IdParams,
        consumes: ['text/csv'],
        response: {
          200: z.object({
            created: z.number(),
            updated: z.number(),
            unchanged: z.number(),
            rejected: z.array(z.object({ line: z.number(), reason: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw badRequest('invalid_body', 'fichier CSV attendu (text/csv)');
      const text = decodeExtract(request.body);
      const root = request.organisation!;
      return db.transaction().execute(async (trx) => {
        const node = (await findNode(trx, root.id))!;
        const report = await importFinessExtract(trx, node, text);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'organisation.finess_import',
          objectType: 'organisation',
          objectId: node.id,
          organisationId: node.id,
          summary: {
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected.length,
          },
        });
        return report;
      });
    },
  );
};
