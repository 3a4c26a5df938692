import { createHash } from 'node:crypto';
import { indicatorReadingSchema } from '@rempart/core';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access, idFrom, ownerOfRow } from '../access/plugin.js';
import { continuityReadings } from '../assessments/continuity-readings.js';
import { appendAudit } from '../audit/trail.js';
import { actorOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { IdParams } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import { InvalidBundle } from './adapters.js';
import { ENGINES, engineAdapter } from './engines.js';

const ResultOut = z.object({
  id: z.number(),
  organisationId: z.number(),
  engine: z.string(),
  rulesetVersion: z.string(),
  generatedAt: z.string(),
  receivedAt: z.string(),
  headline: z.string(),
  summary: z.record(z.string(), z.unknown()),
});
const BUNDLE_LIMIT = 32 * 1024 * 1024;

function toResultOut(r: {
  id: number;
  organisation_id: number;
  engine: string;
  ruleset_version: string;
  generated_at: string;
  received_at: string;
  headline: string;
  summary: string;
}) {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    engine: r.engine,
    rulesetVersion: r.ruleset_version,
    generatedAt: r.generated_at,
    receivedAt: r.received_at,
    headline: r.headline,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
  };
}

/**
 * Results pushed by the engines (`rempart ad audit --push`, `exposure scan --push`, `detect --push`): stored
 * whole for those allowed to see findings, summarised into indicators for everyone above.
 */
export const resultRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;

  app.post(
    '/organisations/:id/results/:engine',
    {
      config: { access: access.on('findings.write', idFrom('params', 'id')) },
      bodyLimit: BUNDLE_LIMIT,
      schema: {
        tags: ['results'],
        params: IdParams.extend({ engine: z.enum(ENGINES) }),
        body: z.record(z.string(), z.unknown()),
        response: { 201: ResultOut.extend({ indicators: z.record(z.string(), z.unknown()) }) },
      },
    },
    async (request, reply) => {
      const adapter = engineAdapter(request.params.engine);
      let summary: ReturnType<typeof adapter.summarise>;
      try {
        summary = adapter.summarise(request.body);
      } catch (error) {
        if (error instanceof InvalidBundle)
          throw new AppError('invalid_bundle', `résultat ${adapter.label} invalide : ${error.message}`, 400);
        throw error;
      }
      const organisationId = request.params.id;
      const bundleText = JSON.stringify(request.body);
      const stored = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('technical_result')
          .values({
            organisation_id: organisationId,
            engine: adapter.engine,
            ruleset_version: summary.rulesetVersion,
            generated_at: summary.generatedAt,
            received_at: nowIso(),
            headline: summary.headline,
            summary: JSON.stringify(summary.summary),
            bundle: bundleText,
            bundle_sha256: createHash('sha256').update(bundleText).digest('hex'),
            pushed_by: request.principal!.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        let indicators = { ...summary.indicators };
        if (adapter.fromHistory) {
          const history = await trx
            .selectFrom('technical_result')
            .select(['generated_at', 'summary'])
            .where('organisation_id', '=', organisationId)
            .where('engine', '=', adapter.engine)
            .orderBy('generated_at')
            .execute();
          indicators = {
            ...indicators,
            ...adapter.fromHistory(
              history.map((h) => ({ generatedAt: h.generated_at, summary: JSON.parse(h.summary) })),
            ),
          };
        }
        for (const [key, value] of Object.entries(indicators)) {
          const values = { value: JSON.stringify(value), result_id: row.id, measured_at: summary.generatedAt };
          const updated = await trx
            .updateTable('indicator')
            .set(values)
            .where('organisation_id', '=', organisationId)
            .where('key', '=', key)
            .where('measured_at', '<=', summary.generatedAt)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) {
            const exists = await trx
              .selectFrom('indicator')
              .select('id')
              .where('organisation_id', '=', organisationId)
              .where('key', '=', key)
              .executeTakeFirst();
            // An older result pushed late does not overwrite a newer indicator.
            if (!exists)
              await trx
                .insertInto('indicator')
                .values({ organisation_id: organisationId, key, ...values })
                .execute();
          }
        }
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'result.pushed',
          objectType: 'technical_result',
          objectId: row.id,
          organisationId,
          summary: {
            after: { engine: adapter.engine, rulesetVersion: summary.rulesetVersion, headline: summary.headline },
          },
        });
        return { ...toResultOut(row), indicators };
      });
      return reply.status(201).send(stored);
    },
  );

  app.get(
    '/organisations/:id/results',
    {
      config: { access: access.on('findings.read', idFrom('params', 'id')) },
      schema: {
        tags: ['results'],
        params: IdParams,
        querystring: z.strictObject({
          engine: z.enum(ENGINES).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(ResultOut) }) },
      },
    },
    async (request) => {
      let query = db
        .selectFrom('technical_result')
        .select([
          'id',
          'organisation_id',
          'engine',
          'ruleset_version',
          'generated_at',
          'received_at',
          'headline',
          'summary',
        ])
        .where('organisation_id', '=', request.params.id);
      if (request.query.engine) query = query.where('engine', '=', request.query.engine);
      const rows = await query.orderBy('generated_at', 'desc').limit(request.query.limit).execute();
      return { items: rows.map(toResultOut) };
    },
  );

  app.get(
    '/results/:id',
    {
      config: {
        access: access.on('findings.read', ownerOfRow('technical_result', 'résultat')),
      },
      schema: { tags: ['results'], params: IdParams, response: { 200: ResultOut.extend({ bundle: z.unknown() }) } },
    },
    async (request) => {
      const row = await db
        .selectFrom('technical_result')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirstOrThrow();
      return { ...toResultOut(row), bundle: JSON.parse(row.bundle) as unknown };
    },
  );

  app.get(
    '/organisations/:id/indicator-readings',
    {
      config: { access: access.on('indicators.read', idFrom('params', 'id')) },
      schema: {
        tags: ['results'],
        description: 'The latest indicators in the shape `POST /assessments/:id/prefill` takes as `readings`.',
        params: IdParams,
        response: { 200: z.object({ readings: z.array(indicatorReadingSchema) }) },
      },
    },
    async (request) => {
      const rows = await db
        .selectFrom('indicator as i')
        .leftJoin('technical_result as r', 'r.id', 'i.result_id')
        .select(['i.key', 'i.value', 'i.measured_at', 'i.result_id', 'r.engine'])
        .where('i.organisation_id', '=', request.params.id)
        .orderBy('i.key')
        .execute();
      // The continuity module's D2 indicators join the pushed ones (D2 requirements are pre-filled from them).
      const continuity = await continuityReadings(db, request.params.id, nowIso().slice(0, 10));
      return {
        readings: [
          ...rows.flatMap((r) => {
            const reading = indicatorReadingSchema.safeParse({
              key: r.key,
              value: JSON.parse(r.value),
              source: {
                tool: r.engine ?? 'rempart',
                ...(r.result_id ? { reference: `résultat n° ${r.result_id}` } : {}),
                observedAt: r.measured_at,
              },
            });
            return reading.success ? [reading.data] : [];
          }),
          ...continuity,
        ],
      };
    },
  );

  app.get(
    '/organisations/:id/indicators',
    {
      config: { access: access.on('indicators.read', idFrom('params', 'id')) },
      schema: {
        tags: ['results'],
        params: IdParams,
        response: {
          200: z.object({
            indicators: z.array(
              z.object({ key: z.string(), value: z.unknown(), measuredAt: z.string(), engine: z.string().nullable() }),
            ),
            latest: z.array(ResultOut),
          }),
        },
      },
    },
    async (request) => {
      const rows = await db
        .selectFrom('indicator as i')
        .leftJoin('technical_result as r', 'r.id', 'i.result_id')
        .select(['i.key', 'i.value', 'i.measured_at', 'r.engine'])
        .where('i.organisation_id', '=', request.params.id)
        .orderBy('i.key')
        .execute();
      const latest = [];
      for (const engine of ENGINES) {
        const r = await db
          .selectFrom('technical_result')
          .select([
            'id',
            'organisation_id',
            'engine',
            'ruleset_version',
            'generated_at',
            'received_at',
            'headline',
            'summary',
          ])
          .where('organisation_id', '=', request.params.id)
          .where('engine', '=', engine)
          .orderBy('generated_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (r) latest.push(toResultOut(r));
      }
      return {
        indicators: rows.map((r) => ({
          key: r.key,
          value: JSON.parse(r.value) as unknown,
          measuredAt: r.measured_at,
          engine: r.engine,
        })),
        latest,
      };
    },
  );
};
