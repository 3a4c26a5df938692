import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared Sigma conformance corpus (read in place, never copied). */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/conformance/sigma');

export interface CorpusCase {
  id: string;
  dir: string;
  rulePath: string;
  evtxPath: string | null;
  jsonPath: string | null;
}

export function corpusCases(): CorpusCase[] {
  if (!existsSync(CORPUS_DIR)) throw new Error(`corpus Sigma introuvable : ${CORPUS_DIR}`);
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(CORPUS_DIR, d.name);
      const evtx = join(dir, `${d.name}.evtx`);
      const json = join(dir, `${d.name}.json`);
      return {
        id: d.name,
        dir,
        rulePath: join(dir, 'rule.yml'),
        evtxPath: existsSync(evtx) ? evtx : null,
        jsonPath: existsSync(json) ? json : null,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Reads concatenated JSON documents (the reference rendering: one pretty document after another). */
export function readConcatenatedJson(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}
