import {
  activityEntitySchema,
  assembleCrisisBinder,
  backupInfrastructureSchema,
  type ContinuityGraph,
  type ContinuityIssue,
  type CrisisContacts,
  checkBackupRule,
  componentSchema,
  computeD2Indicators,
  computeRestorePlan,
  continuityDocumentSchema,
  continuityGraphSchema,
  continuityIdSchema,
  crisisContactsSchema,
  criticalActivitySchema,
  D2_THRESHOLDS,
  datasetSchema,
  dependencySchema,
  exerciseProofs,
  exerciseSchema,
  exportContinuityGraphCsv,
  exportContinuityGraphJson,
  findRpoGaps,
  importContinuityGraphCsv,
  importContinuityGraphJson,
  parseContinuityGraph,
  renderCrisisBinderPdf,
  simulateLoss,
} from '@rempart/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { access, idFrom } from '../access/plugin.js';
import { appendAudit } from '../audit/trail.js';
import type { Database } from '../db/schema.js';
import { actorOf } from '../http/context.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { IdParams } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import {
  type ContinuityKind,
  deleteRecord,
  listRecords,
  loadRecord,
  lockOrganisation,
  SINGLETON,
  saveRecord,
} from './queries.js';

/**
 * Continuity and recovery (CaRE D2) of an organisation: BIA and dependency graph (whole or node by node,
 * JSON/CSV import and export), restore plan and "what if", datasets and backups, exercises, documents,
 * backup infrastructure, crisis contacts, GHT entities, D2 indicators and the crisis binder PDF.
 * The domain logic is @rempart/core's; this plugin stores, checks access and audits.
 */

const KeyParams = IdParams.extend({ key: continuityIdSchema });
const Json = z.unknown();
const read = access.on('continuity.read', idFrom('params', 'id'));
const write = access.on('continuity.write', idFrom('params', 'id'));
const IMPORT_LIMIT = 64 * 1024 * 1024;
const EMPTY_GRAPH: ContinuityGraph = { activities: [], components: [], dependencies: [] };

/** A 400 listing every issue (line, node) found in submitted continuity data. */
class InvalidContinuityData extends AppError {
  constructor(
    code: string,
    readonly issues: ContinuityIssue[],
  ) {
    super(code, issues[0]?.message ?? 'données de continuité invalides', 400);
  }
}

/** The body checked against a schema, or a 400 naming the node and field at fault. */
function parsedOr400<T>(schema: z.ZodType<T>, body: unknown, code: string, key?: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw badRequest(code, `${key ? `${key} : ` : ''}${issue.path.join('.') || 'valeur'} : ${issue.message}`);
}

async function storedGraph(
  db: Transaction<Database> | FastifyRequest['server']['db'],
  organisationId: number,
): Promise<ContinuityGraph> {
  const body = await loadRecord(db, organisationId, 'graph', SINGLETON);
  if (body === undefined) return EMPTY_GRAPH;
  // Stored bodies were valid when written; parse again so old rows meet today's schema or fail loudly.
  return continuityGraphSchema.parse(body);
}

function checkedGraph(graph: unknown): ContinuityGraph {
  const result = parseContinuityGraph(graph);
  if (!result.ok) throw new InvalidContinuityData('invalid_graph', result.errors);
  return result.value;
}

const counts = (g: ContinuityGraph) => ({
  activities: g.activities.length,
  components: g.components.length,
  dependencies: g.dependencies.length,
});

/** Record kinds edited as keyed collections, with their schema. */
const COLLECTIONS = {
  datasets: { kind: 'dataset', schema: datasetSchema, idOf: (v: { id: string }) => v.id },
  exercises: { kind: 'exercise', schema: exerciseSchema, idOf: (v: { id: string }) => v.id },
  documents: { kind: 'document', schema: continuityDocumentSchema, idOf: (v: { id: string }) => v.id },
} as const;

/** Single documents of an organisation, with their schema. */
const SINGLETONS = {
  'backup-infrastructure': { kind: 'backup_infrastructure', schema: backupInfrastructureSchema },
  contacts: { kind: 'contacts', schema: crisisContactsSchema },
  entities: { kind: 'entities', schema: z.array(activityEntitySchema).max(500) },
} as const;

export const continuityRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;
  const lock = app.dialect;

  // Continuity issues carry the list of every problem found, not only the first.
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof InvalidContinuityData) {
      return reply.status(400).send({ error: { code: error.code, message: error.message, issues: error.issues } });
    }
    throw error;
  });

  /** Stores one record in a transaction holding the organisation's lock, auditing its value before and after. */
  async function saveAudited(request: FastifyRequest, id: number, kind: ContinuityKind, key: string, value: unknown) {
    await db.transaction().execute(async (trx) => {
      await lockOrganisation(trx, id, lock);
      const before = await loadRecord(trx, id, kind, key);
      await saveRecord(trx, id, kind, key, value, actorOf(request).actorUserId);
      await appendAudit(trx, {
        ...actorOf(request),
        action: `continuity.${kind}_saved`,
        objectType: `continuity_${kind}`,
        objectId: key === SINGLETON ? id : key,
        organisationId: id,
        summary: { before: before ?? null, after: value },
      });
    });
  }

  /** Runs a graph change in a transaction: lock the organisation, load, change, check, store, audit. */
  async function changeGraph(
    request: FastifyRequest,
    organisationId: number,
    action: string,
    change: (graph: ContinuityGraph) => unknown,
    summary: (before: ContinuityGraph, after: ContinuityGraph) => Record<string, unknown>,
  ) {
    return db.transaction().execute(async (trx) => {
      await lockOrganisation(trx, organisationId, lock);
      const before = await storedGraph(trx, organisationId);
      const after = checkedGraph(change(structuredClone(before)));
      await saveRecord(trx, organisationId, 'graph', SINGLETON, after, actorOf(request).actorUserId);
      await appendAudit(trx, {
        ...actorOf(request),
        action,
        objectType: 'continuity_graph',
        objectId: organisationId,
        organisationId,
        summary: summary(before, after),
      });
      return after;
    });
  }

  app.get(
    '/organisations/:id/continuity/graph',
    {
      config: { access: read },
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: { tags: ['continuity'], params: IdParams, response: { 200: Json } },
    },
    async (request) => storedGraph(db, request.params.id),
  );

  app.put(
    '/organisations/:id/continuity/graph',
    {
      config: { access: write },
      bodyLimit: IMPORT_LIMIT,
      schema: {
        tags: ['continuity'],
        params: IdParams,
        body: z.strictObject({ activities: z.array(Json), components: z.array(Json), dependencies: z.array(Json) }),
        response: { 200: z.object({ activities: z.number(), components: z.number(), dependencies: z.number() }) },
      },
    },
    async (request) => {
      const graph = await changeGraph(
        request,
        request.params.id,
        'continuity.graph_replaced',
        () => request.body,
        (before, after) => ({ before: counts(before), after: counts(after) }),
      );
      return counts(graph);
    },
  );

  for (const [path, schema, type] of [
    ['activities', criticalActivitySchema, 'activity'],
    ['components', componentSchema, 'component'],
  ] as const) {
    app.put(
      `/organisations/:id/continuity/${path}/:key`,
      {
        config: { access: write },
        schema: { tags: ['continuity'], params: KeyParams, body: z.record(z.string(), Json), response: { 200: Json } },
      },
      async (request) => {
        const { id, key } = request.params;
        const node = parsedOr400<{ id: string }>(schema, { ...request.body, id: key }, 'invalid_node', key);
        await changeGraph(
          request,
          id,
          `continuity.${type}_saved`,
          (graph) => {
            const list = (type === 'activity' ? graph.activities : graph.components) as Array<{ id: string }>;
            const at = list.findIndex((n) => n.id === key);
            if (at === -1) list.push(node);
            else list[at] = node;
            return graph;
          },
          (before) => {
            const list = (type === 'activity' ? before.activities : before.components) as Array<{ id: string }>;
            return { node: key, before: list.find((n) => n.id === key) ?? null, after: node };
          },
        );
        return node;
      },
    );
    app.delete(
      `/organisations/:id/continuity/${path}/:key`,
      {
        config: { access: write },
        schema: {
          tags: ['continuity'],
          params: KeyParams,
          response: { 200: z.object({ removedDependencies: z.number() }) },
        },
      },
      async (request) => {
        const { id, key } = request.params;
        let removed = 0;
        await changeGraph(
          request,
          id,
          `continuity.${type}_deleted`,
          (graph) => {
            const list = (type === 'activity' ? graph.activities : graph.components) as Array<{ id: string }>;
            const at = list.findIndex((n) => n.id === key);
            if (at === -1) throw notFound(type === 'activity' ? 'activité' : 'composant');
            list.splice(at, 1);
            const kept = graph.dependencies.filter((d) => d.from !== key && d.to !== key);
            removed = graph.dependencies.length - kept.length;
            graph.dependencies = kept;
            return graph;
          },
          () => ({ node: key, removedDependencies: removed }),
        );
        return { removedDependencies: removed };
      },
    );
  }

  app.post(
    '/organisations/:id/continuity/dependencies',
    {
      config: { access: write },
      schema: { tags: ['continuity'], params: IdParams, body: dependencySchema, response: { 201: dependencySchema } },
    },
    async (request, reply) => {
      const dependency = request.body;
      await changeGraph(
        request,
        request.params.id,
        'continuity.dependency_added',
        (graph) => {
          if (graph.dependencies.some((d) => d.from === dependency.from && d.to === dependency.to)) {
            throw new AppError('conflict', `la dépendance ${dependency.from} → ${dependency.to} existe déjà`, 409);
          }
          graph.dependencies.push(dependency);
          return graph;
        },
        () => ({ after: dependency }),
      );
      return reply.status(201).send(dependency);
    },
  );

  app.delete(
    '/organisations/:id/continuity/dependencies',
    {
      config: { access: write },
      schema: {
        tags: ['continuity'],
        params: IdParams,
        querystring: z.strictObject({ from: continuityIdSchema, to: continuityIdSchema }),
        response: { 200: z.object({ removed: z.number() }) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      let removed = 0;
      await changeGraph(
        request,
        request.params.id,
        'continuity.dependency_deleted',
        (graph) => {
          const kept = graph.dependencies.filter((d) => !(d.from === from && d.to === to));
          removed = graph.dependencies.length - kept.length;
          if (removed === 0) throw notFound('dépendance');
          graph.dependencies = kept;
          return graph;
        },
        () => ({ before: { from, to } }),
      );
      return { removed };
    },
  );

  app.post(
    '/organisations/:id/continuity/import',
    {
      config: { access: write },
      bodyLimit: IMPORT_LIMIT,
      schema: {
        tags: ['continuity'],
        params: IdParams,
        body: z.discriminatedUnion('format', [
          z.strictObject({ format: z.literal('json'), document: z.string().max(IMPORT_LIMIT) }),
          z.strictObject({
            format: z.literal('csv'),
            activities: z.string().max(IMPORT_LIMIT),
            components: z.string().max(IMPORT_LIMIT),
            dependencies: z.string().max(IMPORT_LIMIT),
          }),
        ]),
        response: {
          200: z.object({
            activities: z.number(),
            components: z.number(),
            dependencies: z.number(),
            warnings: z.array(
              z.object({
                code: z.string(),
                message: z.string(),
                line: z.number().optional(),
                node: z.string().optional(),
                field: z.string().optional(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const body = request.body;
      const result = body.format === 'json' ? importContinuityGraphJson(body.document) : importContinuityGraphCsv(body);
      if (!result.ok) throw new InvalidContinuityData('invalid_import', result.errors);
      const graph = await changeGraph(
        request,
        request.params.id,
        'continuity.graph_imported',
        () => result.value,
        (before, after) => ({ format: body.format, before: counts(before), after: counts(after) }),
      );
      return { ...counts(graph), warnings: result.warnings };
    },
  );

  app.get(
    '/organisations/:id/continuity/export',
    {
      config: { access: read },
      serializerCompiler: () => (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
      schema: {
        tags: ['continuity'],
        params: IdParams,
        querystring: z.strictObject({
          format: z.enum(['json', 'csv']).default('json'),
          file: z.enum(['activities', 'components', 'dependencies']).optional(),
        }),
        response: { 200: Json },
      },
    },
    async (request, reply) => {
      const graph = await storedGraph(db, request.params.id);
      const { format, file } = request.query;
      if (format === 'json') {
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', 'attachment; filename="continuite.json"')
          .send(exportContinuityGraphJson(graph));
      }
      if (!file) throw badRequest('file_required', 'préciser file=activities, components ou dependencies');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}.csv"`)
        .send(exportContinuityGraphCsv(graph)[file]);
    },
  );

  app.get(
    '/organisations/:id/continuity/plan',
    {
      config: { access: read },
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['continuity'],
        params: IdParams,
        querystring: z.strictObject({ teams: z.coerce.number().int().min(1).max(1_000).optional() }),
        response: { 200: Json },
      },
    },
    async (request) => {
      const graph = await storedGraph(db, request.params.id);
      const teams = request.query.teams;
      return computeRestorePlan(graph, teams === undefined ? {} : { teams });
    },
  );

  app.post(
    '/organisations/:id/continuity/what-if',
    {
      config: { access: read },
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['continuity'],
        params: IdParams,
        body: z.strictObject({
          lost: z.array(continuityIdSchema).min(1).max(10_000),
          teams: z.number().int().min(1).max(1_000).optional(),
        }),
        response: { 200: Json },
      },
    },
    async (request) => {
      const graph = await storedGraph(db, request.params.id);
      const { lost, teams } = request.body;
      const result = simulateLoss(graph, lost, teams === undefined ? {} : { teams });
      if (!result.ok) throw new InvalidContinuityData('invalid_what_if', result.errors);
      return result.value;
    },
  );

  for (const [path, { kind, schema, idOf }] of Object.entries(COLLECTIONS)) {
    const k = kind as ContinuityKind;
    app.get(
      `/organisations/:id/continuity/${path}`,
      {
        config: { access: read },
        serializerCompiler: () => (data) => JSON.stringify(data),
        schema: {
          tags: ['continuity'],
          params: IdParams,
          querystring: z.strictObject({ asOf: z.iso.date().optional() }),
          response: { 200: Json },
        },
      },
      async (request) => {
        const organisationId = request.params.id;
        const items = (await listRecords(db, organisationId, k)).map((b) => schema.parse(b));
        const asOf = request.query.asOf ?? nowIso().slice(0, 10);
        if (path === 'datasets') {
          const datasets = items as z.infer<typeof datasetSchema>[];
          const graph = await storedGraph(db, organisationId);
          return {
            items: datasets.map((d) => ({ ...d, rule: checkBackupRule(d, { asOf }) })),
            rpoGaps: findRpoGaps(graph, datasets),
          };
        }
        if (path === 'exercises') {
          const graph = await storedGraph(db, organisationId);
          const datasets = (await listRecords(db, organisationId, 'dataset')).map((b) => datasetSchema.parse(b));
          const phase = { start: D2_THRESHOLDS.operationalPhaseStart, end: asOf };
          return {
            items: (items as z.infer<typeof exerciseSchema>[]).map((e) => ({
              ...e,
              proofs: exerciseProofs(e, phase, graph, datasets),
            })),
          };
        }
        return { items };
      },
    );
    app.put(
      `/organisations/:id/continuity/${path}/:key`,
      {
        config: { access: write },
        schema: { tags: ['continuity'], params: KeyParams, body: z.record(z.string(), Json), response: { 200: Json } },
      },
      async (request) => {
        const { id, key } = request.params;
        const value = parsedOr400<{ id: string }>(schema, { ...request.body, id: key }, `invalid_${kind}`, key);
        await saveAudited(request, id, k, idOf(value), value);
        return value;
      },
    );
    app.delete(
      `/organisations/:id/continuity/${path}/:key`,
      {
        config: { access: write },
        schema: { tags: ['continuity'], params: KeyParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        const { id, key } = request.params;
        await db.transaction().execute(async (trx) => {
          await lockOrganisation(trx, id, lock);
          const before = await loadRecord(trx, id, k, key);
          if (before === undefined || !(await deleteRecord(trx, id, k, key))) throw notFound(kind);
          await appendAudit(trx, {
            ...actorOf(request),
            action: `continuity.${kind}_deleted`,
            objectType: `continuity_${kind}`,
            objectId: key,
            organisationId: id,
            summary: { before },
          });
        });
        return reply.status(204).send(null);
      },
    );
  }

  for (const [path, { kind, schema }] of Object.entries(SINGLETONS)) {
    const k = kind as ContinuityKind;
    app.get(
      `/organisations/:id/continuity/${path}`,
      {
        config: { access: read },
        schema: { tags: ['continuity'], params: IdParams, response: { 200: z.object({ value: Json }) } },
      },
      async (request) => {
        const body = await loadRecord(db, request.params.id, k, SINGLETON);
        return { value: body === undefined ? null : schema.parse(body) };
      },
    );
    app.put(
      `/organisations/:id/continuity/${path}`,
      {
        config: { access: write },
        schema: { tags: ['continuity'], params: IdParams, body: Json, response: { 200: z.object({ value: Json }) } },
      },
      async (request) => {
        const id = request.params.id;
        const value = parsedOr400<unknown>(schema, request.body, `invalid_${kind}`);
        await saveAudited(request, id, k, SINGLETON, value);
        return { value };
      },
    );
  }

  /** Everything the indicators and the binder need, read once. */
  async function dossierOf(organisationId: number) {
    const graph = await storedGraph(db, organisationId);
    const [datasets, exercises, documents, infrastructure, entities, contacts] = await Promise.all([
      listRecords(db, organisationId, 'dataset'),
      listRecords(db, organisationId, 'exercise'),
      listRecords(db, organisationId, 'document'),
      loadRecord(db, organisationId, 'backup_infrastructure', SINGLETON),
      loadRecord(db, organisationId, 'entities', SINGLETON),
      loadRecord(db, organisationId, 'contacts', SINGLETON),
    ]);
    return {
      graph,
      datasets: datasets.map((b) => datasetSchema.parse(b)),
      exercises: exercises.map((b) => exerciseSchema.parse(b)),
      documents: documents.map((b) => continuityDocumentSchema.parse(b)),
      ...(infrastructure === undefined
        ? {}
        : { backupInfrastructure: backupInfrastructureSchema.parse(infrastructure) }),
      entities: entities === undefined ? [] : SINGLETONS.entities.schema.parse(entities),
      contacts: contacts === undefined ? undefined : crisisContactsSchema.parse(contacts),
    };
  }

  app.get(
    '/organisations/:id/continuity/indicators',
    {
      config: { access: read },
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['continuity'],
        params: IdParams,
        querystring: z.strictObject({
          asOf: z.iso.date().optional(),
          applicationDate: z.iso.date().optional(),
        }),
        response: { 200: Json },
      },
    },
    async (request) => {
      const dossier = await dossierOf(request.params.id);
      const { asOf, applicationDate } = request.query;
      return {
        items: computeD2Indicators(dossier, {
          asOf: asOf ?? nowIso().slice(0, 10),
          ...(applicationDate ? { applicationDate } : {}),
        }),
      };
    },
  );

  app.get(
    '/organisations/:id/continuity/binder.pdf',
    {
      config: { access: read },
      schema: {
        tags: ['continuity'],
        params: IdParams,
        querystring: z.strictObject({ teams: z.coerce.number().int().min(1).max(1_000).optional() }),
      },
    },
    async (request, reply) => {
      const organisation = request.organisation!;
      const dossier = await dossierOf(request.params.id);
      const named = await db
        .selectFrom('organisation')
        .select(['name', 'finess'])
        .where('id', '=', organisation.id)
        .executeTakeFirst();
      // Without recorded contacts the binder still prints, saying what is missing.
      const contacts: CrisisContacts = dossier.contacts ?? {
        establishment: { name: named?.name ?? 'Établissement', ...(named?.finess ? { finess: named.finess } : {}) },
        crisisCell: [],
        callTree: [],
        ars: { name: 'ARS (à renseigner)', phone: '—' },
        otherContacts: [],
      };
      const teams = request.query.teams;
      const binder = assembleCrisisBinder({
        graph: dossier.graph,
        plan: computeRestorePlan(dossier.graph, teams === undefined ? {} : { teams }),
        contacts,
        ...(dossier.backupInfrastructure ? { backupInfrastructure: dossier.backupInfrastructure } : {}),
        generatedAt: nowIso(),
      });
      const pdf = await renderCrisisBinderPdf(binder);
      return reply
        .type('application/pdf')
        .header('content-disposition', 'attachment; filename="classeur-de-crise.pdf"')
        .send(pdf);
    },
  );
};
