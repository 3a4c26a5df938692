import { csvField, ESTABLISHMENT_CATEGORIES, indexReferential } from '@rempart/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { access, idFrom } from '../access/plugin.js';
import { ASSESSMENT_STATUSES } from '../assessments/queries.js';
import { findReferential, listReferentials, newestReferential } from '../assessments/referentials.js';
import { IdParams, referentialKey } from '../http/schemas.js';
import { subtreeRange } from '../organisations/queries.js';

const DashboardQuery = z.strictObject({
  referential: referentialKey.default('care'),
  category: z.enum(ESTABLISHMENT_CATEGORIES).optional(),
  department: z
    .string()
    .regex(/^(\d{2,3}|2[AB])$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(50_000).default(1000),
  groupBy: z.enum(['region', 'department', 'category']).optional(),
});
type DashboardQuery = z.infer<typeof DashboardQuery>;
const ObjectiveShare = z.object({
  id: z.string(),
  reached: z.number(),
  applicable: z.number(),
  share: z.number().nullable(),
});

/**
 * Subtree dashboards of the CaRE self-assessments: statuses and scores of every establishment (laggards first),
 * per-group counts and the share of each objective reached, and the same as CSV.
 */
export const dashboardRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;

  // Objective order of each referential version: immutable, so cached for the process.
  const orderCache = new Map<string, { ids: string[]; titles: Map<string, string> }>();
  const orderOf = async (key: string, version: number) => {
    const cacheKey = `${key}@${version}`;
    let order = orderCache.get(cacheKey);
    if (!order) {
      const objectives = (await findReferential(db, key, version)).axes.flatMap((a) => a.objectives);
      order = { ids: objectives.map((o) => o.id), titles: new Map(objectives.map((o) => [o.id, o.title])) };
      orderCache.set(cacheKey, order);
    }
    return order;
  };

  /**
   * The subtree dashboard, aggregated by the database: one GROUP BY (group column × referential version) gives
   * the counts, score sums and per-objective reached/applicable sums (one position of the status string each);
   * a second query returns only the `limit` laggards. No per-establishment row crosses into JavaScript beyond those.
   */
  const dashboardOf = async (request: FastifyRequest, q: DashboardQuery) => {
    const { referential: key, category, department, limit, groupBy } = q;
    const [from, to] = subtreeRange(request.organisation!.path);
    const base = () => {
      let query = db
        .selectFrom('organisation as o')
        .leftJoin('assessment_latest as l', (join) =>
          join.onRef('l.organisation_id', '=', 'o.id').on('l.referential_key', '=', key),
        )
        .leftJoin('assessment_snapshot as snap', 'snap.id', 'l.snapshot_id')
        .where('o.path', '>=', from)
        .where('o.path', '<', to)
        .where((eb) => eb.or([eb('o.kind', 'in', ['legal_entity', 'site']), eb('l.assessment_id', 'is not', null)]));
      if (category) query = query.where('o.category', '=', category);
      if (department) query = query.where('o.department', '=', department);
      return query;
    };

    // Laggards first: never submitted, then the lowest scores; the database sorts and cuts
    // (started before the aggregate so PostgreSQL runs both on two connections).
    const rowsPending = base()
      .select([
        'o.id',
        'o.name',
        'o.kind',
        'o.category',
        'o.department',
        'o.region_code',
        'l.status',
        'snap.score_permyriad',
        'snap.objectives_reached',
        'snap.objectives_applicable',
        'snap.at',
        'snap.referential_version',
        'snap.objective_statuses',
      ])
      .orderBy(sql`coalesce(${sql.ref('snap.score_permyriad')}, -1)`)
      .orderBy('o.id')
      .limit(limit)
      .execute();
    // Awaited below; a failure of the aggregate first must not leave this rejection unhandled.
    rowsPending.catch(() => undefined);
    const versions = (await listReferentials(db)).filter((r) => r.id === key).map((r) => r.version);
    const orders = new Map<number, { ids: string[]; titles: Map<string, string> }>();
    for (const version of versions.sort((a, b) => a - b)) orders.set(version, await orderOf(key, version));
    const positions = Math.max(0, ...[...orders.values()].map((o) => o.ids.length));
    const column = groupBy
      ? ({ region: 'o.region_code', department: 'o.department', category: 'o.category' } as const)[groupBy]
      : null;
    const statuses = sql.ref('snap.objective_statuses');
    const aggregates = await base()
      .select((eb) => [
        column ? eb.ref(column).as('group_key') : sql<null>`null`.as('group_key'),
        'snap.referential_version',
        eb.fn.countAll<number | string>().as('organisations'),
        eb.fn.count<number | string>('l.status').as('assessed'),
        eb.fn.count<number | string>('snap.at').as('submitted'),
        sql<number | string>`sum(case when ${sql.ref('l.status')} = 'signed' then 1 else 0 end)`.as('signed'),
        eb.fn.sum<number | string | null>('snap.score_permyriad').as('score_sum'),
        eb.fn.count<number | string>('snap.score_permyriad').as('score_count'),
        ...Array.from({ length: positions }, (_, i) =>
          sql<number | string>`sum(case when substr(${statuses}, ${sql.lit(i + 1)}, 1) = 'R' then 1 else 0 end)`.as(
            `r${i}`,
          ),
        ),
        ...Array.from({ length: positions }, (_, i) =>
          sql<number | string>`sum(case when substr(${statuses}, ${sql.lit(i + 1)}, 1) = 'N' then 1 else 0 end)`.as(
            `n${i}`,
          ),
        ),
      ])
      .groupBy([...(column ? [column] : []), 'snap.referential_version'])
      .execute();

    type Totals = {
      organisations: number;
      assessed: number;
      submitted: number;
      signed: number;
      scoreSum: number;
      scoreCount: number;
      shares: Map<string, { reached: number; applicable: number }>;
    };
    const empty = (): Totals => ({
      organisations: 0,
      assessed: 0,
      submitted: 0,
      signed: 0,
      scoreSum: 0,
      scoreCount: 0,
      shares: new Map(),
    });
    const add = (t: Totals, a: (typeof aggregates)[number]) => {
      const row = a as unknown as Record<string, number | string | null>;
      t.organisations += Number(a.organisations);
      t.assessed += Number(a.assessed);
      t.submitted += Number(a.submitted);
      t.signed += Number(a.signed);
      t.scoreSum += Number(a.score_sum ?? 0);
      t.scoreCount += Number(a.score_count);
      const order = a.referential_version ? orders.get(a.referential_version) : undefined;
      order?.ids.forEach((id, i) => {
        const reached = Number(row[`r${i}`] ?? 0);
        const applicable = reached + Number(row[`n${i}`] ?? 0);
        if (applicable === 0 && !t.shares.has(id)) return;
        const s = t.shares.get(id) ?? { reached: 0, applicable: 0 };
        s.reached += reached;
        s.applicable += applicable;
        t.shares.set(id, s);
      });
    };
    const total = empty();
    const groups = new Map<string, Totals>();
    for (const a of aggregates) {
      add(total, a);
      if (column) {
        const k = (a.group_key as string | null) ?? 'inconnu';
        const t = groups.get(k) ?? empty();
        add(t, a);
        groups.set(k, t);
      }
    }
    const counts = (t: Totals) => ({
      organisations: t.organisations,
      assessed: t.assessed,
      submitted: t.submitted,
      signed: t.signed,
    });
    const sharesOut = (t: Totals) =>
      [...t.shares.entries()].map(([id, s]) => ({
        id,
        reached: s.reached,
        applicable: s.applicable,
        share: s.applicable === 0 ? null : s.reached / s.applicable,
      }));

    const rows = await rowsPending;
    const STATUS = { R: 'reached', N: 'not_reached', '-': 'not_applicable' } as const;
    const items = rows.map((r) => {
      const objectives: Record<string, 'reached' | 'not_reached' | 'not_applicable'> = {};
      const order = r.referential_version ? orders.get(r.referential_version) : undefined;
      if (order && r.objective_statuses) {
        order.ids.forEach((id, i) => {
          const c = r.objective_statuses![i] as keyof typeof STATUS | undefined;
          if (c && STATUS[c]) objectives[id] = STATUS[c];
        });
      }
      return {
        organisationId: r.id,
        name: r.name,
        kind: r.kind,
        category: r.category,
        department: r.department,
        regionCode: r.region_code,
        status: (r.status ?? 'none') as 'none' | (typeof ASSESSMENT_STATUSES)[number],
        score: r.score_permyriad === null || r.score_permyriad === undefined ? null : r.score_permyriad / 10_000,
        objectivesReached: r.objectives_reached ?? null,
        objectivesApplicable: r.objectives_applicable ?? null,
        snapshotAt: r.at ?? null,
        objectives,
      };
    });
    const newest = await newestReferential(db, key);
    const titleOf = (id: string) =>
      [...orders.values()].find((o) => o.titles.has(id))?.titles.get(id) ??
      (newest ? indexReferential(newest).objectives.get(id)?.objective.title : undefined) ??
      id;
    return {
      referential: { id: key, version: newest?.version ?? null },
      counts: counts(total),
      groups: [...groups.entries()]
        .map(([k, t]) => ({
          key: k,
          ...counts(t),
          meanScore: t.scoreCount === 0 ? null : t.scoreSum / t.scoreCount / 10_000,
          objectives: sharesOut(t),
        }))
        .sort((a, b) => (a.meanScore ?? -1) - (b.meanScore ?? -1) || a.key.localeCompare(b.key)),
      objectives: sharesOut(total).map((o) => ({ ...o, title: titleOf(o.id) })),
      items,
    };
  };

  // ---- dashboards ---------------------------------------------------------------------------------
  app.get(
    '/organisations/:id/dashboard',
    {
      // Statuses and scores only: no answer, comment or evidence leaves the establishment here.
      config: { access: access.on('assessment.read', idFrom('params', 'id')) },
      // Tens of thousands of rows built by our own mapping: the schema documents the answer, plain JSON writes
      // it (as for the organisation subtree, re-validating every row would dominate the response time).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['dashboard'],
        params: IdParams,
        querystring: DashboardQuery,
        response: {
          200: z.object({
            referential: z.object({ id: z.string(), version: z.number().nullable() }),
            groups: z.array(
              z.object({
                key: z.string(),
                organisations: z.number(),
                assessed: z.number(),
                submitted: z.number(),
                signed: z.number(),
                meanScore: z.number().nullable(),
                objectives: z.array(ObjectiveShare),
              }),
            ),
            counts: z.object({
              organisations: z.number(),
              assessed: z.number(),
              submitted: z.number(),
              signed: z.number(),
            }),
            objectives: z.array(ObjectiveShare.extend({ title: z.string() })),
            items: z.array(
              z.object({
                organisationId: z.number(),
                name: z.string(),
                kind: z.string(),
                category: z.string().nullable(),
                department: z.string().nullable(),
                regionCode: z.string().nullable(),
                status: z.enum(['none', ...ASSESSMENT_STATUSES]),
                score: z.number().nullable(),
                objectivesReached: z.number().nullable(),
                objectivesApplicable: z.number().nullable(),
                snapshotAt: z.string().nullable(),
                objectives: z.record(z.string(), z.enum(['reached', 'not_reached', 'not_applicable'])),
              }),
            ),
          }),
        },
      },
    },
    async (request) => dashboardOf(request, request.query),
  );

  app.get(
    '/organisations/:id/dashboard.csv',
    {
      // The same statuses and scores as the dashboard, every establishment of the subtree, laggards first.
      config: { access: access.on('assessment.read', idFrom('params', 'id')) },
      serializerCompiler: () => (data) => data as string,
      schema: {
        tags: ['dashboard'],
        params: IdParams,
        querystring: DashboardQuery.omit({ limit: true, groupBy: true }),
        response: { 200: z.string() },
      },
    },
    async (request, reply) => {
      const data = await dashboardOf(request, { ...request.query, limit: 50_000 });
      const objectiveIds = data.objectives.map((o) => o.id);
      const STATUS_FR = { reached: 'atteint', not_reached: 'non atteint', not_applicable: 'non applicable' } as const;
      const PROGRESS_FR = {
        none: 'non commencée',
        draft: 'brouillon',
        submitted: 'soumise',
        signed: 'signée',
      } as const;
      const header = [
        'Identifiant',
        'Établissement',
        'Type',
        'Catégorie',
        'Département',
        'Région',
        'Statut',
        'Score (%)',
        'Objectifs atteints',
        'Objectifs applicables',
        'Date du dernier instantané',
        ...objectiveIds,
      ];
      const lines = [header.map((h) => csvField(h, ';')).join(';')];
      for (const item of data.items) {
        lines.push(
          [
            item.organisationId,
            item.name,
            item.kind,
            item.category,
            item.department,
            item.regionCode,
            PROGRESS_FR[item.status],
            item.score === null ? null : Math.round(item.score * 1000) / 10,
            item.objectivesReached,
            item.objectivesApplicable,
            item.snapshotAt,
            ...objectiveIds.map((id) => (item.objectives[id] ? STATUS_FR[item.objectives[id]] : null)),
          ]
            .map((v) => csvField(v, ';'))
            .join(';'),
        );
      }
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="tableau-de-bord-${request.params.id}.csv"`);
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },
  );
};
