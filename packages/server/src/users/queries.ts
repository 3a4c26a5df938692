import type { OrganisationKind } from '@rempart/core';
import type { Kysely, Transaction } from 'kysely';
import { ROLE_LABELS, ROLE_NODE_KINDS, type Role } from '../access/roles.js';
import { newSecret, sha256 } from '../auth/secrets.js';
import type { Database } from '../db/schema.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { isoIn, nowIso } from '../http/time.js';

const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export interface NewAccount {
  email: string;
  displayName: string;
  passwordHash: string | null;
  role: Role;
  organisationId: number;
  detailedFindings: boolean;
  createdBy: number | null;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Inserts an account row (no role yet); returns its id. */
export async function insertUser(
  db: Db,
  u: { email: string; displayName: string; passwordHash: string | null },
): Promise<number> {
  const now = nowIso();
  const row = await db
    .insertInto('app_user')
    .values({
      email: u.email,
      display_name: u.displayName,
      password_hash: u.passwordHash,
      totp_secret: null,
      totp_enabled: 0,
      totp_last_step: null,
      failed_logins: 0,
      locked_until: null,
      oidc_issuer: null,
      oidc_subject: null,
      disabled: 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertGrant(
  db: Db,
  g: { userId: number; role: string; organisationId: number; detailedFindings?: boolean; createdBy?: number | null },
) {
  await db
    .insertInto('role_grant')
    .values({
      user_id: g.userId,
      role: g.role,
      organisation_id: g.organisationId,
      detailed_findings: g.detailedFindings ? 1 : 0,
      created_at: nowIso(),
      created_by: g.createdBy ?? null,
    })
    .execute();
}

/** A role is granted only on the kind of node it is made for (a referent on a region, a director on an establishment…). */
export async function assertGrantable(
  db: Kysely<Database> | Transaction<Database>,
  role: Role,
  organisationId: number,
) {
  const node = await db.selectFrom('organisation').select(['kind']).where('id', '=', organisationId).executeTakeFirst();
  if (!node) throw notFound('organisation');
  if (!ROLE_NODE_KINDS[role].includes(node.kind as OrganisationKind)) {
    throw badRequest('invalid_grant', `le rôle « ${ROLE_LABELS[role]} » ne s'attribue pas sur ce type de nœud`);
  }
}

/**
 * Creates an account with its first role. Without a password, an invitation (a one-time password-setting
 * token valid 7 days) is queued in the outbox; its token is returned for the caller that must show it.
 */
export async function createAccount(
  trx: Transaction<Database>,
  account: NewAccount,
  publicUrl: string,
): Promise<{ id: number; invitationToken: string | null }> {
  await assertGrantable(trx, account.role, account.organisationId);
  const taken = await trx.selectFrom('app_user').select('id').where('email', '=', account.email).executeTakeFirst();
  if (taken) throw new AppError('conflict', 'un compte existe déjà avec cette adresse', 409);
  const now = nowIso();
  const user = { id: await insertUser(trx, account) };
  await insertGrant(trx, { userId: user.id, ...account });
  if (account.passwordHash) return { id: user.id, invitationToken: null };
  const token = newSecret();
  await trx
    .insertInto('one_time_token')
    .values({
      token_hash: sha256(token),
      purpose: 'password_reset',
      user_id: user.id,
      expires_at: isoIn(INVITATION_TTL_MS),
      used_at: null,
      created_at: now,
    })
    .execute();
  await trx
    .insertInto('outbox')
    .values({
      kind: 'invitation',
      recipient: account.email,
      subject: 'Rempart : votre compte',
      body: `Un compte Rempart a été créé pour vous. Choisissez votre mot de passe (lien valable 7 jours) :\n${invitationLink(publicUrl, token)}\n`,
      created_at: now,
      sent_at: null,
    })
    .execute();
  return { id: user.id, invitationToken: token };
}

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reinitialisation?jeton=${token}`;
}
