import { ESTABLISHMENT_CATEGORIES, type EstablishmentCategory, type Referential } from '@rempart/core';
import type { Kysely, Transaction } from 'kysely';
import { findReferential, newestReferential } from '../assessments/referentials.js';
import type { Database } from '../db/schema.js';
import { badRequest, notFound } from '../http/errors.js';
import { subtreeRange } from '../organisations/queries.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A group file: one assessment held by a group node (a GHT, a private group) that answers for every member
 * establishment without a file of its own. Who answers it is whoever holds `assessment.write` on the group node
 * (a group RSSI granted there; an establishment's own roles, granted lower, do not reach it); the director's
 * sign-off needs `assessment.sign` on the group node.
 *
 * Applicability by category is the UNION of the members' categories: a requirement applies to the group file if
 * it applies to any member. The scoring takes one category, so the file is scored with the member category
 * whose applicable requirements are exactly that union (for CaRE 2025, `public` covers every other category);
 * when no single category does (an imported referential with disjoint lists), the caller must choose one.
 */
export function unionCategory(
  referential: Referential,
  members: readonly EstablishmentCategory[],
): EstablishmentCategory | null {
  const requirements = referential.axes.flatMap((a) => a.objectives.flatMap((o) => o.requirements));
  const appliesTo = (c: EstablishmentCategory) =>
    new Set(requirements.filter((r) => r.applicability.includes(c)).map((r) => r.id));
  const union = new Set(members.flatMap((c) => [...appliesTo(c)]));
  // Members' own categories first, in the fixed category order, so the choice is stable.
  const ordered = ESTABLISHMENT_CATEGORIES.filter((c) => members.includes(c));
  return ordered.find((c) => appliesTo(c).size === union.size) ?? null;
}

/** The distinct categories of the establishment-level members under a group node. */
export async function memberCategories(db: Db, groupPath: string): Promise<EstablishmentCategory[]> {
  const [from, to] = subtreeRange(groupPath);
  const rows = await db
    .selectFrom('organisation')
    .select('category')
    .distinct()
    .where('path', '>', from)
    .where('path', '<', to)
    .where('kind', 'in', ['legal_entity', 'site'])
    .where('category', 'is not', null)
    .execute();
  const valid = new Set<string>(ESTABLISHMENT_CATEGORIES);
  return rows.map((r) => r.category).filter((c): c is EstablishmentCategory => c !== null && valid.has(c));
}

/** The category a group file is scored with (see `unionCategory`); refused with a clear code when none fits. */
export async function groupFileCategory(
  db: Db,
  groupId: number,
  referentialKey: string,
  version: number | undefined,
): Promise<EstablishmentCategory> {
  const group = await db.selectFrom('organisation').select('path').where('id', '=', groupId).executeTakeFirst();
  if (!group) throw notFound('groupement');
  const members = await memberCategories(db, group.path);
  if (members.length === 0) {
    throw badRequest('category_required', 'ce groupement n’a aucun membre de catégorie connue : précisez la catégorie');
  }
  const referential =
    version === undefined
      ? await newestReferential(db, referentialKey)
      : await findReferential(db, referentialKey, version);
  if (!referential) throw notFound('référentiel');
  const category = unionCategory(referential, members);
  if (!category) {
    throw badRequest(
      'category_required',
      `aucune catégorie ne couvre à elle seule les exigences de tous les membres (${members.join(', ')}) : précisez-la`,
    );
  }
  return category;
}
