import { withFinessKey } from '@rempart/core';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { nowIso } from '../src/http/time.js';

/**
 * Bulk-loads a region of `establishments` sites (4 per legal entity) under a fresh nation, with paths computed
 * here so 50,000 rows load in seconds. Returns the region id.
 */
export async function seedRegion(
  db: Kysely<Database>,
  establishments: number,
): Promise<{ nationId: number; regionId: number }> {
  const now = nowIso();
  const row = (
    id: number,
    kind: string,
    name: string,
    parent: number | null,
    path: string,
    depth: number,
    finess: string | null,
  ) => ({
    id,
    kind,
    name,
    finess,
    category: kind === 'site' || kind === 'legal_entity' ? 'public' : null,
    region_code: kind === 'nation' ? null : 'ARA',
    department: kind === 'site' || kind === 'legal_entity' ? '69' : null,
    parent_id: parent,
    path,
    depth,
    created_at: now,
    updated_at: now,
  });
  const rows = [
    row(1, 'nation', 'France', null, '/1/', 0, null),
    row(2, 'region', 'ARS Auvergne-Rhône-Alpes', 1, '/1/2/', 1, null),
  ];
  let id = 3;
  let sequence = 1;
  const entities = Math.ceil(establishments / 4);
  for (let e = 0; e < entities; e++) {
    const ejId = id++;
    const ejPath = `/1/2/${ejId}/`;
    rows.push(
      row(ejId, 'legal_entity', `Entité ${e}`, 2, ejPath, 2, withFinessKey(`69${String(sequence++).padStart(6, '0')}`)),
    );
    for (let s = 0; s < 4 && e * 4 + s < establishments; s++) {
      const siteId = id++;
      rows.push(
        row(
          siteId,
          'site',
          `Établissement ${e}-${s}`,
          ejId,
          `${ejPath}${siteId}/`,
          3,
          withFinessKey(`69${String(sequence++).padStart(6, '0')}`),
        ),
      );
    }
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('organisation')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  return { nationId: 1, regionId: 2 };
}
