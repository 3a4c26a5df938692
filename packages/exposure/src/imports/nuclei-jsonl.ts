import { isIP } from 'node:net';
import { z } from 'zod';
import type { Observation } from '../model.js';
import { ImportError } from './nmap-xml.js';

const MAX_BYTES = 200 * 1024 * 1024;
const MAX_LINE = 4 * 1024 * 1024;

// Fields from nuclei's pkg/output ResultEvent; only those we use are required.
const eventSchema = z.object({
  'template-id': z.string().max(300),
  info: z.object({
    name: z.string().max(1000),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical', 'unknown']),
    classification: z
      .object({ 'cve-id': z.union([z.array(z.string()), z.string(), z.null()]).optional() })
      .partial()
      .nullish(),
  }),
  host: z.string().max(2000).optional(),
  ip: z.string().max(100).optional(),
  port: z.coerce.string().max(10).optional(),
});

export interface NucleiImport {
  readonly observations: Observation[];
  /** Lines that were not results (1-based line number and reason), kept so nothing is silently dropped. */
  readonly rejected: Array<{ line: number; reason: string }>;
}

/** Reads nuclei `-jsonl` output into vulnerability observations; bad lines are listed, not fatal. */
export function importNucleiJsonl(text: string): NucleiImport {
  if (text.length > MAX_BYTES) throw new ImportError('IMPORT_TOO_LARGE', 'fichier nuclei trop volumineux (> 200 Mo)');
  const observations: Observation[] = [];
  const rejected: NucleiImport['rejected'] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const reject = (reason: string) => {
      if (rejected.length < 1000) rejected.push({ line: i + 1, reason });
    };
    if (line.length > MAX_LINE) {
      reject('ligne trop longue');
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      reject('JSON invalide');
      continue;
    }
    const parsed = eventSchema.safeParse(value);
    if (!parsed.success) {
      reject(`champ ${parsed.error.issues[0]?.path.join('.')} invalide`);
      continue;
    }
    const e = parsed.data;
    const host = e.ip && isIP(e.ip) ? e.ip : hostOf(e.host);
    if (!host) {
      reject('adresse IP absente');
      continue;
    }
    const port = e.port !== undefined ? Number(e.port) : undefined;
    const cveField = e.info.classification?.['cve-id'];
    const cves = (Array.isArray(cveField) ? cveField : cveField ? [cveField] : [])
      .map((c) => c.toUpperCase())
      .filter((c) => /^CVE-\d{4}-\d{4,}$/.test(c));
    observations.push({
      kind: 'vulnerability',
      host,
      ...(port !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535 ? { port } : {}),
      checkId: e['template-id'],
      name: e.info.name,
      severity: e.info.severity === 'unknown' ? 'info' : e.info.severity,
      cves,
      source: 'nuclei',
    });
  }
  if (observations.length === 0 && rejected.length > 0) {
    throw new ImportError(
      'IMPORT_SCHEMA',
      `aucun résultat nuclei lisible (ligne ${rejected[0]?.line} : ${rejected[0]?.reason})`,
    );
  }
  return { observations, rejected };
}

function hostOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  if (isIP(host)) return host;
  const m = /^(?:[a-z]+:\/\/)?\[?([0-9a-f:.]+?)\]?(?::\d+)?(?:\/.*)?$/i.exec(host);
  return m?.[1] && isIP(m[1]) ? m[1] : undefined;
}
