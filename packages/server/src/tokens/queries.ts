import type { Transaction } from 'kysely';
import type { Role } from '../access/roles.js';
import { newSecret, sha256 } from '../auth/secrets.js';
import type { Database } from '../db/schema.js';
import { nowIso } from '../http/time.js';

/** Issues an API token: returned once in clear (`rmp_…`), stored as its SHA-256. */
export async function issueToken(
  trx: Transaction<Database>,
  t: { name: string; userId: number; organisationId: number; role: Role; expiresInDays: number },
): Promise<{ id: number; token: string; expiresAt: string }> {
  const token = `rmp_${newSecret()}`;
  const expiresAt = new Date(Date.now() + t.expiresInDays * 86_400_000).toISOString();
  const row = await trx
    .insertInto('api_token')
    .values({
      name: t.name,
      token_hash: sha256(token),
      prefix: token.slice(0, 10),
      user_id: t.userId,
      organisation_id: t.organisationId,
      role: t.role,
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, expiresAt };
}
