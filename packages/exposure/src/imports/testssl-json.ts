import { isIP } from 'node:net';
import { z } from 'zod';
import type { ExposureCondition, Observation } from '../model.js';
import { ImportError } from './nmap-xml.js';

const MAX_BYTES = 100 * 1024 * 1024;

// testssl.sh flat JSON (--jsonfile / -oj): an array of { id, ip, port, severity, finding, cve?, cwe? }.
const entrySchema = z.object({
  id: z.string().max(200),
  ip: z.string().max(300),
  port: z.coerce.string().max(10),
  severity: z.string().max(20),
  finding: z.string().max(100_000),
});

/** Maps a testssl.sh finding to a condition our rules know, or undefined. */
function conditionOf(id: string, finding: string): ExposureCondition | undefined {
  const offered = /^offered/i.test(finding);
  if ((id === 'SSLv2' || id === 'SSLv3' || id === 'TLS1' || id === 'TLS1_1') && offered) return 'tls-legacy-protocol';
  if (id.startsWith('cert_expirationStatus') && /expired/i.test(finding)) return 'tls-cert-expired';
  if (id.startsWith('cert_chain_of_trust') && /self.signed/i.test(finding)) return 'tls-cert-self-signed';
  return undefined;
}

/** Reads testssl.sh flat JSON into condition observations (legacy protocols, expired and self-signed certificates). */
export function importTestsslJson(text: string): Observation[] {
  if (text.length > MAX_BYTES) throw new ImportError('IMPORT_TOO_LARGE', 'fichier testssl trop volumineux (> 100 Mo)');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ImportError('IMPORT_SYNTAX', `JSON testssl invalide : ${(e as Error).message.slice(0, 200)}`);
  }
  const parsed = z.array(entrySchema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError('IMPORT_SCHEMA', `fichier testssl inattendu (${issue?.path.join('.')}) : ${issue?.message}`);
  }
  const out = new Map<string, Observation>();
  for (const e of parsed.data) {
    const condition = conditionOf(e.id, e.finding);
    if (!condition) continue;
    // testssl writes "host/ip"; keep the IP part.
    const host = e.ip.includes('/') ? (e.ip.split('/').pop() ?? '') : e.ip;
    const port = Number(e.port);
    if (isIP(host) === 0 || !Number.isInteger(port) || port < 1 || port > 65535) continue;
    const key = `${condition}|${host}|${port}`;
    const previous = out.get(key);
    const detail = `${e.id} : ${e.finding.slice(0, 200)}`;
    if (previous && previous.kind === 'condition')
      out.set(key, { ...previous, detail: `${previous.detail} ; ${detail}` });
    else out.set(key, { kind: 'condition', host, port, condition, detail, source: 'testssl' });
  }
  return [...out.values()];
}
