import { withFinessKey } from '@rempart/core';
import type { Kysely } from 'kysely';
import type { Role } from '../src/access/roles.js';
import { hashPassword } from '../src/auth/passwords.js';
import type { Database } from '../src/db/schema.js';
import { insertNode } from '../src/organisations/queries.js';
import { insertGrant, insertUser } from '../src/users/queries.js';
import { Client, type TestServer } from './harness.js';

export const PASSWORD = 'correct horse battery staple';

/**
 * A small tree with two branches: nation → ARA → GHT → EJ A → site A, and nation → BRE → EJ B → site B.
 * Branch A is where every test role is granted; branch B is outside every non-national role's subtree.
 */
export async function buildTree(db: Kysely<Database>) {
  const nation = await insertNode(db, { parentId: null, kind: 'nation', name: 'France' });
  const ara = await insertNode(db, {
    parentId: nation.id,
    kind: 'region',
    name: 'ARS Auvergne-Rhône-Alpes',
    regionCode: 'ARA',
  });
  const bre = await insertNode(db, { parentId: nation.id, kind: 'region', name: 'ARS Bretagne', regionCode: 'BRE' });
  const ght = await insertNode(db, { parentId: ara.id, kind: 'group', name: 'GHT Test' });
  const ejA = await insertNode(db, {
    parentId: ght.id,
    kind: 'legal_entity',
    name: 'CH A',
    finess: withFinessKey('69000100'),
    category: 'public',
  });
  const siteA = await insertNode(db, {
    parentId: ejA.id,
    kind: 'site',
    name: 'CH A — site principal',
    finess: withFinessKey('69000101'),
  });
  const ejB = await insertNode(db, {
    parentId: bre.id,
    kind: 'legal_entity',
    name: 'CH B',
    finess: withFinessKey('35000100'),
    category: 'public',
  });
  const siteB = await insertNode(db, {
    parentId: ejB.id,
    kind: 'site',
    name: 'CH B — site principal',
    finess: withFinessKey('35000101'),
  });
  return { nation, ara, bre, ght, ejA, siteA, ejB, siteB };
}
export type Tree = Awaited<ReturnType<typeof buildTree>>;

let cachedHash: Promise<string> | undefined;

export async function createUser(
  db: Kysely<Database>,
  email: string,
  grants: Array<{ role: Role; organisationId: number; detailedFindings?: boolean }>,
): Promise<number> {
  cachedHash ??= hashPassword(PASSWORD);
  const id = await insertUser(db, { email, displayName: email.split('@')[0]!, passwordHash: await cachedHash });
  for (const g of grants) await insertGrant(db, { userId: id, ...g });
  return id;
}

/** A client signed in (password only) as an account made by `createUser`. */
export async function signIn(server: TestServer, email: string): Promise<Client> {
  const client = new Client(server.app);
  await client.login(email, PASSWORD);
  return client;
}

/** Where each role is granted in the test tree (branch A). */
export function homeOf(role: Role, tree: Tree): number {
  switch (role) {
    case 'national_admin':
    case 'national_analyst':
      return tree.nation.id;
    case 'regional_referent':
      return tree.ara.id;
    case 'group_rssi':
      return tree.ght.id;
    default:
      return tree.ejA.id;
  }
}
