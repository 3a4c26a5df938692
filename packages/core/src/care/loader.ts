import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ReferentialError } from './errors.js';
import type { Referential } from './referential.js';
import { MAX_REFERENTIAL_BYTES, parseReferential } from './referential-file.js';

/** Folder of the referentials shipped with Rempart (`packages/core/referentials`). */
export const BUNDLED_REFERENTIALS_DIR = fileURLToPath(new URL('../../referentials/', import.meta.url));

/** Names of the referential files shipped with Rempart, without the `.yaml` extension. */
export const BUNDLED_REFERENTIALS = ['care-2025', 'care-2025-v2'] as const;
export type BundledReferential = (typeof BUNDLED_REFERENTIALS)[number];

/** Reads and validates a referential file; the only function of the CaRE core that touches the filesystem. */
export async function loadReferentialFile(path: string): Promise<Referential> {
  let source: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_REFERENTIAL_BYTES) {
      throw new ReferentialError(path, [
        {
          code: 'too_large',
          line: 0,
          column: 0,
          path: '',
          message: `fichier trop volumineux (${info.size} octets, maximum ${MAX_REFERENTIAL_BYTES})`,
        },
      ]);
    }
    source = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ReferentialError) throw error;
    throw new ReferentialError(path, [
      { code: 'io', line: 0, column: 0, path: '', message: `lecture impossible : ${(error as Error).message}` },
    ]);
  }
  return parseReferential(source, path);
}

/** Loads one of the referentials shipped with Rempart. */
export function loadBundledReferential(name: BundledReferential): Promise<Referential> {
  return loadReferentialFile(`${BUNDLED_REFERENTIALS_DIR}${name}.yaml`);
}
