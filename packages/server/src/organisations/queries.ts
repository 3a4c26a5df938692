import {
  canContain,
  type EstablishmentCategory,
  type FinessSite,
  finessError,
  type OrganisationKind,
  parseFinessExtract,
  REGIONS,
  type RejectedLine,
} from '@rempart/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Organisation } from '../db/schema.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { nowIso } from '../http/time.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewNode {
  parentId: number | null;
  kind: OrganisationKind;
  name: string;
  finess?: string | null;
  category?: EstablishmentCategory | null;
  regionCode?: string | null;
  department?: string | null;
}

/** Inserts a node under its parent, checking the tree's shape and the FINESS number. */
export async function insertNode(db: Db, node: NewNode): Promise<Organisation> {
  if (node.finess) {
    const problem = finessError(node.finess);
    if (problem) throw badRequest('invalid_finess', problem);
  }
  const parent =
    node.parentId === null
      ? null
      : await db.selectFrom('organisation').selectAll().where('id', '=', node.parentId).executeTakeFirst();
  if (node.parentId !== null && !parent) throw notFound('organisation parente');
  if (parent && !canContain(parent.kind as OrganisationKind, node.kind)) {
    throw badRequest('invalid_tree', `un nœud « ${node.kind} » ne peut pas être placé sous « ${parent.kind} »`);
  }
  if (!parent && node.kind !== 'nation') throw badRequest('invalid_tree', 'seul le nœud national est sans parent');
  if (node.finess) {
    const taken = await db.selectFrom('organisation').select('id').where('finess', '=', node.finess).executeTakeFirst();
    if (taken) throw new AppError('conflict', `le numéro FINESS ${node.finess} est déjà enregistré`, 409);
  }
  const now = nowIso();
  const inserted = await db
    .insertInto('organisation')
    .values({
      kind: node.kind,
      name: node.name,
      finess: node.finess ?? null,
      category: node.category ?? parent?.category ?? null,
      region_code: node.regionCode ?? parent?.region_code ?? null,
      department: node.department ?? null,
      parent_id: parent?.id ?? null,
      path: '/',
      depth: parent ? parent.depth + 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${parent?.path ?? '/'}${inserted.id}/`;
  return db
    .updateTable('organisation')
    .set({ path })
    .where('id', '=', inserted.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Where `path` starts: the subtree of a node is the range [path, path with its last "/" bumped). */
export function subtreeRange(path: string): [string, string] {
  return [path, `${path.slice(0, -1)}0`];
}

export async function findNode(db: Db, id: number): Promise<Organisation | undefined> {
  return db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: RejectedLine[];
}

/**
 * Imports a FINESS extract under `root` (the nation, or one region which then accepts only its own lines).
 * Idempotent: legal entities and sites are keyed by FINESS; names and categories are updated in place and a
 * node already placed in a group stays there.
 */
export async function importFinessExtract(db: Db, root: Organisation, text: string): Promise<ImportReport> {
  if (root.kind !== 'nation' && root.kind !== 'region') {
    throw badRequest('invalid_tree', 'un import FINESS se fait au niveau national ou régional');
  }
  const { sites, rejected } = parseFinessExtract(text);
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejected: [...rejected] };
  const existing = new Map(
    (await db.selectFrom('organisation').selectAll().where('finess', 'is not', null).execute()).map((o) => [
      o.finess!,
      o,
    ]),
  );
  const regions = new Map(
    (await db.selectFrom('organisation').selectAll().where('kind', '=', 'region').execute()).map((o) => [
      o.region_code!,
      o,
    ]),
  );
  const nation =
    root.kind === 'nation'
      ? root
      : await db.selectFrom('organisation').selectAll().where('kind', '=', 'nation').executeTakeFirstOrThrow();
  const accepted: FinessSite[] = [];
  for (const site of sites) {
    if (root.kind === 'region' && site.region !== root.region_code) {
      report.rejected.push({
        line: site.line,
        reason: `hors du périmètre : établissement de la région ${site.region}`,
      });
    } else accepted.push(site);
  }
  for (const site of accepted) {
    let region = regions.get(site.region);
    if (!region) {
      const name = REGIONS.find((r) => r.code === site.region)?.name ?? site.region;
      region = await insertNode(db, {
        parentId: nation.id,
        kind: 'region',
        name: `ARS ${name}`,
        regionCode: site.region,
      });
      regions.set(site.region, region);
    }
    let entity = existing.get(site.legalEntityFiness);
    if (entity && entity.kind !== 'legal_entity') {
      report.rejected.push({
        line: site.line,
        reason: `le FINESS ${site.legalEntityFiness} n'est pas une entité juridique`,
      });
      continue;
    }
    if (!entity) {
      entity = await insertNode(db, {
        parentId: region.id,
        kind: 'legal_entity',
        name: site.name,
        finess: site.legalEntityFiness,
        category: site.category,
        regionCode: site.region,
        department: site.department,
      });
      existing.set(site.legalEntityFiness, entity);
      report.created++;
    }
    const current = existing.get(site.siteFiness);
    if (!current) {
      existing.set(
        site.siteFiness,
        await insertNode(db, {
          parentId: entity.id,
          kind: 'site',
          name: site.name,
          finess: site.siteFiness,
          category: site.category,
          regionCode: site.region,
          department: site.department,
        }),
      );
      report.created++;
    } else if (current.kind !== 'site') {
      report.rejected.push({ line: site.line, reason: `le FINESS ${site.siteFiness} n'est pas un établissement` });
    } else if (
      current.name !== site.name ||
      current.category !== site.category ||
      current.department !== site.department
    ) {
      await db
        .updateTable('organisation')
        .set({ name: site.name, category: site.category, department: site.department, updated_at: nowIso() })
        .where('id', '=', current.id)
        .execute();
      existing.set(site.siteFiness, {
        ...current,
        name: site.name,
        category: site.category,
        department: site.department,
      });
      report.updated++;
    } else report.unchanged++;
  }
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}
