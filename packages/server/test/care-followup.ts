import type { Kysely } from 'kysely';
import type { DialectName } from '../src/db/connect.js';
import type { Database } from '../src/db/schema.js';
import { buildTree, createUser, signIn, type Tree } from './fixtures.js';
import { type Client, startTestServer, type TestServer } from './harness.js';

/** Accounts of the CaRE follow-up suites: on CH A (branch A), the region above it, and CH B (branch B). */
export interface CareWorld {
  server: TestServer;
  db: Kysely<Database>;
  tree: Tree;
  ids: { rssi: number; director: number; contributor: number; referent: number; outsider: number };
  rssi: Client;
  director: Client;
  contributor: Client;
  referent: Client;
  outsider: Client;
}

/** A server on `dialect` with the test tree, one account per actor of a CaRE assessment, each signed in. */
export async function careWorld(dialect: DialectName): Promise<CareWorld> {
  const server = await startTestServer(dialect);
  const db = server.handle.db;
  const tree = await buildTree(db);
  const ids = {
    rssi: await createUser(db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]),
    director: await createUser(db, 'dir@cha.fr', [{ role: 'establishment_director', organisationId: tree.ejA.id }]),
    contributor: await createUser(db, 'contrib@site-a.fr', [{ role: 'contributor', organisationId: tree.siteA.id }]),
    referent: await createUser(db, 'ars@ara.fr', [{ role: 'regional_referent', organisationId: tree.ara.id }]),
    outsider: await createUser(db, 'rssi@chb.fr', [{ role: 'establishment_rssi', organisationId: tree.ejB.id }]),
  };
  return {
    server,
    db,
    tree,
    ids,
    rssi: await signIn(server, 'rssi@cha.fr'),
    director: await signIn(server, 'dir@cha.fr'),
    contributor: await signIn(server, 'contrib@site-a.fr'),
    referent: await signIn(server, 'ars@ara.fr'),
    outsider: await signIn(server, 'rssi@chb.fr'),
  };
}

/** A fresh CaRE assessment of site A, created through the API. */
export async function newAssessment(world: CareWorld, organisationId = world.tree.siteA.id): Promise<number> {
  const r = await world.rssi.post(`/api/organisations/${organisationId}/assessments`, { referentialId: 'care' });
  if (r.status !== 201) throw new Error(`assessment not created: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as number;
}

/** Audit actions recorded on one assessment, oldest first. */
export async function auditActions(db: Kysely<Database>, assessmentId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_event')
    .select('action')
    .where('object_type', '=', 'assessment')
    .where('object_id', '=', String(assessmentId))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}
