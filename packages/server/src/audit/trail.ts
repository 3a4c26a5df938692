import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../http/time.js';

export interface AuditEntry {
  actorUserId: number | null;
  actor: string;
  action: string;
  objectType: string;
  objectId?: string | number | null;
  organisationId?: number | null;
  /** Before/after summary: field names and values that are not secrets. */
  summary: Record<string, unknown>;
  ip?: string | null;
}

type Row = {
  at: string;
  actor_user_id: number | null;
  actor: string;
  action: string;
  object_type: string;
  object_id: string | null;
  organisation_id: number | null;
  summary: string;
  ip: string | null;
};

/** SHA-256 over the previous hash and the row's fields in a fixed order. */
export function chainHash(prevHash: string, row: Row): string {
  const canonical = JSON.stringify([
    prevHash,
    row.at,
    row.actor_user_id,
    row.actor,
    row.action,
    row.object_type,
    row.object_id,
    row.organisation_id,
    row.summary,
    row.ip,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Appends one event to the hash-chained trail, inside the caller's transaction (the write and its record
 * commit together). Locking the head row serialises appenders across processes.
 */
export async function appendAudit(trx: Transaction<Database> | Kysely<Database>, entry: AuditEntry): Promise<void> {
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'last_hash'])
    .executeTakeFirstOrThrow();
  const row: Row = {
    at: nowIso(),
    actor_user_id: entry.actorUserId,
    actor: entry.actor,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId == null ? null : String(entry.objectId),
    organisation_id: entry.organisationId ?? null,
    summary: JSON.stringify(entry.summary),
    ip: entry.ip ?? null,
  };
  const hash = chainHash(head.last_hash, row);
  await trx
    .insertInto('audit_event')
    .values({ ...row, prev_hash: head.last_hash, hash })
    .execute();
  await trx.updateTable('audit_head').set({ last_hash: hash }).where('id', '=', 1).execute();
}

export interface ChainReport {
  checked: number;
  ok: boolean;
  firstBroken?: { id: number; reason: string };
}

/** Walks the trail in order and reports the first row whose link or hash does not hold. */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 5000): Promise<ChainReport> {
  let prev = '0'.repeat(64);
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_event')
      .selectAll()
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.prev_hash !== prev) {
        return { checked, ok: false, firstBroken: { id: r.id, reason: 'lien rompu avec la ligne précédente' } };
      }
      if (chainHash(prev, r) !== r.hash) {
        return { checked, ok: false, firstBroken: { id: r.id, reason: 'contenu modifié (empreinte différente)' } };
      }
      prev = r.hash;
      lastId = r.id;
      checked++;
    }
  }
  const head = await db.selectFrom('audit_head').select('last_hash').where('id', '=', 1).executeTakeFirst();
  if (head && head.last_hash !== prev) {
    return { checked, ok: false, firstBroken: { id: lastId + 1, reason: 'lignes supprimées en fin de journal' } };
  }
  return { checked, ok: true };
}
