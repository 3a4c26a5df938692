import type { Kysely } from 'kysely';
import type { Grant, Principal } from '../access/authorize.js';
import { isRole } from '../access/roles.js';
import type { Database } from '../db/schema.js';
import { nowIso } from '../http/time.js';
import { sha256 } from './secrets.js';

export interface SessionState {
  idHash: string;
  userId: number;
  csrfToken: string;
  mfaPending: boolean;
}

export async function loadGrants(db: Kysely<Database>, userId: number): Promise<Grant[]> {
  const rows = await db
    .selectFrom('role_grant as g')
    .innerJoin('organisation as o', 'o.id', 'g.organisation_id')
    .select(['g.role', 'g.organisation_id', 'o.path', 'o.kind', 'g.detailed_findings'])
    .where('g.user_id', '=', userId)
    .execute();
  return rows.flatMap((r) =>
    isRole(r.role)
      ? [
          {
            role: r.role,
            organisationId: r.organisation_id,
            organisationPath: r.path,
            organisationKind: r.kind,
            detailedFindings: r.detailed_findings === 1,
          },
        ]
      : [],
  );
}

/** The session behind a cookie value, if it exists, has not expired and its account is active. */
export async function loadSession(
  db: Kysely<Database>,
  cookieValue: string,
): Promise<{ session: SessionState; label: string } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(cookieValue)) return null;
  const row = await db
    .selectFrom('session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id_hash', 's.user_id', 's.csrf_token', 's.mfa_pending', 's.expires_at', 'u.email', 'u.disabled'])
    .where('s.id_hash', '=', sha256(cookieValue))
    .executeTakeFirst();
  if (!row || row.expires_at <= nowIso() || row.disabled === 1) return null;
  return {
    session: { idHash: row.id_hash, userId: row.user_id, csrfToken: row.csrf_token, mfaPending: row.mfa_pending === 1 },
    label: row.email,
  };
}

export async function sessionPrincipal(db: Kysely<Database>, session: SessionState, label: string): Promise<Principal> {
  return { userId: session.userId, label, via: 'session', grants: await loadGrants(db, session.userId) };
}

/**
 * The principal of an API token (`Authorization: Bearer rmp_…`): its one role on its one node, and only
 * while its creator keeps an account.
 */
export async function tokenPrincipal(db: Kysely<Database>, bearer: string): Promise<Principal | null> {
  if (!/^rmp_[A-Za-z0-9_-]{20,100}$/.test(bearer)) return null;
  const row = await db
    .selectFrom('api_token as t')
    .innerJoin('organisation as o', 'o.id', 't.organisation_id')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.name',
      't.role',
      't.user_id',
      't.expires_at',
      't.revoked_at',
      'o.id as org_id',
      'o.path',
      'o.kind',
    ])
    .select('u.disabled')
    .where('t.token_hash', '=', sha256(bearer))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= nowIso() || row.disabled === 1 || !isRole(row.role)) return null;
  await db.updateTable('api_token').set({ last_used_at: nowIso() }).where('id', '=', row.id).execute();
  return {
    userId: row.user_id,
    label: `jeton ${row.name}`,
    via: 'token',
    grants: [
      {
        role: row.role,
        organisationId: row.org_id,
        organisationPath: row.path,
        organisationKind: row.kind,
        detailedFindings: false,
      },
    ],
  };
}
