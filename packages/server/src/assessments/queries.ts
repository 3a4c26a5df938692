import {
  type Answer,
  type Answers,
  type AssessmentScore,
  answerSchema,
  CareError,
  checkAnswers,
  ESTABLISHMENT_CATEGORIES,
  type EstablishmentCategory,
  type Referential,
  ROADMAP_STATUSES,
  type RoadmapEdit,
  scoreAssessment,
} from '@rempart/core';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { ownerOfRow } from '../access/plugin.js';
import { markLatest } from '../dashboard/status.js';
import type { Database } from '../db/schema.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { referentialOfRow } from './referentials.js';

type Db = Kysely<Database> | Transaction<Database>;

export const ASSESSMENT_STATUSES = ['draft', 'submitted', 'signed'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/** Where a pre-filled answer comes from, and who confirmed it. */
export const prefillSourceSchema = z.object({
  tool: z.string(),
  indicator: z.string(),
  value: z.union([z.boolean(), z.number(), z.string()]),
  observedAt: z.string(),
  /** The result or indicator it was read from (e.g. `résultat n° 12`, `indicateur D2.O4 — …`). */
  reference: z.string().optional(),
  /** A person checked the pre-filled answer and kept it. */
  confirmedBy: z.object({ id: z.number(), name: z.string() }).optional(),
  confirmedAt: z.string().optional(),
});

/** One stored answer: the answer itself (null when cleared), the respondent's comment, who and when. */
export const storedAnswerSchema = z.object({
  answer: answerSchema.nullable(),
  comment: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.number().nullable(),
  /** Set when the answer was pre-filled from a technical indicator, until a person changes the answer. */
  source: prefillSourceSchema.optional(),
  /** The pre-filled answer a person replaced, kept as a trace: what it said, its source, who changed it and when. */
  replacedPrefill: z
    .object({
      answer: answerSchema.nullable(),
      source: prefillSourceSchema,
      replacedAt: z.string(),
      replacedBy: z.number().nullable(),
    })
    .optional(),
});
export type StoredAnswer = z.infer<typeof storedAnswerSchema>;
const storedAnswersSchema = z.record(z.string(), storedAnswerSchema);

export interface LoadedAssessment {
  id: number;
  organisationId: number;
  referentialVersionId: number;
  referential: Referential;
  category: EstablishmentCategory;
  status: AssessmentStatus;
  revision: number;
  answers: Record<string, StoredAnswer>;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  signedAt: string | null;
}

export async function loadAssessment(db: Db, id: number): Promise<LoadedAssessment> {
  const row = await db.selectFrom('assessment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('évaluation');
  return {
    id: row.id,
    organisationId: row.organisation_id,
    referentialVersionId: row.referential_version_id,
    referential: await referentialOfRow(db, row.referential_version_id),
    category: row.category as EstablishmentCategory,
    status: row.status as AssessmentStatus,
    revision: row.revision,
    answers: storedAnswersSchema.parse(JSON.parse(row.answers)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    signedAt: row.signed_at,
  };
}

/** The organisation an assessment belongs to, for the access rule of `/assessments/:id` routes. */
/**
 * What a write keeps of a pre-filled answer: its source while the answer itself is unchanged (a comment, the
 * same answer again); once a person changes the answer, a trace of the pre-fill it replaced.
 */
export function traceOfPrefill(
  before: StoredAnswer | undefined,
  answer: Answer | null | undefined,
  at: string,
  userId: number | null,
): Pick<StoredAnswer, 'source' | 'replacedPrefill'> {
  if (!before) return {};
  const kept = before.replacedPrefill ? { replacedPrefill: before.replacedPrefill } : {};
  if (!before.source) return kept;
  if (answer === undefined || JSON.stringify(answer) === JSON.stringify(before.answer)) {
    return { source: before.source, ...kept };
  }
  return { replacedPrefill: { answer: before.answer, source: before.source, replacedAt: at, replacedBy: userId } };
}

/** Access resolver of `/assessments/:id…` routes: the organisation owning the assessment. */
export const assessmentOrg = ownerOfRow('assessment', 'évaluation');

/** Only the answers, as the scoring reads them. */
export function answersOf(assessment: LoadedAssessment): Answers {
  const out: Record<string, Answers[string]> = {};
  for (const [id, stored] of Object.entries(assessment.answers)) if (stored.answer) out[id] = stored.answer;
  return out;
}

/** Domain errors of the core mapped to 400 with their stable code. */
export function fromCare<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CareError) throw badRequest(error.code, error.message);
    throw error;
  }
}

export function scoreOf(assessment: LoadedAssessment): AssessmentScore {
  return fromCare(() => scoreAssessment(assessment.referential, answersOf(assessment), assessment.category));
}

export function checkAnswersAgainst(referential: Referential, answers: Answers): void {
  fromCare(() => {
    checkAnswers(referential, answers);
    scoreAssessment(referential, answers, 'public');
  });
}

/** The establishment category of a node: its own, else the nearest ancestor's. */
export async function categoryOfNode(db: Db, organisationId: number): Promise<EstablishmentCategory | null> {
  const node = await db
    .selectFrom('organisation')
    .select(['path', 'category'])
    .where('id', '=', organisationId)
    .executeTakeFirstOrThrow();
  if (node.category) return node.category as EstablishmentCategory;
  const ancestorIds = node.path.split('/').filter(Boolean).map(Number).reverse();
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'category'])
    .where('id', 'in', ancestorIds)
    .where('category', 'is not', null)
    .execute();
  for (const id of ancestorIds) {
    const found = rows.find((r) => r.id === id)?.category;
    if (found && (ESTABLISHMENT_CATEGORIES as readonly string[]).includes(found)) return found as EstablishmentCategory;
  }
  return null;
}

export async function roadmapEdits(db: Db, assessmentId: number): Promise<RoadmapEdit[]> {
  const rows = await db.selectFrom('roadmap_edit').selectAll().where('assessment_id', '=', assessmentId).execute();
  return rows.map((r) => ({
    measureId: r.measure_id,
    owner: r.owner,
    dueDate: r.due_date,
    status: (ROADMAP_STATUSES as readonly string[]).includes(r.status) ? (r.status as RoadmapEdit['status']) : 'todo',
    costBuild: r.cost_build,
    costRun: r.cost_run,
  }));
}

/** Refuses a write that was prepared on an older revision: the caller must reload and merge. */
export function revisionConflict(current: number, sent: number): AppError {
  return new AppError(
    'revision_conflict',
    `l'évaluation a été modifiée entre-temps (révision ${current}, votre version ${sent}) : rechargez-la, vos saisies non enregistrées sont à reporter`,
    409,
  );
}

/**
 * Writes an assessment's answers as revision `revision + 1`, only if it is still at `revision`: the WHERE clause
 * makes the check and the write one atomic step, and a writer that lost the race gets a 409.
 */
export async function writeAnswers(
  trx: Transaction<Database>,
  assessmentId: number,
  revision: number,
  answers: Record<string, unknown>,
  at: string,
): Promise<void> {
  const updated = await trx
    .updateTable('assessment')
    .set({ answers: JSON.stringify(answers), revision: revision + 1, updated_at: at })
    .where('id', '=', assessmentId)
    .where('revision', '=', revision)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw revisionConflict(revision + 1, revision);
}

/** The snapshot row written at a submission, from the scores of the moment. */
export function snapshotValues(assessment: LoadedAssessment, score: AssessmentScore, at: string) {
  return {
    assessment_id: assessment.id,
    organisation_id: assessment.organisationId,
    referential_key: score.referential.id,
    referential_version: score.referential.version,
    at,
    score_permyriad: score.overall.score === null ? null : Math.round(score.overall.score * 10_000),
    objectives_reached: score.overall.objectivesReached,
    objectives_applicable: score.overall.objectivesApplicable,
    objective_statuses: score.objectives
      .map((o) => (o.status === 'reached' ? 'R' : o.status === 'not_reached' ? 'N' : '-'))
      .join(''),
    detail: JSON.stringify({
      axes: score.axes.map((a) => ({ id: a.id, score: a.score })),
      objectives: score.objectives.map((o) => ({ id: o.id, status: o.status, score: o.score })),
    }),
  };
}

/** Points the dashboards at an organisation's current assessment (status row kept by the dashboard module). */
export { markLatest } from '../dashboard/status.js';

/** Creates an empty draft of an organisation on one referential version and makes it its latest; returns its id. */
export async function insertDraft(
  trx: Transaction<Database>,
  draft: {
    organisationId: number;
    versionId: number;
    referentialKey: string;
    category: string;
    userId: number;
    at: string;
  },
): Promise<number> {
  const { id } = await trx
    .insertInto('assessment')
    .values({
      organisation_id: draft.organisationId,
      referential_version_id: draft.versionId,
      category: draft.category,
      status: 'draft',
      revision: 0,
      answers: '{}',
      created_at: draft.at,
      created_by: draft.userId,
      updated_at: draft.at,
      submitted_at: null,
      submitted_by: null,
      signed_at: null,
      signed_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await markLatest(trx, {
    organisationId: draft.organisationId,
    referentialKey: draft.referentialKey,
    assessmentId: id,
    status: 'draft',
  });
  return id;
}
