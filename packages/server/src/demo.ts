import { demoFinessExtract } from '@rempart/core';
import type { Kysely } from 'kysely';
import type { Role } from './access/roles.js';
import { appendAudit } from './audit/trail.js';
import { hashPassword } from './auth/passwords.js';
import type { Database } from './db/schema.js';
import { moveSubtree } from './organisations/move.js';
import { importFinessExtract, insertNode } from './organisations/queries.js';
import { insertGrant, insertUser } from './users/queries.js';

export const DEMO_PASSWORD = 'Rempart-demo-2026';

export interface DemoAccount {
  email: string;
  role: Role;
  organisation: string;
}

/** Creates the national node if the database has none. */
export async function ensureNation(db: Kysely<Database>) {
  const nation = await db.selectFrom('organisation').selectAll().where('kind', '=', 'nation').executeTakeFirst();
  return nation ?? insertNode(db, { parentId: null, kind: 'nation', name: 'France — niveau national' });
}

/**
 * Seeds the demo: the synthetic FINESS extract (three regions), a GHT in Auvergne-Rhône-Alpes holding three
 * legal entities, and one account per role. Does nothing when accounts already exist.
 */
export async function seedDemo(db: Kysely<Database>): Promise<DemoAccount[] | null> {
  const anyUser = await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
  if (anyUser) return null;
  const hash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    const nation = await ensureNation(trx);
    await importFinessExtract(trx, nation, demoFinessExtract());
    const ara = await trx
      .selectFrom('organisation')
      .selectAll()
      .where('kind', '=', 'region')
      .where('region_code', '=', 'ARA')
      .executeTakeFirstOrThrow();
    const ght = await insertNode(trx, { parentId: ara.id, kind: 'group', name: 'GHT Rhône Centre', regionCode: 'ARA' });
    const entities = await trx
      .selectFrom('organisation')
      .selectAll()
      .where('kind', '=', 'legal_entity')
      .where('department', '=', '69')
      .where('category', '=', 'public')
      .orderBy('id')
      .limit(3)
      .execute();
    for (const e of entities) await moveSubtree(trx, e.id, ght.id);
    const establishment = entities[0]!;
    const accounts: Array<DemoAccount & { organisationId: number; name: string }> = [
      {
        email: 'admin@rempart.demo',
        name: 'Alice Admin',
        role: 'national_admin',
        organisationId: nation.id,
        organisation: nation.name,
      },
      {
        email: 'analyste@rempart.demo',
        name: 'Nina Analyste',
        role: 'national_analyst',
        organisationId: nation.id,
        organisation: nation.name,
      },
      {
        email: 'ars.ara@rempart.demo',
        name: 'Romain Référent',
        role: 'regional_referent',
        organisationId: ara.id,
        organisation: ara.name,
      },
      {
        email: 'rssi.ght@rempart.demo',
        name: 'Gaëlle RSSI-GHT',
        role: 'group_rssi',
        organisationId: ght.id,
        organisation: ght.name,
      },
      {
        email: 'directeur@rempart.demo',
        name: 'Denis Directeur',
        role: 'establishment_director',
        organisationId: establishment.id,
        organisation: establishment.name,
      },
      {
        email: 'rssi@rempart.demo',
        name: 'Rachid RSSI',
        role: 'establishment_rssi',
        organisationId: establishment.id,
        organisation: establishment.name,
      },
      {
        email: 'contributeur@rempart.demo',
        name: 'Claire Contributrice',
        role: 'contributor',
        organisationId: establishment.id,
        organisation: establishment.name,
      },
      {
        email: 'auditeur@rempart.demo',
        name: 'Aurore Auditrice',
        role: 'auditor',
        organisationId: establishment.id,
        organisation: establishment.name,
      },
    ];
    for (const a of accounts) {
      const userId = await insertUser(trx, { email: a.email, displayName: a.name, passwordHash: hash });
      await insertGrant(trx, { userId, role: a.role, organisationId: a.organisationId });
    }
    await appendAudit(trx, {
      actorUserId: null,
      actor: 'système',
      action: 'demo.seeded',
      objectType: 'organisation',
      objectId: nation.id,
      organisationId: nation.id,
      summary: { accounts: accounts.length },
    });
    return accounts.map(({ email, role, organisation }) => ({ email, role, organisation }));
  });
}
