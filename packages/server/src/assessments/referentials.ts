import { createHash } from 'node:crypto';
import {
  BUNDLED_REFERENTIALS,
  importCisoLibrary,
  loadBundledReferential,
  parseReferential,
  type Referential,
  ReferentialError,
  stringifyReferential,
} from '@rempart/core';
import type { Kysely, Transaction } from 'kysely';
import { parse } from 'yaml';
import type { Database } from '../db/schema.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { nowIso } from '../http/time.js';

type Db = Kysely<Database> | Transaction<Database>;

let bundled: Promise<Referential[]> | undefined;

/** The referentials shipped with Rempart, read once per process (immutable data, safe to share). */
export function bundledReferentials(): Promise<Referential[]> {
  bundled ??= Promise.all(BUNDLED_REFERENTIALS.map((name) => loadBundledReferential(name)));
  return bundled;
}

// Parsed referentials by the SHA-256 of their source: rows never change once written, and keying by content
// (not row id) stays right when one process talks to several databases (tests, tools).
const parsed = new Map<string, Referential>();

export async function referentialOfRow(db: Db, rowId: number): Promise<Referential> {
  const row = await db.selectFrom('referential_version').select('source').where('id', '=', rowId).executeTakeFirst();
  if (!row) throw notFound('référentiel');
  const digest = createHash('sha256').update(row.source).digest('hex');
  const cached = parsed.get(digest);
  if (cached) return cached;
  const referential = parseReferential(row.source, `referential_version ${rowId}`);
  parsed.set(digest, referential);
  return referential;
}

/** A referential version, shipped or imported, without storing anything (for reads). */
export async function findReferential(db: Db, key: string, version: number): Promise<Referential> {
  const stored = await db
    .selectFrom('referential_version')
    .select('id')
    .where('referential_key', '=', key)
    .where('version', '=', version)
    .executeTakeFirst();
  if (stored) return referentialOfRow(db, stored.id);
  const shipped = (await bundledReferentials()).find((r) => r.id === key && r.version === version);
  if (!shipped) throw notFound('référentiel');
  return shipped;
}

/** The row of a referential version, stored on first use for a bundled one. */
export async function referentialRow(
  db: Db,
  key: string,
  version: number | undefined,
): Promise<{ id: number; referential: Referential }> {
  let query = db.selectFrom('referential_version').select(['id', 'version']).where('referential_key', '=', key);
  if (version !== undefined) query = query.where('version', '=', version);
  const stored = await query.orderBy('version', 'desc').executeTakeFirst();
  const shipped = (await bundledReferentials())
    .filter((r) => r.id === key && (version === undefined || r.version === version))
    .sort((a, b) => b.version - a.version)[0];
  if (stored && (!shipped || stored.version >= shipped.version)) {
    return { id: stored.id, referential: await referentialOfRow(db, stored.id) };
  }
  if (!shipped) throw notFound('référentiel');
  await db
    .insertInto('referential_version')
    .values(rowValues(shipped, 'bundled', null))
    .onConflict((oc) => oc.columns(['referential_key', 'version']).doNothing())
    .execute();
  const row = await db
    .selectFrom('referential_version')
    .select('id')
    .where('referential_key', '=', key)
    .where('version', '=', shipped.version)
    .executeTakeFirstOrThrow();
  return { id: row.id, referential: shipped };
}

function rowValues(referential: Referential, origin: 'bundled' | 'imported', userId: number | null) {
  return {
    referential_key: referential.id,
    version: referential.version,
    urn: referential.urn,
    name: referential.name,
    locale: referential.locale,
    origin,
    source: stringifyReferential(referential),
    created_at: nowIso(),
    created_by: userId,
  };
}

/** Refusal of an uploaded referential, with the first problems and their lines. */
function refused(error: ReferentialError): AppError {
  const lines = error.issues.slice(0, 20).map((i) => `ligne ${i.line} : ${i.message} [${i.code}]`);
  return new AppError('invalid_referential', `référentiel refusé — ${lines.join(' ; ')}`, 400);
}

/**
 * Reads an uploaded referential: the Rempart YAML format, or a CISO Assistant library (recognised by its
 * `objects` key). Refused with line and reason when invalid.
 */
export function readUploadedReferential(text: string, today: string): Referential {
  let shape: unknown;
  try {
    shape = parse(text, { maxAliasCount: 50 });
  } catch {
    shape = undefined;
  }
  try {
    const isCiso = typeof shape === 'object' && shape !== null && 'objects' in shape && !('format' in shape);
    return isCiso ? importCisoLibrary(text, { today }, 'bibliothèque') : parseReferential(text, 'référentiel');
  } catch (error) {
    if (error instanceof ReferentialError) throw refused(error);
    throw error;
  }
}

/** Stores a new referential version; an existing (id, version) is never overwritten. */
export async function storeReferential(db: Db, referential: Referential, userId: number | null): Promise<number> {
  const clash =
    (await bundledReferentials()).some((r) => r.id === referential.id && r.version === referential.version) ||
    (await db
      .selectFrom('referential_version')
      .select('id')
      .where('referential_key', '=', referential.id)
      .where('version', '=', referential.version)
      .executeTakeFirst()) !== undefined;
  if (clash) {
    throw conflict(
      `le référentiel ${referential.id} existe déjà en version ${referential.version} : publiez une nouvelle version`,
    );
  }
  const row = await db
    .insertInto('referential_version')
    .values(rowValues(referential, 'imported', userId))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ReferentialSummary {
  id: string;
  version: number;
  name: string;
  urn: string;
  locale: string;
  origin: 'bundled' | 'imported';
}

/** Every referential version available: shipped ones and those imported into this platform. */
export async function listReferentials(db: Db): Promise<ReferentialSummary[]> {
  const out = new Map<string, ReferentialSummary>();
  for (const r of await bundledReferentials()) {
    out.set(`${r.id}@${r.version}`, {
      id: r.id,
      version: r.version,
      name: r.name,
      urn: r.urn,
      locale: r.locale,
      origin: 'bundled',
    });
  }
  const rows = await db
    .selectFrom('referential_version')
    .select(['referential_key', 'version', 'name', 'urn', 'locale', 'origin'])
    .execute();
  for (const r of rows) {
    const key = `${r.referential_key}@${r.version}`;
    if (!out.has(key)) {
      out.set(key, {
        id: r.referential_key,
        version: r.version,
        name: r.name,
        urn: r.urn,
        locale: r.locale,
        origin: r.origin === 'bundled' ? 'bundled' : 'imported',
      });
    }
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id) || b.version - a.version);
}

/** The referential shown for a key: the newest shipped or imported version, without storing anything. */
export async function newestReferential(db: Db, key: string): Promise<Referential | null> {
  const stored = await db
    .selectFrom('referential_version')
    .select(['id', 'version'])
    .where('referential_key', '=', key)
    .orderBy('version', 'desc')
    .executeTakeFirst();
  const shipped = (await bundledReferentials()).filter((r) => r.id === key).sort((a, b) => b.version - a.version)[0];
  if (stored && (!shipped || stored.version >= shipped.version)) return referentialOfRow(db, stored.id);
  return shipped ?? null;
}
