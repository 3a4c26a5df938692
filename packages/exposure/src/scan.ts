import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Finding, Observation } from './model.js';
import { type ExposureScore, evaluate, type RuleSet, score } from './rules/rules.js';
import { type IdentifyOptions, identifyService, type ServiceInfo } from './scanner/identify.js';
import { type ConnectScanOptions, connectScan, type PortResult } from './scanner/tcp-connect.js';

/** Turns an identified service into the observations rules consume. */
export function observationsFromService(info: ServiceInfo): Observation[] {
  // HTTP title and redirect target travel in the banner so edge-appliance fingerprints can read them.
  const web = info.http
    ? [info.http.title && `title: ${info.http.title}`, info.http.location && `location: ${info.http.location}`]
        .filter(Boolean)
        .join('; ')
    : '';
  const banner = info.banner ?? (web || undefined);
  const out: Observation[] = [
    {
      kind: 'port',
      host: info.host,
      port: info.port,
      service: info.service,
      ...(info.product ? { product: info.product } : {}),
      ...(banner ? { banner } : {}),
      source: 'rempart',
    },
  ];
  const cond = (condition: Extract<Observation, { kind: 'condition' }>['condition'], detail: string) =>
    out.push({ kind: 'condition', host: info.host, port: info.port, condition, detail, source: 'rempart' });
  const legacy = info.tls?.versions.filter((v) => v === 'TLSv1' || v === 'TLSv1.1') ?? [];
  if (legacy.length > 0) cond('tls-legacy-protocol', `protocoles acceptés : ${info.tls?.versions.join(', ')}`);
  const cert = info.tls?.certificate;
  if (cert?.expired) cond('tls-cert-expired', `certificat expiré le ${cert.validTo}`);
  if (cert?.selfSigned) cond('tls-cert-self-signed', `certificat auto-signé (${cert.subject})`);
  if (info.http && info.http.missingHeaders.length > 0 && !info.http.redirectsToHttps)
    cond('http-missing-security-headers', `en-têtes absents : ${info.http.missingHeaders.join(', ')}`);
  return out;
}

export interface ScanState {
  readonly version: 1;
  readonly ports: PortResult[];
  readonly services: ServiceInfo[];
}

export interface ExposureScanOptions extends ConnectScanOptions, IdentifyOptions {
  /** Resumable state file: completed ports and identified services are kept there and skipped on restart. */
  readonly stateFile?: string;
  readonly identifyConcurrency?: number;
  /** Called after each open port's service is identified (not counting those resumed from the state file). */
  readonly onIdentified?: (done: number, total: number) => void;
}

export interface ExposureScanResult {
  readonly ports: PortResult[];
  readonly services: ServiceInfo[];
  readonly observations: Observation[];
  readonly findings: Finding[];
  readonly score: ExposureScore;
}

export class ScanStateError extends Error {
  readonly code = 'SCAN_STATE_INVALID';
}

const MAX_STATE_BYTES = 200_000_000;
const stateSchema = z.object({
  version: z.literal(1),
  ports: z.array(
    z.object({
      host: z.string().max(255),
      port: z.number().int().min(1).max(65535),
      state: z.enum(['open', 'closed', 'filtered']),
      attempts: z.number().int().min(0),
    }),
  ),
  services: z.array(
    z.looseObject({ host: z.string().max(255), port: z.number().int().min(1).max(65535), service: z.string().max(64) }),
  ),
});

/** Reads a resumable state file; a missing file is an empty state, a damaged one a clear error. */
export function loadState(file: string | undefined): ScanState {
  if (!file || !existsSync(file)) return { version: 1, ports: [], services: [] };
  const text = readFileSync(file, 'utf8');
  if (text.length > MAX_STATE_BYTES) throw new ScanStateError(`fichier d'état de scan trop volumineux : ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ScanStateError(`fichier d'état de scan illisible (JSON invalide) : ${file}`);
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScanStateError(
      `fichier d'état de scan inattendu (${issue?.path.join('.')}) : ${issue?.message} — ${file}`,
    );
  }
  return parsed.data as ScanState;
}

function saveState(file: string | undefined, state: ScanState): void {
  if (!file) return;
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

/** Connect scan, then identification of every open port, then rules. Targets must already be checked against the scope. */
export async function scanExposure(
  hosts: readonly string[],
  ports: readonly number[],
  ruleSet: RuleSet,
  options: ExposureScanOptions = {},
): Promise<ExposureScanResult> {
  const state = loadState(options.stateFile);
  const done = new Set(state.ports.map((p) => `${p.host}:${p.port}`));
  const portResults = [...state.ports];
  let sinceSave = 0;
  await connectScan(hosts, ports, {
    ...options,
    skip: done,
    onResult: (r, n, total) => {
      portResults.push(r);
      if (++sinceSave >= 500) {
        sinceSave = 0;
        saveState(options.stateFile, { version: 1, ports: portResults, services: state.services });
      }
      options.onResult?.(r, n, total);
    },
  });
  const services = [...state.services];
  const identified = new Set(services.map((s) => `${s.host}:${s.port}`));
  const open = portResults.filter((p) => p.state === 'open' && !identified.has(`${p.host}:${p.port}`));
  let index = 0;
  let identifiedCount = 0;
  const worker = async () => {
    while (index < open.length) {
      const p = open[index++] as PortResult;
      services.push(await identifyService(p.host, p.port, options));
      saveState(options.stateFile, { version: 1, ports: portResults, services });
      options.onIdentified?.(++identifiedCount, open.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.identifyConcurrency ?? 16, open.length) }, worker));
  saveState(options.stateFile, { version: 1, ports: portResults, services });
  const order = (a: { host: string; port: number }, b: { host: string; port: number }) =>
    a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1;
  portResults.sort(order);
  services.sort(order);
  const observations = services.flatMap(observationsFromService);
  const findings = evaluate(ruleSet, observations);
  return { ports: portResults, services, observations, findings, score: score(findings) };
}
