import type { Database } from '@rempart/server';
import type { Kysely } from 'kysely';
import { CliError } from '../command.js';

/** An organisation given on the command line by id, FINESS number, region code or `nation`. */
export async function resolveOrganisation(db: Kysely<Database>, ref: string) {
  let query = db.selectFrom('organisation').selectAll();
  if (ref === 'nation') query = query.where('kind', '=', 'nation');
  else if (/^\d{1,8}$/.test(ref)) query = query.where('id', '=', Number(ref));
  else if (/^[0-9AB]{9}$/.test(ref)) query = query.where('finess', '=', ref);
  else if (/^[A-Z]{3}$/.test(ref)) query = query.where('kind', '=', 'region').where('region_code', '=', ref);
  else
    throw new CliError(`--org: expected an id, a FINESS number, a region code or "nation", got "${ref.slice(0, 40)}"`);
  const node = await query.executeTakeFirst();
  if (!node) throw new CliError(`--org: no organisation matches "${ref}"`);
  return node;
}
