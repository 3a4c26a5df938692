import { csvField, ESTABLISHMENT_CATEGORIES } from '@rempart/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Kysely, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { access, idFrom } from '../access/plugin.js';
import { ASSESSMENT_STATUSES } from '../assessments/queries.js';
import { findReferential, listReferentials } from '../assessments/referentials.js';
import { IdParams, referentialKey } from '../http/schemas.js';
import { subtreeRange } from '../organisations/queries.js';
import { type DashboardDatabase, PACKED, PACKED_OBJECTIVES, packedColumn, unpackCounts } from './status.js';

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
type Order = { ids: string[]; titles: Map<string, string> };
/** The establishment-level nodes every dashboard lists, assessed or not. */
const ESTABLISHMENT_KINDS = ['legal_entity', 'site'];
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

  // Objective order of each referential version: immutable once stored, so cached for this app (one database).
  const orderCache = new Map<string, Order>();
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
  const dash = db as unknown as Kysely<DashboardDatabase>;

  /**
   * The subtree dashboard, aggregated by the database over the status rows (`assessment_latest`, see
   * `status.ts`): one GROUP BY (group column × referential version) gives the counts, score sums and one
   * integer sum per objective (reached and applicable packed); two LIMIT queries give the laggards — those
   * without any assessment (by id), then the status rows walked in `rank_score` order on its index.
   */
  const dashboardOf = async (request: FastifyRequest, q: DashboardQuery) => {
    const { referential: key, category, department, limit, groupBy } = q;
    const [from, to] = subtreeRange(request.organisation!.path);
    // The subtree and the filters, on the organisation aliased `o` in every query below.
    const filters = [
      ...(category ? [sql`${sql.ref('o.category')} = ${category}`] : []),
      ...(department ? [sql`${sql.ref('o.department')} = ${department}`] : []),
    ];
    // The root's subtree is the whole tree: no range, so the database scans instead of walking the path index.
    const isRoot = request.organisation!.path === `/${request.organisation!.id}/`;
    const range = isRoot ? [] : [sql`${sql.ref('o.path')} >= ${from}`, sql`${sql.ref('o.path')} < ${to}`];
    const scope = sql<SqlBool>`${sql.join([...range, ...filters, sql`1 = 1`], sql` and `)}`;
    // The filters without the subtree range: where the range comes from a group's path instead.
    const filtered = filters.length ? sql<SqlBool>`${sql.join(filters, sql` and `)}` : sql<SqlBool>`1 = 1`;
    // Group files (an assessment held by a group node, for all its members) that can cover this scope: on a
    // group inside the subtree or on the group above it. Without any, every row is read from its own status.
    const ancestors = request.organisation!.path.split('/').filter(Boolean).map(Number);
    const groupFiles = await dash
      .selectFrom('organisation as o')
      .innerJoin('assessment_latest as l', (join) =>
        join.onRef('l.organisation_id', '=', 'o.id').on('l.referential_key', '=', key),
      )
      .select(['o.id', 'o.name'])
      .where('o.kind', '=', 'group')
      .where((eb) => eb.or([eb.and([eb('o.path', '>=', from), eb('o.path', '<', to)]), eb('o.id', 'in', ancestors)]))
      .execute();
    const groupIds = groupFiles.map((g) => g.id);
    const groupNames = new Map(groupFiles.map((g) => [g.id, g.name]));
    const coverage = groupIds.length > 0;

    // A site without a file of its own is answered for by its legal entity's file when that one has one (the
    // CaRE questionnaire is filled per legal entity); only otherwise by a group file.
    const parentHasFile = sql<SqlBool>`${sql.ref('o.kind')} = 'site' and exists (select 1 from assessment_latest as pf where pf.organisation_id = ${sql.ref('o.parent_id')} and pf.referential_key = ${key})`;
    const notParentCovered = sql<SqlBool>`not (${parentHasFile})`;
    // Every establishment-level node of the scope, once, with its own status row (`l`).
    const establishments = () =>
      dash
        .selectFrom('organisation as o')
        .leftJoin('assessment_latest as l', (join) =>
          join.onRef('l.organisation_id', '=', 'o.id').on('l.referential_key', '=', key),
        )
        .where(scope)
        .where('o.kind', 'in', ESTABLISHMENT_KINDS);
    // The members without a file of their own under a group file (`g`). Groups sit right under regions and never
    // nest: either the scope lies inside one group (its file covers every member of the scope), or the groups
    // lie inside the scope and each one's members are found by a range on the path index from the few files.
    const enclosing = groupFiles.find((g) => g.id !== request.organisation!.id && ancestors.includes(g.id));
    const coveredMembers = () =>
      enclosing
        ? establishments()
            .innerJoin('assessment_latest as g', (join) =>
              join.on('g.organisation_id', '=', enclosing.id).on('g.referential_key', '=', key),
            )
            .where('l.organisation_id', 'is', null)
            .where(notParentCovered)
        : dash
            .selectFrom('assessment_latest as g')
            .innerJoin('organisation as gp', 'gp.id', 'g.organisation_id')
            .innerJoin('organisation as o', (join) =>
              join
                .on(sql<SqlBool>`${sql.ref('o.path')} > ${sql.ref('gp.path')}`)
                .on(
                  sql<SqlBool>`${sql.ref('o.path')} < substr(${sql.ref('gp.path')}, 1, length(${sql.ref('gp.path')}) - 1) || '0'`,
                ),
            )
            .leftJoin('assessment_latest as l', (join) =>
              join.onRef('l.organisation_id', '=', 'o.id').on('l.referential_key', '=', key),
            )
            .where('g.referential_key', '=', key)
            .where('gp.id', 'in', groupIds)
            // Inside the scope by construction; the subtree range here would be taken for the index range.
            .where(filtered)
            .where('o.kind', 'in', ESTABLISHMENT_KINDS)
            .where('l.organisation_id', 'is', null)
            .where(notParentCovered);
    // The sites without a file of their own whose legal entity (`g`) holds one.
    const parentCovered = () =>
      establishments()
        .innerJoin('assessment_latest as g', (join) =>
          join.onRef('g.organisation_id', '=', 'o.parent_id').on('g.referential_key', '=', key),
        )
        .where('o.kind', '=', 'site')
        .where('l.organisation_id', 'is', null);
    // Not answered for by a group file: a legal entity whose parent, or a site whose grandparent, holds none.
    const notCovered = sql<SqlBool>`not ((${sql.ref('o.kind')} = 'legal_entity' and ${sql.ref('o.parent_id')} in (${sql.join(groupIds)})) or (${sql.ref('o.kind')} = 'site' and exists (select 1 from organisation as p where p.id = ${sql.ref('o.parent_id')} and p.parent_id in (${sql.join(groupIds)}))))`;

    /** The columns of a dashboard row, read from the status row aliased `from` (`l` own, `g` group file). */
    const rowColumns = (from: 'l' | 'g') => {
      const ref = <T>(name: string) => sql<T>`${sql.ref(`${from}.${name}`)}`.as(name);
      return [
        'o.id',
        'o.name',
        'o.kind',
        'o.category',
        'o.department',
        'o.region_code',
        ref<string | null>('status'),
        ref<number | null>('score_permyriad'),
        ref<number | null>('objectives_reached'),
        ref<number | null>('objectives_applicable'),
        ref<string | null>('snapshot_at'),
        ref<number | null>('referential_version'),
        ref<string | null>('objective_statuses'),
        ref<number | null>('rank_score'),
        from === 'g'
          ? sql<number | null>`${sql.ref('g.organisation_id')}`.as('covered_by')
          : sql<number | null>`null`.as('covered_by'),
      ] as const;
    };
    type Row = {
      id: number;
      name: string;
      kind: string;
      category: string | null;
      department: string | null;
      region_code: string | null;
      status: string | null;
      score_permyriad: number | null;
      objectives_reached: number | null;
      objectives_applicable: number | null;
      snapshot_at: string | null;
      referential_version: number | null;
      objective_statuses: string | null;
      rank_score: number | null;
      covered_by: number | null;
    };

    // Laggards first: establishments without any assessment (by id), then drafts, then the lowest scores — own
    // files walked on the `rank_score` index, covered members by their group file's; merged, then cut.
    let missing = establishments().where('l.organisation_id', 'is', null).where(notParentCovered);
    if (coverage) missing = missing.where(enclosing ? sql<SqlBool>`1 = 0` : notCovered);
    // The selections are raw expressions (aliased `l` or `g`): their values are typed by `Row`.
    const asRows = (rows: unknown) => rows as Row[];
    const missingPending = missing.select(rowColumns('l')).orderBy('o.id').limit(limit).execute().then(asRows);
    const rankedPending = dash
      .selectFrom('assessment_latest as l')
      .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
      .where('l.referential_key', '=', key)
      .where(scope)
      .where('o.kind', 'in', ESTABLISHMENT_KINDS)
      .select(rowColumns('l'))
      .orderBy('l.rank_score')
      .orderBy('l.organisation_id')
      .limit(limit)
      .execute()
      .then(asRows);
    const coveredPending: Promise<Row[]> = coverage
      ? coveredMembers()
          .select(rowColumns('g'))
          .orderBy('g.rank_score')
          .orderBy('o.id')
          .limit(limit)
          .execute()
          .then(asRows)
      : Promise.resolve([]);
    const sitesPending = parentCovered()
      .select(rowColumns('g'))
      .orderBy('g.rank_score')
      .orderBy('o.id')
      .limit(limit)
      .execute()
      .then(asRows);
    const rowsPending = Promise.all([missingPending, rankedPending, coveredPending, sitesPending]).then(
      ([m, r, c, s]) =>
        [...m, ...[...r, ...c, ...s].sort((x, y) => (x.rank_score ?? -1) - (y.rank_score ?? -1) || x.id - y.id)].slice(
          0,
          limit,
        ),
    );
    // Awaited below; a failure of the aggregate first must not leave this rejection unhandled.
    rowsPending.catch(() => undefined);

    const versions = (await listReferentials(db)).filter((r) => r.id === key).map((r) => r.version);
    const orders = new Map<number, Order>();
    for (const version of versions.sort((a, b) => a - b)) orders.set(version, await orderOf(key, version));
    const positions = Math.max(0, ...[...orders.values()].map((o) => o.ids.length));
    const column = groupBy
      ? ({ region: 'o.region_code', department: 'o.department', category: 'o.category' } as const)[groupBy]
      : null;
    /**
     * Counts, score sums and one integer sum per objective position (reached and applicable packed, see
     * status.ts; past the packed positions, from the status string) over the status rows aliased `from`.
     */
    const sums = (from: 'l' | 'g') => {
      const ref = (name: string) => sql.ref(`${from}.${name}`);
      const statuses = ref('objective_statuses');
      return [
        column ? sql<string | null>`${sql.ref(column)}`.as('group_key') : sql<null>`null`.as('group_key'),
        sql<number | null>`${ref('referential_version')}`.as('referential_version'),
        from === 'l' ? sql<number | string>`count(*)`.as('organisations') : sql<number>`0`.as('organisations'),
        sql<number | string>`count(${ref('organisation_id')})`.as('assessed'),
        from === 'g' ? sql<number | string>`count(*)`.as('covered') : sql<number>`0`.as('covered'),
        sql<number | string>`count(${ref('snapshot_at')})`.as('submitted'),
        sql<number | string>`sum(case when ${ref('status')} = 'signed' then 1 else 0 end)`.as('signed'),
        sql<number | string | null>`sum(${ref('score_permyriad')})`.as('score_sum'),
        sql<number | string>`count(${ref('score_permyriad')})`.as('score_count'),
        ...Array.from({ length: Math.min(positions, PACKED_OBJECTIVES) }, (_, i) =>
          sql<number | string | null>`sum(${ref(packedColumn(i))})`.as(`p${i}`),
        ),
        ...Array.from({ length: Math.max(0, positions - PACKED_OBJECTIVES) }, (_, j) => {
          const at = sql.lit(PACKED_OBJECTIVES + j + 1);
          return sql<
            number | string
          >`sum(case when substr(${statuses}, ${at}, 1) = 'R' then ${sql.lit(PACKED.reached)} when substr(${statuses}, ${at}, 1) = 'N' then ${sql.lit(PACKED.notReached)} else 0 end)`.as(
            `p${PACKED_OBJECTIVES + j}`,
          );
        }),
      ] as const;
    };
    const groupKeys = (from: 'l' | 'g') => [
      ...(column ? [sql.ref(column)] : []),
      sql.ref(`${from}.referential_version`),
    ];
    const [ownAggregates, coveredAggregates, siteAggregates] = await Promise.all([
      establishments().select(sums('l')).groupBy(groupKeys('l')).execute(),
      coverage ? coveredMembers().select(sums('g')).groupBy(groupKeys('g')).execute() : Promise.resolve([]),
      parentCovered().select(sums('g')).groupBy(groupKeys('g')).execute(),
    ]);
    const aggregates = [...ownAggregates, ...coveredAggregates, ...siteAggregates];
    type Totals = {
      organisations: number;
      assessed: number;
      covered: number;
      submitted: number;
      signed: number;
      scoreSum: number;
      scoreCount: number;
      shares: Map<string, { reached: number; applicable: number }>;
    };
    const empty = (): Totals => ({
      organisations: 0,
      assessed: 0,
      covered: 0,
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
      t.covered += Number(a.covered);
      t.submitted += Number(a.submitted);
      t.signed += Number(a.signed);
      t.scoreSum += Number(a.score_sum ?? 0);
      t.scoreCount += Number(a.score_count);
      const order = a.referential_version ? orders.get(Number(a.referential_version)) : undefined;
      order?.ids.forEach((id, i) => {
        const { reached, applicable } = unpackCounts(Number(row[`p${i}`] ?? 0));
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
      covered: t.covered,
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
    // Names of the covering legal entities (the group files' are known).
    const coveringIds = [...new Set(rows.map((r) => r.covered_by).filter((id) => id !== null && !groupNames.has(id)))];
    const coveringNames = new Map(groupNames);
    if (coveringIds.length > 0)
      for (const o of await dash
        .selectFrom('organisation')
        .select(['id', 'name'])
        .where('id', 'in', coveringIds as number[])
        .execute())
        coveringNames.set(o.id, o.name);
    const STATUS = { R: 'reached', N: 'not_reached', '-': 'not_applicable' } as const;
    const items = rows.map((r) => {
      const objectives: Record<string, 'reached' | 'not_reached' | 'not_applicable'> = {};
      const version = r.referential_version === null ? null : Number(r.referential_version);
      const order = version ? orders.get(version) : undefined;
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
        snapshotAt: r.snapshot_at ?? null,
        coveredBy:
          r.covered_by === null ? null : { organisationId: r.covered_by, name: coveringNames.get(r.covered_by) ?? '' },
        objectives,
      };
    });
    // Titles from the newest version first (a renamed objective shows its current title).
    const newestFirst = [...orders.values()].reverse();
    const titleOf = (id: string) => newestFirst.find((o) => o.titles.has(id))?.titles.get(id) ?? id;
    return {
      referential: { id: key, version: versions.length ? Math.max(...versions) : null },
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
                covered: z.number(),
                submitted: z.number(),
                signed: z.number(),
                meanScore: z.number().nullable(),
                objectives: z.array(ObjectiveShare),
              }),
            ),
            counts: z.object({
              organisations: z.number(),
              assessed: z.number(),
              covered: z.number(),
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
                /** Set when the establishment has no file of its own and its group's file answers for it. */
                coveredBy: z.object({ organisationId: z.number(), name: z.string() }).nullable(),
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
        'Couvert par le dossier de',
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
            item.coveredBy?.name ?? null,
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
