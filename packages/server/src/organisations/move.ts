import { canContain, type OrganisationKind } from '@rempart/core';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { badRequest } from '../http/errors.js';
import { findNode, subtreeRange } from './queries.js';

/**
 * Moves a node and its subtree under a new parent, rewriting the materialised paths in one statement; the subtree
 * takes the region of its new parent (regions themselves only hang under the nation, so never move region).
 */
export async function moveSubtree(db: Kysely<Database> | Transaction<Database>, nodeId: number, newParentId: number) {
  const node = await findNode(db, nodeId);
  const parent = await findNode(db, newParentId);
  if (!node || !parent) throw badRequest('invalid_tree', 'nœud ou parent introuvable');
  if (!canContain(parent.kind as OrganisationKind, node.kind as OrganisationKind)) {
    throw badRequest('invalid_tree', `un nœud « ${node.kind} » ne peut pas être placé sous « ${parent.kind} »`);
  }
  if (parent.path.startsWith(node.path))
    throw badRequest('invalid_tree', 'un nœud ne peut pas être déplacé sous lui-même');
  const newPath = `${parent.path}${node.id}/`;
  const [from, to] = subtreeRange(node.path);
  const depthDelta = parent.depth + 1 - node.depth;
  await db
    .updateTable('organisation')
    .set({
      path: sql<string>`${newPath} || substr(path, ${node.path.length + 1})`,
      depth: sql<number>`depth + ${depthDelta}`,
      ...(parent.region_code ? { region_code: parent.region_code } : {}),
    })
    .where('path', '>=', from)
    .where('path', '<', to)
    .execute();
  await db.updateTable('organisation').set({ parent_id: parent.id }).where('id', '=', node.id).execute();
}
