import {
  answerSchema,
  directorSummary,
  ESTABLISHMENT_CATEGORIES,
  exportCisoLibrary,
  generateRoadmap,
  indexReferential,
  indicatorReadingSchema,
  MAX_MEASURE_COST,
  prefillAnswers,
  ROADMAP_STATUSES,
  roadmapToCsv,
} from '@rempart/core';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access, idFrom } from '../access/plugin.js';
import { appendAudit } from '../audit/trail.js';
import { groupFileCategory } from '../campaigns/group-files.js';
import { actorOf } from '../http/context.js';
import { AppError, badRequest, conflict, notFound } from '../http/errors.js';
import { IdParams, label, referentialKey } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { objectiveOwnerNames } from './owners.js';
import {
  ASSESSMENT_STATUSES,
  answersOf,
  assessmentOrg,
  categoryOfNode,
  checkAnswersAgainst,
  fromCare,
  insertDraft,
  type LoadedAssessment,
  loadAssessment,
  markLatest,
  revisionConflict,
  roadmapEdits,
  type StoredAnswer,
  scoreOf,
  snapshotValues,
  storedAnswerSchema,
  traceOfPrefill,
  writeAnswers,
} from './queries.js';
import {
  findReferential,
  listReferentials,
  readUploadedReferential,
  referentialRow,
  storeReferential,
} from './referentials.js';
import { renderRoadmapXlsx, renderSummaryPdf } from './roadmap-export.js';

const ReferentialParams = z.object({
  key: referentialKey,
  version: z.coerce.number().int().min(1).max(1_000_000),
});
const Revision = z.number().int().min(0);
const today = () => nowIso().slice(0, 10);
const MAX_COMMENT = 5000;

const AssessmentOut = z.object({
  id: z.number(),
  organisationId: z.number(),
  referential: z.object({ id: z.string(), version: z.number(), name: z.string() }),
  category: z.enum(ESTABLISHMENT_CATEGORIES),
  status: z.enum(ASSESSMENT_STATUSES),
  revision: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  signedAt: z.string().nullable(),
});

function toAssessmentOut(a: LoadedAssessment) {
  return {
    id: a.id,
    organisationId: a.organisationId,
    referential: { id: a.referential.id, version: a.referential.version, name: a.referential.name },
    category: a.category,
    status: a.status,
    revision: a.revision,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    submittedAt: a.submittedAt,
    signedAt: a.signedAt,
  };
}

const ScoreOut = z.object({
  referential: z.object({ id: z.string(), version: z.number() }),
  category: z.enum(ESTABLISHMENT_CATEGORIES),
  overall: z.object({
    score: z.number().nullable(),
    objectivesReached: z.number(),
    objectivesApplicable: z.number(),
    requirementsCounted: z.number(),
    completion: z.number(),
    dontKnow: z.array(z.string()),
    unanswered: z.array(z.string()),
  }),
  axes: z.array(
    z.object({
      id: z.string(),
      score: z.number().nullable(),
      objectivesReached: z.number(),
      objectivesApplicable: z.number(),
    }),
  ),
  objectives: z.array(
    z.object({
      id: z.string(),
      axisId: z.string(),
      status: z.enum(['reached', 'not_reached', 'not_applicable']),
      reached: z.boolean(),
      score: z.number().nullable(),
      threshold: z.number(),
      blockers: z.object({
        belowThreshold: z.boolean(),
        mandatoryUnmet: z.array(z.string()),
        dependencies: z.array(z.string()),
      }),
      dontKnow: z.array(z.string()),
      unanswered: z.array(z.string()),
    }),
  ),
  requirements: z.array(
    z.object({
      id: z.string(),
      objectiveId: z.string(),
      status: z.enum(['met', 'unmet', 'dont_know', 'unanswered', 'not_applicable', 'out_of_scope']),
      mandatory: z.boolean(),
      score: z.number().nullable(),
      weight: z.number(),
    }),
  ),
});

const RoadmapItemOut = z.object({
  rank: z.number(),
  measureId: z.string(),
  title: z.string(),
  why: z.string(),
  how: z.string(),
  effort: z.enum(['low', 'medium', 'high']),
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  cost: z.object({ build: z.number(), run: z.number() }),
  estimate: z.object({ build: z.number(), run: z.number() }),
  costBuild: z.number().nullable(),
  costRun: z.number().nullable(),
  requirements: z.array(z.string()),
  objectives: z.array(z.string()),
  mandatory: z.boolean(),
  unblocks: z.array(z.string()),
  gain: z.number(),
  owner: z.string().nullable(),
  ownerFrom: z.enum(['measure', 'objective']).nullable(),
  dueDate: z.string().nullable(),
  status: z.enum(ROADMAP_STATUSES),
});

/**
 * CaRE self-assessments: referentials (list, read, import, CISO Assistant export), assessments with
 * optimistic concurrency, submission and director sign-off with score snapshots, roadmap, dashboards.
 */
export const assessmentRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;
  for (const type of ['application/yaml', 'text/yaml', 'application/x-yaml']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 4 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
  }

  // ---- referentials -------------------------------------------------------------------------------
  const ReferentialSummaryOut = z.object({
    id: z.string(),
    version: z.number(),
    name: z.string(),
    urn: z.string(),
    locale: z.string(),
    origin: z.enum(['bundled', 'imported']),
  });

  app.get(
    '/referentials',
    {
      config: { access: access.signedIn() },
      schema: { tags: ['referentials'], response: { 200: z.object({ items: z.array(ReferentialSummaryOut) }) } },
    },
    async () => ({ items: await listReferentials(db) }),
  );

  app.get(
    '/referentials/:key/versions/:version',
    {
      config: { access: access.signedIn() },
      // The referential is our own validated data; its full shape is documented in @rempart/core.
      schema: {
        tags: ['referentials'],
        params: ReferentialParams,
        response: { 200: z.looseObject({ id: z.string() }) },
      },
    },
    async (request) => ({ ...(await findReferential(db, request.params.key, request.params.version)) }),
  );

  app.get(
    '/referentials/:key/versions/:version/ciso-assistant',
    {
      config: { access: access.signedIn() },
      serializerCompiler: () => (data) => data as string,
      schema: { tags: ['referentials'], params: ReferentialParams, response: { 200: z.string() } },
    },
    async (request, reply) => {
      const referential = await findReferential(db, request.params.key, request.params.version);
      reply.header('content-type', 'application/yaml; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${referential.id}-v${referential.version}-ciso.yaml"`);
      return exportCisoLibrary(referential);
    },
  );

  app.post(
    '/referentials',
    {
      // Publishing a referential is a national act: `campaign.manage` on the nation node.
      config: {
        access: access.on('campaign.manage', async (request) => {
          const nation = await request.server.db
            .selectFrom('organisation')
            .select('id')
            .where('kind', '=', 'nation')
            .orderBy('id')
            .executeTakeFirst();
          if (!nation) throw notFound('organisation nationale');
          return nation.id;
        }),
      },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['referentials'],
        consumes: ['application/yaml'],
        response: { 201: ReferentialSummaryOut },
      },
    },
    async (request, reply) => {
      if (typeof request.body !== 'string') {
        throw badRequest('invalid_body', 'référentiel YAML attendu (Content-Type: application/yaml)');
      }
      const referential = readUploadedReferential(request.body, today());
      const id = await db.transaction().execute(async (trx) => {
        const rowId = await storeReferential(trx, referential, request.principal!.userId);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'referential.imported',
          objectType: 'referential_version',
          objectId: rowId,
          organisationId: request.organisation!.id,
          summary: { after: { id: referential.id, version: referential.version, urn: referential.urn } },
        });
        return rowId;
      });
      request.log.info({ referentialVersionId: id }, 'referential imported');
      return reply.status(201).send({
        id: referential.id,
        version: referential.version,
        name: referential.name,
        urn: referential.urn,
        locale: referential.locale,
        origin: 'imported',
      });
    },
  );

  // ---- assessments --------------------------------------------------------------------------------
  app.post(
    '/organisations/:id/assessments',
    {
      config: { access: access.on('assessment.write', idFrom('params', 'id')) },
      schema: {
        tags: ['assessments'],
        params: IdParams,
        body: z.strictObject({
          referentialId: ReferentialParams.shape.key,
          version: z.number().int().min(1).max(1_000_000).optional(),
          category: z.enum(ESTABLISHMENT_CATEGORIES).optional(),
        }),
        response: { 201: AssessmentOut },
      },
    },
    async (request, reply) => {
      const node = request.organisation!;
      if (!['group', 'legal_entity', 'site'].includes(node.kind)) {
        throw badRequest(
          'invalid_target',
          'une auto-évaluation concerne un établissement, une entité juridique ou un groupement',
        );
      }
      // A group's file answers for its members: scored with the union of their categories (campaigns/group-files.ts).
      const category =
        request.body.category ??
        (node.kind === 'group'
          ? await groupFileCategory(db, node.id, request.body.referentialId, request.body.version)
          : await categoryOfNode(db, node.id));
      if (!category) {
        throw badRequest('category_required', 'catégorie d’établissement inconnue : précisez-la (category)');
      }
      const id = await db.transaction().execute(async (trx) => {
        const { id: versionId, referential } = await referentialRow(
          trx,
          request.body.referentialId,
          request.body.version,
        );
        const at = nowIso();
        const draftId = await insertDraft(trx, {
          organisationId: node.id,
          versionId,
          referentialKey: referential.id,
          category,
          userId: request.principal!.userId,
          at,
        });
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'assessment.created',
          objectType: 'assessment',
          objectId: draftId,
          organisationId: node.id,
          summary: { after: { referential: referential.id, version: referential.version, category } },
        });
        return draftId;
      });
      return reply.status(201).send(toAssessmentOut(await loadAssessment(db, id)));
    },
  );

  app.get(
    '/organisations/:id/assessments',
    {
      config: { access: access.on('assessment.read', idFrom('params', 'id')) },
      schema: {
        tags: ['assessments'],
        params: IdParams,
        response: { 200: z.object({ items: z.array(AssessmentOut) }) },
      },
    },
    async (request) => {
      const rows = await db
        .selectFrom('assessment')
        .select('id')
        .where('organisation_id', '=', request.params.id)
        .orderBy('id', 'desc')
        .limit(200)
        .execute();
      const items = [];
      for (const r of rows) items.push(toAssessmentOut(await loadAssessment(db, r.id)));
      return { items };
    },
  );

  const StoredAnswerOut = storedAnswerSchema;

  app.get(
    '/assessments/:id',
    {
      // Answers and comments are the establishment's detailed data: `evidence.read`, not `assessment.read`.
      config: { access: access.on('evidence.read', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: IdParams,
        response: { 200: AssessmentOut.extend({ answers: z.record(z.string(), StoredAnswerOut) }) },
      },
    },
    async (request) => {
      const assessment = await loadAssessment(db, request.params.id);
      return { ...toAssessmentOut(assessment), answers: assessment.answers };
    },
  );

  app.patch(
    '/assessments/:id/answers',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: IdParams,
        body: z.strictObject({
          revision: Revision,
          answers: z
            .record(
              z.string().min(1).max(64),
              z.strictObject({
                answer: answerSchema.nullable().optional(),
                comment: z.string().max(MAX_COMMENT).nullable().optional(),
              }),
            )
            .refine((a) => Object.keys(a).length <= 1000, 'au plus 1 000 réponses par envoi'),
        }),
        response: { 200: AssessmentOut.extend({ answers: z.record(z.string(), StoredAnswerOut) }) },
      },
    },
    async (request) => {
      const { revision, answers: changes } = request.body;
      return db.transaction().execute(async (trx) => {
        const current = await loadAssessment(trx, request.params.id);
        if (current.status !== 'draft') {
          throw conflict(
            `évaluation ${current.status === 'signed' ? 'signée' : 'soumise'} : elle n'est plus modifiable`,
          );
        }
        if (current.revision !== revision) throw revisionConflict(current.revision, revision);
        const newAnswers = Object.fromEntries(
          Object.entries(changes).flatMap(([id, c]) => (c.answer ? [[id, c.answer]] : [])),
        );
        const known = indexReferential(current.referential).requirements;
        const unknown = Object.keys(changes).find((id) => !known.has(id));
        if (unknown) throw badRequest('unknown_requirement', `exigence « ${unknown} » absente du référentiel`);
        checkAnswersAgainst(current.referential, newAnswers);
        const at = nowIso();
        const merged: Record<string, StoredAnswer> = { ...current.answers };
        for (const [id, change] of Object.entries(changes)) {
          const before = merged[id];
          const next: StoredAnswer = {
            answer: change.answer === undefined ? (before?.answer ?? null) : change.answer,
            comment: change.comment === undefined ? (before?.comment ?? null) : change.comment,
            updatedAt: at,
            updatedBy: request.principal!.userId,
            ...traceOfPrefill(before, change.answer, at, request.principal!.userId),
          };
          // A cleared answer disappears, unless it keeps the trace of a pre-fill a person replaced.
          if (next.answer === null && next.comment === null && !next.replacedPrefill) delete merged[id];
          else merged[id] = next;
        }
        await writeAnswers(trx, current.id, revision, merged, at);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'assessment.answered',
          objectType: 'assessment',
          objectId: current.id,
          organisationId: current.organisationId,
          summary: {
            revision: revision + 1,
            requirements: Object.keys(changes),
            after: Object.fromEntries(Object.entries(changes).map(([id, c]) => [id, c.answer ?? null])),
          },
        });
        const after = await loadAssessment(trx, current.id);
        return { ...toAssessmentOut(after), answers: after.answers };
      });
    },
  );

  app.post(
    '/assessments/:id/prefill',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: IdParams,
        body: z.strictObject({
          revision: Revision,
          readings: z.array(indicatorReadingSchema).max(500),
          overwrite: z.boolean().default(false),
        }),
        response: {
          200: AssessmentOut.extend({
            answers: z.record(z.string(), StoredAnswerOut),
            prefilled: z.array(z.string()),
            unused: z.array(z.string()),
            unmatched: z.array(z.string()),
            invalid: z.array(z.object({ requirementId: z.string(), indicator: z.string(), reason: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const { revision, readings, overwrite } = request.body;
      return db.transaction().execute(async (trx) => {
        const current = await loadAssessment(trx, request.params.id);
        if (current.status !== 'draft') throw conflict("évaluation soumise : elle n'est plus modifiable");
        if (current.revision !== revision) throw revisionConflict(current.revision, revision);
        const prefill = prefillAnswers(current.referential, readings);
        const at = nowIso();
        const merged: Record<string, StoredAnswer> = { ...current.answers };
        const applied: string[] = [];
        for (const p of prefill.answers) {
          const before = merged[p.requirementId];
          if (before?.answer && !overwrite) continue;
          merged[p.requirementId] = {
            answer: p.answer,
            comment: before?.comment ?? null,
            updatedAt: at,
            updatedBy: request.principal!.userId,
            source: {
              tool: p.source.tool,
              indicator: p.source.indicator,
              value: p.source.value,
              observedAt: p.source.observedAt,
              ...(p.source.reference ? { reference: p.source.reference } : {}),
            },
            ...(before?.replacedPrefill ? { replacedPrefill: before.replacedPrefill } : {}),
          };
          applied.push(p.requirementId);
        }
        await writeAnswers(trx, current.id, revision, merged, at);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'assessment.prefilled',
          objectType: 'assessment',
          objectId: current.id,
          organisationId: current.organisationId,
          summary: { revision: revision + 1, requirements: applied, indicators: readings.map((r) => r.key) },
        });
        const after = await loadAssessment(trx, current.id);
        return {
          ...toAssessmentOut(after),
          answers: after.answers,
          prefilled: applied,
          unused: prefill.unused,
          unmatched: prefill.unmatched,
          invalid: prefill.invalid,
        };
      });
    },
  );

  const transition = (
    name: 'submit' | 'sign',
    permission: 'assessment.write' | 'assessment.sign',
    from: 'draft' | 'submitted',
    to: 'submitted' | 'signed',
  ) =>
    app.post(
      `/assessments/:id/${name}`,
      {
        config: { access: access.on(permission, assessmentOrg) },
        schema: {
          tags: ['assessments'],
          params: IdParams,
          body: z.strictObject({ revision: Revision }),
          response: { 200: AssessmentOut },
        },
      },
      async (request) => {
        return db.transaction().execute(async (trx) => {
          const current = await loadAssessment(trx, request.params.id);
          if (current.revision !== request.body.revision)
            throw revisionConflict(current.revision, request.body.revision);
          if (current.status !== from) {
            throw conflict(
              name === 'submit'
                ? 'seule une évaluation en brouillon peut être soumise'
                : 'seule une évaluation soumise peut être signée par la direction',
            );
          }
          const at = nowIso();
          const userId = request.principal!.userId;
          const updated = await trx
            .updateTable('assessment')
            .set({
              status: to,
              revision: current.revision + 1,
              updated_at: at,
              ...(to === 'submitted'
                ? { submitted_at: at, submitted_by: userId }
                : { signed_at: at, signed_by: userId }),
            })
            .where('id', '=', current.id)
            .where('revision', '=', current.revision)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) throw revisionConflict(current.revision + 1, current.revision);
          const score = scoreOf(current);
          // Scores are frozen at each submission (trends); the signature confirms the submitted one.
          if (to === 'submitted') {
            const snapshot = await trx
              .insertInto('assessment_snapshot')
              .values(snapshotValues(current, score, at))
              .returning('id')
              .executeTakeFirstOrThrow();
            await markLatest(trx, {
              organisationId: current.organisationId,
              referentialKey: current.referential.id,
              assessmentId: current.id,
              status: 'submitted',
              snapshotId: snapshot.id,
            });
          } else {
            await trx
              .updateTable('assessment_latest')
              .set({ status: 'signed' })
              .where('assessment_id', '=', current.id)
              .execute();
          }
          await appendAudit(trx, {
            ...actorOf(request),
            action: `assessment.${to}`,
            objectType: 'assessment',
            objectId: current.id,
            organisationId: current.organisationId,
            summary: {
              before: { status: current.status },
              after: { status: to, score: score.overall.score, objectivesReached: score.overall.objectivesReached },
            },
          });
          return toAssessmentOut(await loadAssessment(trx, current.id));
        });
      },
    );
  transition('submit', 'assessment.write', 'draft', 'submitted');
  transition('sign', 'assessment.sign', 'submitted', 'signed');

  app.get(
    '/assessments/:id/score',
    {
      config: { access: access.on('assessment.read', assessmentOrg) },
      schema: { tags: ['assessments'], params: IdParams, response: { 200: ScoreOut } },
    },
    async (request) => scoreOf(await loadAssessment(db, request.params.id)),
  );

  app.get(
    '/assessments/:id/snapshots',
    {
      config: { access: access.on('assessment.read', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: IdParams,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                at: z.string(),
                referential: z.object({ id: z.string(), version: z.number() }),
                score: z.number().nullable(),
                objectivesReached: z.number(),
                objectivesApplicable: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const rows = await db
        .selectFrom('assessment_snapshot')
        .selectAll()
        .where('assessment_id', '=', request.params.id)
        .orderBy('id')
        .execute();
      return {
        items: rows.map((r) => ({
          at: r.at,
          referential: { id: r.referential_key, version: r.referential_version },
          score: r.score_permyriad === null ? null : r.score_permyriad / 10_000,
          objectivesReached: r.objectives_reached,
          objectivesApplicable: r.objectives_applicable,
        })),
      };
    },
  );

  // ---- roadmap ------------------------------------------------------------------------------------
  const roadmapOf = async (assessmentId: number) => {
    const assessment = await loadAssessment(db, assessmentId);
    const previous = await roadmapEdits(db, assessmentId);
    const objectiveOwners = await objectiveOwnerNames(db, assessmentId);
    const roadmap = fromCare(() =>
      generateRoadmap(assessment.referential, answersOf(assessment), assessment.category, {
        today: today(),
        previous,
        objectiveOwners,
      }),
    );
    return { assessment, roadmap };
  };

  app.get(
    '/assessments/:id/roadmap',
    {
      config: { access: access.on('evidence.read', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: IdParams,
        response: {
          200: z.object({
            referential: z.object({ id: z.string(), version: z.number() }),
            generatedOn: z.string(),
            items: z.array(RoadmapItemOut),
            totals: z.object({ build: z.number(), run: z.number() }),
            summary: z.looseObject({ title: z.string(), headlines: z.array(z.string()) }),
          }),
        },
      },
    },
    async (request) => {
      const { assessment, roadmap } = await roadmapOf(request.params.id);
      const summary = await summaryOf(assessment, roadmap);
      return {
        referential: roadmap.referential,
        generatedOn: roadmap.generatedOn,
        items: roadmap.items,
        totals: roadmap.totals,
        summary: { ...summary },
      };
    },
  );

  app.get(
    '/assessments/:id/roadmap.csv',
    {
      config: { access: access.on('evidence.read', assessmentOrg) },
      serializerCompiler: () => (data) => data as string,
      schema: { tags: ['assessments'], params: IdParams, response: { 200: z.string() } },
    },
    async (request, reply) => {
      const { roadmap } = await roadmapOf(request.params.id);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="feuille-de-route-${request.params.id}.csv"`);
      return roadmapToCsv(roadmap, { bom: true });
    },
  );

  const summaryOf = async (assessment: LoadedAssessment, roadmap: Awaited<ReturnType<typeof roadmapOf>>['roadmap']) => {
    const org = await db
      .selectFrom('organisation')
      .select('name')
      .where('id', '=', assessment.organisationId)
      .executeTakeFirstOrThrow();
    return directorSummary({
      establishment: org.name,
      referential: assessment.referential,
      score: scoreOf(assessment),
      roadmap,
      date: roadmap.generatedOn,
    });
  };

  app.get(
    '/assessments/:id/roadmap.pdf',
    {
      config: { access: access.on('evidence.read', assessmentOrg) },
      serializerCompiler: () => (data) => data as string,
      schema: { tags: ['assessments'], params: IdParams },
    },
    async (request, reply) => {
      const { assessment, roadmap } = await roadmapOf(request.params.id);
      const pdf = await renderSummaryPdf(await summaryOf(assessment, roadmap));
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', `attachment; filename="synthese-feuille-de-route-${request.params.id}.pdf"`);
      return reply.send(pdf);
    },
  );

  app.get(
    '/assessments/:id/roadmap.xlsx',
    {
      config: { access: access.on('evidence.read', assessmentOrg) },
      serializerCompiler: () => (data) => data as string,
      schema: { tags: ['assessments'], params: IdParams },
    },
    async (request, reply) => {
      const { assessment, roadmap } = await roadmapOf(request.params.id);
      const xlsx = await renderRoadmapXlsx(roadmap, await summaryOf(assessment, roadmap));
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      reply.header('content-disposition', `attachment; filename="feuille-de-route-${request.params.id}.xlsx"`);
      return reply.send(xlsx);
    },
  );

  app.patch(
    '/assessments/:id/roadmap/:measureId',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: IdParams.extend({ measureId: z.string().min(1).max(64) }),
        description:
          'Modifie une mesure de la feuille de route ; les champs absents gardent leur valeur. Coûts en euros HT, null : retour à l’estimation du référentiel.',
        body: z
          .strictObject({
            owner: label(200).nullable().optional(),
            dueDate: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'date AAAA-MM-JJ attendue')
              .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'date invalide')
              .nullable()
              .optional(),
            status: z.enum(ROADMAP_STATUSES).optional(),
            costBuild: z.number().int().min(0).max(MAX_MEASURE_COST).nullable().optional(),
            costRun: z.number().int().min(0).max(MAX_MEASURE_COST).nullable().optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'au moins un champ à modifier'),
        response: {
          200: z.object({
            measureId: z.string(),
            owner: z.string().nullable(),
            dueDate: z.string().nullable(),
            status: z.enum(ROADMAP_STATUSES),
            costBuild: z.number().nullable(),
            costRun: z.number().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const { measureId } = request.params;
      const { assessment, roadmap } = await roadmapOf(request.params.id);
      if (!indexReferential(assessment.referential).measures.has(measureId)) {
        throw new AppError('unknown_measure', `mesure « ${measureId} » absente du référentiel`, 404);
      }
      const generated = roadmap.items.find((i) => i.measureId === measureId);
      return db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('roadmap_edit')
          .selectAll()
          .where('assessment_id', '=', assessment.id)
          .where('measure_id', '=', measureId)
          .executeTakeFirst();
        // Fields not sent keep their stored value; a first edit starts from the generated due date, not null.
        const base = before
          ? {
              owner: before.owner,
              dueDate: before.due_date,
              status: (ROADMAP_STATUSES as readonly string[]).includes(before.status)
                ? (before.status as (typeof ROADMAP_STATUSES)[number])
                : 'todo',
              costBuild: before.cost_build,
              costRun: before.cost_run,
            }
          : {
              owner: null,
              dueDate: generated?.dueDate ?? null,
              status: 'todo' as const,
              costBuild: null,
              costRun: null,
            };
        const after = { ...base, ...request.body };
        const stamp = { updated_at: nowIso(), updated_by: request.principal!.userId };
        const columns = {
          owner: 'owner',
          dueDate: 'due_date',
          status: 'status',
          costBuild: 'cost_build',
          costRun: 'cost_run',
        } as const;
        // Concurrency rule: each field is last-writer-wins and an update writes only the fields it was sent,
        // so two people editing different fields of one measure never undo each other.
        const sent = Object.fromEntries(
          Object.entries(request.body).map(([k, v]) => [columns[k as keyof typeof columns], v]),
        );
        await trx
          .insertInto('roadmap_edit')
          .values({
            assessment_id: assessment.id,
            measure_id: measureId,
            owner: after.owner,
            due_date: after.dueDate,
            status: after.status,
            cost_build: after.costBuild,
            cost_run: after.costRun,
            ...stamp,
          })
          .onConflict((oc) => oc.columns(['assessment_id', 'measure_id']).doUpdateSet({ ...sent, ...stamp }))
          .execute();
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'roadmap.updated',
          objectType: 'assessment',
          objectId: assessment.id,
          organisationId: assessment.organisationId,
          summary: { measure: measureId, before: before ? base : null, after },
        });
        return { measureId, ...after };
      });
    },
  );
};
