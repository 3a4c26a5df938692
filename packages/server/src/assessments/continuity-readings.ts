import {
  activityEntitySchema,
  backupInfrastructureSchema,
  type ContinuityDossier,
  continuityDocumentSchema,
  continuityGraphSchema,
  d2Readings,
  datasetSchema,
  exerciseSchema,
  type IndicatorReading,
} from '@rempart/core';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { listRecords, loadRecord, SINGLETON } from '../continuity/queries.js';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The continuity dossier of an organisation as stored, or null when it has none or a record no longer parses. */
async function storedDossier(db: Db, organisationId: number): Promise<ContinuityDossier | null> {
  const [graph, datasets, exercises, documents, infrastructure, entities] = await Promise.all([
    loadRecord(db, organisationId, 'graph', SINGLETON),
    listRecords(db, organisationId, 'dataset'),
    listRecords(db, organisationId, 'exercise'),
    listRecords(db, organisationId, 'document'),
    loadRecord(db, organisationId, 'backup_infrastructure', SINGLETON),
    loadRecord(db, organisationId, 'entities', SINGLETON),
  ]);
  const parsed = z
    .object({
      graph: continuityGraphSchema,
      datasets: z.array(datasetSchema),
      exercises: z.array(exerciseSchema),
      documents: z.array(continuityDocumentSchema),
      backupInfrastructure: backupInfrastructureSchema.optional(),
      entities: z.array(activityEntitySchema),
    })
    .safeParse({
      graph: graph ?? { activities: [], components: [], dependencies: [] },
      datasets,
      exercises,
      documents,
      backupInfrastructure: infrastructure,
      entities: entities ?? [],
    });
  return parsed.success ? (parsed.data as ContinuityDossier) : null;
}

/**
 * The D2 indicators of the organisation's continuity records as pre-fill readings (see `d2Readings`), measured at
 * the last change of those records. Empty when the organisation keeps no continuity data in Rempart.
 */
export async function continuityReadings(db: Db, organisationId: number, today: string): Promise<IndicatorReading[]> {
  const last = await db
    .selectFrom('continuity_record')
    .select((eb) => eb.fn.max('updated_at').as('at'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!last?.at) return [];
  const dossier = await storedDossier(db, organisationId);
  if (!dossier) return [];
  return d2Readings(dossier, { asOf: today }, { tool: 'continuity', observedAt: last.at });
}
