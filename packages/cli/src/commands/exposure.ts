import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  assertInScope,
  BUNDLE_FORMAT,
  checkDomain,
  d1EvidencePack,
  defaultEdgeFingerprints,
  defaultRuleSet,
  diffFindings,
  type ExposureBundle,
  evaluate,
  exposureHtml,
  findingsCsv,
  importNmapXml,
  importNucleiJsonl,
  importTestsslJson,
  kevFindings,
  type Observation,
  observationsFromDomain,
  parseBundle,
  parseKevCatalogue,
  parsePorts,
  parseScope,
  ScopeError,
  scanExposure,
  scopeAddresses,
  score,
} from '@rempart/exposure';
import { z } from 'zod';
import { CliError, type Command, parseOptions } from '../command.js';
import { progressLine } from '../progress.js';
import { pushResult } from '../push.js';

const HELP = `rempart exposure <scan|import|diff|cadence> …

  scan --scope scope.yaml [--lab] [--ports 1-1024] [--state état.json] [--resolver ip[:port]]… [--json r.json] [--html r.html] [--csv r.csv]
       [--rate N] [--concurrency N] [--timeout ms] [--retries N]
      Scan TCP connect des plages déclarées (refus hors périmètre ; plages privées seulement avec --lab).
      --rate : connexions nouvelles par seconde au plus (défaut : sans limite) ; --concurrency : connexions
      simultanées au plus (défaut 256) ; --timeout : délai maximal d'une tentative en ms, adapté au temps de
      réponse mesuré (défaut 1500) ; --retries : nouvelles tentatives d'un port sans réponse (défaut 1).
  import <nmap.xml|testssl.json|nuclei.jsonl> [--kev kev.json] [--json …] [--html …] [--csv …]
      --kev : catalogue CISA KEV (JSON importé hors ligne) ; sa date est inscrite dans le résultat.
  diff avant.json après.json        Nouvelle exposition = alerte (code de sortie 1).
  cadence <résultats.json…> [--out pack.json]   Règle CaRE D1.O2 (deux audits à 45–60 jours, niveau minimum).

Avec scan et import : --push <url> --token-file <fichier> [--org <id>] envoie le résultat à la plateforme Rempart
(indicateurs D1 de l'établissement, cadence D1.O2 calculée sur l'historique).`;

const DEFAULT_PORTS =
  '21,22,23,25,80,104,110,135,139,143,443,445,1433,1521,2575,3306,3389,5432,5900-5905,5938,5985,5986,6379,7070,8000,8080,8443,9200,9300,10000,11112,27017';

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`lecture impossible de ${path} : ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function checkPushOptions(values: { push?: string; 'token-file'?: string; org?: string }) {
  if (values.push && !values['token-file']) throw new CliError('--push exige --token-file');
  if (values.org !== undefined && !/^\d{1,12}$/.test(values.org))
    throw new CliError('--org : identifiant numérique attendu');
}

async function writeOutputs(
  bundle: ExposureBundle,
  out: { json?: string; html?: string; csv?: string; push?: string; 'token-file'?: string; org?: string },
): Promise<void> {
  if (out.json) await writeFile(out.json, `${JSON.stringify(bundle, null, 2)}\n`);
  if (out.html) await writeFile(out.html, exposureHtml(bundle));
  if (out.csv) await writeFile(out.csv, findingsCsv(bundle));
  process.stdout.write(
    `${bundle.findings.length} constats, score ${bundle.score.total} points, niveau minimum ${bundle.score.minimumLevel ? 'atteint' : 'NON atteint'}\n`,
  );
  for (const f of bundle.findings)
    process.stdout.write(
      `  [${f.severity}] +${f.points} ${f.host}${f.port ? `:${f.port}` : ''} ${f.ruleId} ${f.title}\n`,
    );
  if (out.push) {
    const target = {
      url: out.push,
      tokenFile: out['token-file']!,
      organisationId: out.org ? Number(out.org) : undefined,
    };
    process.stderr.write(`${await pushResult(target, 'exposure', bundle)}\n`);
  }
}

async function makeBundle(
  observations: Observation[],
  sources: string[],
  scope: ExposureBundle['scope'],
  kevPath: string | undefined,
  scannedAt = new Date().toISOString(),
): Promise<ExposureBundle> {
  const rules = defaultRuleSet();
  const findings = evaluate(rules, observations);
  let kev: ExposureBundle['kev'];
  if (kevPath) {
    let catalogue: ReturnType<typeof parseKevCatalogue>;
    try {
      catalogue = parseKevCatalogue(await readText(kevPath));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${kevPath} : ${(e as Error).message}`);
    }
    findings.push(...kevFindings(observations, defaultEdgeFingerprints(), catalogue));
    kev = { catalogVersion: catalogue.catalogVersion, dateReleased: catalogue.dateReleased };
  }
  return {
    format: BUNDLE_FORMAT,
    id: randomUUID(),
    scannedAt,
    rulesVersion: rules.version,
    ...(kev ? { kev } : {}),
    scope,
    sources,
    observations,
    findings,
    score: score(findings),
  };
}

const outputOptions = {
  json: { type: 'string' },
  html: { type: 'string' },
  csv: { type: 'string' },
  push: { type: 'string' },
  'token-file': { type: 'string' },
  org: { type: 'string' },
  kev: { type: 'string' },
} as const;

async function scanCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...outputOptions,
      scope: { type: 'string' },
      lab: { type: 'boolean' },
      ports: { type: 'string' },
      state: { type: 'string' },
      resolver: { type: 'string', multiple: true },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
    },
  });
  checkPushOptions(values);
  if (!values.scope) throw new CliError('--scope <fichier> est obligatoire');
  const limits = parseOptions(
    z.object({
      rate: z.coerce.number().int().min(1).max(1_000_000).optional(),
      concurrency: z.coerce.number().int().min(1).max(4096).optional(),
      timeout: z.coerce.number().int().min(10).max(60_000).optional(),
      retries: z.coerce.number().int().min(0).max(10).optional(),
    }),
    { rate: values.rate, concurrency: values.concurrency, timeout: values.timeout, retries: values.retries },
  );
  let ports: number[];
  try {
    ports = parsePorts(values.ports ?? DEFAULT_PORTS);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  try {
    const scope = parseScope(await readText(values.scope), { lab: values.lab === true });
    const hosts = scopeAddresses(scope);
    for (const h of hosts) assertInScope(scope, h);
    const scannedAt = new Date().toISOString();
    const progress = progressLine();
    let open = 0;
    const result = await scanExposure(hosts, ports, defaultRuleSet(), {
      ...(values.state ? { stateFile: values.state } : {}),
      ...(limits.rate !== undefined ? { ratePerSecond: limits.rate } : {}),
      ...(limits.concurrency !== undefined ? { concurrency: limits.concurrency } : {}),
      ...(limits.timeout !== undefined ? { timeoutMs: limits.timeout } : {}),
      ...(limits.retries !== undefined ? { retries: limits.retries } : {}),
      onResult: (r, done, total) => {
        if (r.state === 'open') open++;
        progress.update(done / total, () => `${done}/${total} ports · ${open} ouvert(s)`);
        if (done === total) progress.end();
      },
      onIdentified: (done, total) => progress.update(done / total, () => `${done}/${total} services identifiés`),
    });
    progress.end();
    const observations = [...result.observations];
    for (const domain of scope.domains) {
      process.stderr.write(`DNS : ${domain}\n`);
      const facts = await checkDomain(domain, values.resolver ? { servers: values.resolver } : {});
      for (const err of facts.errors) process.stderr.write(`  DNS incomplet pour ${domain} : ${err}\n`);
      observations.push(...observationsFromDomain(facts));
    }
    const bundle = await makeBundle(
      observations,
      ['rempart'],
      {
        ...(scope.establishment ? { establishment: scope.establishment } : {}),
        ...(scope.finess ? { finess: scope.finess } : {}),
        domains: [...scope.domains],
        ranges: scope.ranges.map((r) => r.text),
      },
      values.kev,
      scannedAt,
    );
    await writeOutputs(bundle, values);
    return 0;
  } catch (e) {
    if (e instanceof ScopeError) throw new CliError(`${e.code} : ${e.message}`);
    throw e;
  }
}

async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: outputOptions, allowPositionals: true });
  checkPushOptions(values);
  const file = positionals[0];
  if (!file || positionals.length !== 1)
    throw new CliError('un fichier à importer (nmap .xml, testssl .json, nuclei .jsonl)');
  const text = await readText(file);
  let observations: Observation[];
  let source: string;
  try {
    if (file.endsWith('.xml')) [observations, source] = [importNmapXml(text).observations, 'nmap'];
    else if (file.endsWith('.jsonl')) [observations, source] = [importNucleiJsonl(text).observations, 'nuclei'];
    else if (file.endsWith('.json')) [observations, source] = [importTestsslJson(text), 'testssl'];
    else throw new CliError('extension inconnue : .xml (nmap), .json (testssl.sh), .jsonl (nuclei)');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${(e as { code?: string }).code ?? 'IMPORT'} : ${(e as Error).message}`);
  }
  await writeOutputs(await makeBundle(observations, [source], { domains: [], ranges: [] }, values.kev), values);
  return 0;
}

async function loadBundle(path: string): Promise<ExposureBundle> {
  try {
    return parseBundle(await readText(path));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${path} : ${(e as Error).message}`);
  }
}

async function diffCommand(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true });
  if (positionals.length !== 2) throw new CliError('deux résultats JSON : avant et après');
  const [a, b] = await Promise.all(positionals.map(loadBundle));
  const d = diffFindings((a as ExposureBundle).findings, (b as ExposureBundle).findings);
  for (const f of d.added)
    process.stdout.write(
      `ALERTE nouvelle exposition : ${f.host}${f.port ? `:${f.port}` : ''} ${f.ruleId} ${f.title}\n`,
    );
  for (const f of d.fixed) process.stdout.write(`corrigé : ${f.host}${f.port ? `:${f.port}` : ''} ${f.ruleId}\n`);
  for (const c of d.changed)
    process.stdout.write(
      `modifié : ${c.after.host}${c.after.port ? `:${c.after.port}` : ''} ${c.after.ruleId} (${c.before.evidence} → ${c.after.evidence})\n`,
    );
  process.stdout.write(`${d.added.length} nouveaux, ${d.fixed.length} corrigés, ${d.changed.length} modifiés\n`);
  return d.alert ? 1 : 0;
}

async function cadenceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { out: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new CliError('au moins un résultat JSON');
  const pack = d1EvidencePack(await Promise.all(positionals.map(loadBundle)));
  process.stdout.write(`D1.O2 ${pack.verdict.met ? 'atteint' : 'non atteint'} : ${pack.verdict.reason}\n`);
  if (values.out) await writeFile(values.out, `${JSON.stringify(pack, null, 2)}\n`);
  return pack.verdict.met ? 0 : 1;
}

export const exposure: Command = {
  name: 'exposure',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    try {
      switch (sub) {
        case 'scan':
          return await scanCommand(rest);
        case 'import':
          return await importCommand(rest);
        case 'diff':
          return await diffCommand(rest);
        case 'cadence':
          return await cadenceCommand(rest);
        default:
          throw new CliError(`sous-commande inconnue : ${sub ?? '(aucune)'}\n${HELP}`);
      }
    } catch (e) {
      if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))
        throw new CliError(e.message);
      throw e;
    }
  },
};
