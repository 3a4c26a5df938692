import type { Kysely, Transaction } from 'kysely';
import type { AssessmentLatestTable, Database } from '../db/schema.js';

/**
 * Each organisation's current status per referential (`assessment_latest`), with its last snapshot copied in
 * a form the database aggregates cheaply: one integer column per objective position packing "reached" and
 * "applicable" as `reached + applicable × 2^26`, so the share of an objective reached over a subtree is ONE
 * integer SUM per objective (decoded by `unpackCounts`), and `rank_score` (the score, −1 before any
 * submission) indexed for "laggards first". Rows are keyed by organisation id only: the tree position,
 * region, department and category are always read from `organisation`, so moving a node needs no upkeep.
 *
 * 2^26 per field keeps a column below 2^52 and a sum over fewer than 2^26 establishments below 2^53: exact
 * as a JavaScript number on both databases.
 */
export const PACKED_OBJECTIVES = 24;
const FIELD = 2 ** 26;
/** The packed value of one objective: reached (counts in both fields), not reached (applicable only). */
export const PACKED = { reached: 1 + FIELD, notReached: FIELD } as const;

export interface LatestStatusColumns {
  referential_version: number | null;
  snapshot_at: string | null;
  score_permyriad: number | null;
  objectives_reached: number | null;
  objectives_applicable: number | null;
  objective_statuses: string | null;
  /** The score × 10,000, −1 while nothing was submitted: "laggards first" is an index walk on it. */
  rank_score: number;
  /** Objective at position i of the snapshot's referential version: `reached + applicable × 2^26`. */
  [packed: `p${number}`]: number;
}

/** The schema as the dashboard sees it: `assessment_latest` with the columns of migration 0009. */
export type DashboardDatabase = Omit<Database, 'assessment_latest'> & {
  assessment_latest: AssessmentLatestTable & LatestStatusColumns;
};
type Db = Kysely<Database> | Transaction<Database>;
const asDashboard = (db: Db) => db as unknown as Kysely<DashboardDatabase>;

export const packedColumn = (i: number) => `p${i}` as const;

/** The packed column values of a status string (`R` reached, `N` not reached, `-` not applicable). */
export function packStatuses(statuses: string): Record<`p${number}`, number> {
  const out: Record<`p${number}`, number> = {};
  for (let i = 0; i < PACKED_OBJECTIVES; i++) {
    const c = statuses[i];
    out[packedColumn(i)] = c === 'R' ? PACKED.reached : c === 'N' ? PACKED.notReached : 0;
  }
  return out;
}

/** Reached and applicable counts of one summed packed column. */
export function unpackCounts(sum: number): { reached: number; applicable: number } {
  const applicable = Math.floor(sum / FIELD);
  return { reached: sum - applicable * FIELD, applicable };
}

/** The status columns copied from a snapshot row. */
export function snapshotColumns(snapshot: {
  referential_version: number;
  at: string;
  score_permyriad: number | null;
  objectives_reached: number;
  objectives_applicable: number;
  objective_statuses: string | null;
}): LatestStatusColumns {
  return {
    referential_version: snapshot.referential_version,
    snapshot_at: snapshot.at,
    score_permyriad: snapshot.score_permyriad,
    objectives_reached: snapshot.objectives_reached,
    objectives_applicable: snapshot.objectives_applicable,
    objective_statuses: snapshot.objective_statuses,
    rank_score: snapshot.score_permyriad ?? -1,
    ...packStatuses(snapshot.objective_statuses ?? ''),
  };
}

/**
 * Points the dashboards at an organisation's current assessment, and when a snapshot is given (a submission)
 * copies that snapshot into the status row, in the caller's transaction.
 */
export async function markLatest(
  db: Db,
  v: {
    organisationId: number;
    referentialKey: string;
    assessmentId: number;
    status: string;
    snapshotId?: number;
  },
): Promise<void> {
  let copied: Partial<LatestStatusColumns> & { snapshot_id?: number } = {};
  if (v.snapshotId !== undefined) {
    const snapshot = await db
      .selectFrom('assessment_snapshot')
      .select(['referential_version', 'at', 'score_permyriad', 'objectives_reached', 'objectives_applicable'])
      .select('objective_statuses')
      .where('id', '=', v.snapshotId)
      .executeTakeFirstOrThrow();
    copied = { snapshot_id: v.snapshotId, ...snapshotColumns(snapshot) };
  }
  const changes = { assessment_id: v.assessmentId, status: v.status, ...copied };
  await asDashboard(db)
    .insertInto('assessment_latest')
    .values({
      organisation_id: v.organisationId,
      referential_key: v.referentialKey,
      snapshot_id: null,
      rank_score: -1,
      ...changes,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'referential_key']).doUpdateSet(changes))
    .execute();
}
