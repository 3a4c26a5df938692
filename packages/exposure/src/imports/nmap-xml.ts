import { isIP } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { Observation } from '../model.js';

export class ImportError extends Error {
  constructor(
    readonly code: 'IMPORT_TOO_LARGE' | 'IMPORT_SYNTAX' | 'IMPORT_SCHEMA',
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

const MAX_BYTES = 200 * 1024 * 1024;
const one = <T extends z.ZodTypeAny>(s: T) => z.union([s, z.array(s)]).transform((v) => (Array.isArray(v) ? v : [v]));

const portSchema = z.object({
  '@_protocol': z.string(),
  '@_portid': z.coerce.number().int().min(1).max(65535),
  state: z.object({ '@_state': z.string() }),
  service: z
    .object({
      '@_name': z.string().optional(),
      '@_product': z.string().optional(),
      '@_version': z.string().optional(),
      '@_tunnel': z.string().optional(),
    })
    .optional(),
});
const hostSchema = z.object({
  address: one(z.object({ '@_addr': z.string(), '@_addrtype': z.string() })),
  ports: z.object({ port: one(portSchema).optional() }).optional(),
});
const runSchema = z.object({
  nmaprun: z.object({
    '@_scanner': z.literal('nmap'),
    '@_start': z.coerce.number().optional(),
    host: one(hostSchema).optional(),
  }),
});

export interface NmapImport {
  readonly observations: Observation[];
  readonly startedAt?: string;
}

/** Reads nmap `-oX` output: one port observation per open TCP port (ssl tunnels named https/ssl-*). */
export function importNmapXml(text: string): NmapImport {
  if (text.length > MAX_BYTES) throw new ImportError('IMPORT_TOO_LARGE', 'fichier nmap trop volumineux (> 200 Mo)');
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new ImportError('IMPORT_SYNTAX', `XML nmap invalide ligne ${valid.err.line} : ${valid.err.msg}`);
  // Entity expansion off: a nmap file never needs it and it is the classic XML bomb.
  const parser = new XMLParser({ ignoreAttributes: false, processEntities: false, parseAttributeValue: false });
  const parsed = runSchema.safeParse(parser.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError('IMPORT_SCHEMA', `fichier nmap inattendu (${issue?.path.join('.')}) : ${issue?.message}`);
  }
  const observations: Observation[] = [];
  for (const host of parsed.data.nmaprun.host ?? []) {
    const addr = host.address.find((a) => a['@_addrtype'] === 'ipv4' || a['@_addrtype'] === 'ipv6')?.['@_addr'];
    if (!addr || isIP(addr) === 0) continue;
    for (const p of host.ports?.port ?? []) {
      if (p['@_protocol'] !== 'tcp' || p.state['@_state'] !== 'open') continue;
      const s = p.service;
      const name = s?.['@_name'] && s['@_tunnel'] === 'ssl' && s['@_name'] === 'http' ? 'https' : s?.['@_name'];
      observations.push({
        kind: 'port',
        host: addr,
        port: p['@_portid'],
        ...(name ? { service: name } : {}),
        ...(s?.['@_product'] ? { product: s['@_product'] } : {}),
        ...(s?.['@_version'] ? { version: s['@_version'] } : {}),
        source: 'nmap',
      });
    }
  }
  const start = parsed.data.nmaprun['@_start'];
  return { observations, ...(start ? { startedAt: new Date(start * 1000).toISOString() } : {}) };
}
