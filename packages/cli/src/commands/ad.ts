import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AuditBundle,
  CollectError,
  collectFromLdap,
  diffAudits,
  InputError,
  importPingCastleXml,
  importSharpHoundZip,
  loadDefaultRuleSet,
  parseBundle,
  parseExceptionsFile,
  type RiskException,
  renderHtmlReport,
  runAudit,
  snapshotFromLdapDomainDump,
} from '@rempart/ad-audit';
import { z } from 'zod';
import { CliError, type Command, parseOptions, wantsHelp } from '../command.js';
import { pushResult } from '../push.js';

const HELP = `rempart ad — audit de sécurité Active Directory (points de contrôle ANSSI, score façon PingCastle)

  rempart ad audit --url ldaps://dc.exemple.local --bind-dn <DN> (--password-file <f> | --password-env <VAR>)
                   [--ca <ca.pem>] [--starttls] [--tls-server-name <nom>] [--exceptions <f.yaml>]
                   [--phase-timeout <s>] [--connections <1-4>] --html <rapport.html> --json <resultat.json>
  rempart ad import <ad_hc_*.xml | resultat.json | sharphound.zip | dossier ldapdomaindump>
                    [--exceptions <f>] [--html <f>] [--json <f>]
  rempart ad diff <avant.json> <apres.json>

  audit et import : --push <url> --token-file <fichier> [--org <id>] envoient le résultat à la plateforme
  Rempart (indicateur D1 Active Directory de l'établissement : niveau ANSSI si la collecte est complète).

--connections : connexions LDAP simultanées (4 par défaut : utilisateurs, ordinateurs, groupes et le
reste en parallèle ; 1 pour ménager un contrôleur chargé).

Le mot de passe n'est jamais accepté sur la ligne de commande. La vérification du certificat du
contrôleur est toujours active : fournissez l'autorité avec --ca. Import : PingCastle ad_hc_*.xml
(audit passé, scores et règles déclenchées), résultats JSON de Rempart, archives SharpHound/BloodHound
(.zip, meta version 5 ou 6) et dumps ldapdomaindump (dossier ou un de ses fichiers domain_*.json) ;
les points que ces collectes ne couvrent pas (ACL, PKI, DNS, schéma…) sont marqués « non évalué ».`;

const MAX_INPUT = 64 * 1024 * 1024;

async function readInput(path: string): Promise<string> {
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(path);
  } catch {
    throw new CliError(`fichier introuvable : ${path}`);
  }
  if (s.size > MAX_INPUT)
    throw new CliError(`fichier trop volumineux (${s.size} octets, maximum ${MAX_INPUT}) : ${path}`);
  return readFile(path, 'utf8');
}

const MAX_ZIP = 512 * 1024 * 1024;

async function readZip(path: string): Promise<Uint8Array> {
  const s = await stat(path).catch(() => {
    throw new CliError(`fichier introuvable : ${path}`);
  });
  if (s.size > MAX_ZIP) throw new CliError(`archive trop volumineuse (${s.size} octets, maximum ${MAX_ZIP}) : ${path}`);
  return new Uint8Array(await readFile(path));
}

/** A directory holding ldapdomaindump output, or the directory of one of its domain_*.json files. */
async function ldapDomainDumpDir(path: string): Promise<string | null> {
  const s = await stat(path).catch(() => null);
  if (s?.isDirectory()) return path;
  if (s?.isFile() && /^domain_[a-z_]+\.json$/.test(basename(path))) return dirname(path);
  return null;
}

async function readLdapDomainDump(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).filter((n) =>
    [
      'domain_users.json',
      'domain_computers.json',
      'domain_groups.json',
      'domain_policy.json',
      'domain_trusts.json',
    ].includes(n),
  );
  if (names.length === 0) throw new CliError(`aucun fichier domain_*.json de ldapdomaindump dans ${dir}`);
  const files: Record<string, string> = {};
  for (const n of names) files[n] = await readInput(join(dir, n));
  return files;
}

async function loadExceptions(path: string | undefined): Promise<RiskException[]> {
  if (!path) return [];
  try {
    return parseExceptionsFile(await readInput(path));
  } catch (e) {
    if (e instanceof InputError) throw new CliError(`[${e.code}] ${e.message}`);
    throw e;
  }
}

interface PushOptions {
  push?: string;
  'token-file'?: string;
  org?: string;
}

const pushOptions = { push: { type: 'string' }, 'token-file': { type: 'string' }, org: { type: 'string' } } as const;

function checkPushOptions(o: PushOptions) {
  if (o.push && !o['token-file']) throw new CliError('--push exige --token-file');
  if (o.org !== undefined && !/^\d{1,12}$/.test(o.org)) throw new CliError('--org : identifiant numérique attendu');
}

async function writeOutputs(bundle: AuditBundle, html?: string, json?: string, push: PushOptions = {}): Promise<void> {
  if (json) await writeFile(json, `${JSON.stringify(bundle, null, 2)}\n`);
  if (html) await writeFile(html, renderHtmlReport(bundle));
  const failed = bundle.findings.filter((f) => f.status === 'failed').length;
  const notEvaluated = bundle.findings.filter((f) => f.status === 'not_evaluated').length;
  process.stdout.write(
    `Domaine ${bundle.domain.dnsName} : niveau ANSSI ${bundle.anssiLevel}/5, score global ${bundle.scores.global}/100 ` +
      `(objets obsolètes ${bundle.scores.categories.StaleObjects}, comptes privilégiés ${bundle.scores.categories.PrivilegedAccounts}, ` +
      `approbations ${bundle.scores.categories.Trusts}, anomalies ${bundle.scores.categories.Anomalies}) ; ${failed} point(s) en échec, ${notEvaluated} non évalué(s).\n`,
  );
  if (push.push) {
    const target = {
      url: push.push,
      tokenFile: push['token-file']!,
      organisationId: push.org ? Number(push.org) : undefined,
    };
    process.stderr.write(`${await pushResult(target, 'ad-audit', bundle)}\n`);
  }
}

const auditSchema = z
  .object({
    url: z.string().regex(/^ldaps?:\/\//, 'URL ldaps:// ou ldap:// attendue'),
    'bind-dn': z.string().min(3),
    'password-file': z.string().optional(),
    'password-env': z.string().optional(),
    ca: z.string().optional(),
    starttls: z.boolean().optional(),
    'tls-server-name': z.string().optional(),
    exceptions: z.string().optional(),
    'phase-timeout': z.coerce.number().int().min(1).max(86_400).optional(),
    connections: z.coerce.number().int().min(1).max(4).optional(),
    html: z.string().optional(),
    json: z.string().optional(),
    push: z.string().optional(),
    'token-file': z.string().optional(),
    org: z.string().optional(),
  })
  .refine((o) => o['password-file'] || o['password-env'], {
    message: '--password-file ou --password-env requis',
    path: ['password-file'],
  })
  .refine((o) => o.html || o.json || o.push, { message: '--html, --json ou --push requis', path: ['html'] });

async function runAuditCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'bind-dn': { type: 'string' },
      'password-file': { type: 'string' },
      'password-env': { type: 'string' },
      password: { type: 'string' },
      ca: { type: 'string' },
      starttls: { type: 'boolean' },
      'tls-server-name': { type: 'string' },
      exceptions: { type: 'string' },
      'phase-timeout': { type: 'string' },
      connections: { type: 'string' },
      html: { type: 'string' },
      json: { type: 'string' },
      ...pushOptions,
    },
    strict: true,
  });
  if (values.password !== undefined)
    throw new CliError(
      '--password est refusé : un mot de passe sur la ligne de commande est visible de tous (ps) ; utilisez --password-file ou --password-env',
    );
  const o = parseOptions(auditSchema, values);
  checkPushOptions(o);
  let password: string;
  if (o['password-file']) password = (await readInput(o['password-file'])).replace(/\r?\n$/, '');
  else {
    const v = process.env[o['password-env'] as string];
    if (!v) throw new CliError(`variable d'environnement ${o['password-env']} vide ou absente`);
    password = v;
  }
  const exceptions = await loadExceptions(o.exceptions);
  let snapshot: Awaited<ReturnType<typeof collectFromLdap>>;
  try {
    const collecting = collectFromLdap({
      url: o.url,
      bindDn: o['bind-dn'],
      password,
      ...(o.ca ? { caFile: o.ca } : {}),
      ...(o['tls-server-name'] ? { tlsServerName: o['tls-server-name'] } : {}),
      startTls: o.starttls === true,
      ...(o['phase-timeout'] ? { phaseTimeoutMs: o['phase-timeout'] * 1000 } : {}),
      ...(o.connections ? { connections: o.connections } : {}),
      progress: (m) => process.stderr.write(`${m}\n`),
    });
    // Parse the rule set while the first LDAP round trips are in flight rather than after the collection.
    collecting.catch(() => {});
    loadDefaultRuleSet();
    snapshot = await collecting;
  } catch (e) {
    if (e instanceof CollectError) throw new CliError(`[${e.code}] ${e.message}`);
    throw e;
  }
  let started = Date.now();
  const bundle = runAudit(snapshot, { exceptions });
  process.stderr.write(`règles évaluées en ${Date.now() - started} ms\n`);
  started = Date.now();
  await writeOutputs(bundle, o.html, o.json, o);
  process.stderr.write(`résultats écrits en ${Date.now() - started} ms\n`);
  return 0;
}

async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { html: { type: 'string' }, json: { type: 'string' }, exceptions: { type: 'string' }, ...pushOptions },
    allowPositionals: true,
    strict: true,
  });
  checkPushOptions(values);
  const [file] = positionals;
  if (!file || positionals.length !== 1)
    throw new CliError(
      'usage : rempart ad import <ad_hc_*.xml | resultat.json | collecte.zip | dossier ldapdomaindump>',
    );
  const exceptions = await loadExceptions(values.exceptions);
  let bundle: AuditBundle;
  try {
    const lddDir = await ldapDomainDumpDir(file);
    if (lddDir) bundle = runAudit(snapshotFromLdapDomainDump(await readLdapDomainDump(lddDir)), { exceptions });
    else if (/\.zip$/i.test(file)) bundle = runAudit(importSharpHoundZip(await readZip(file)), { exceptions });
    else {
      const text = await readInput(file);
      if (/^\s*</.test(text)) bundle = importPingCastleXml(text);
      else bundle = parseBundle(text);
    }
  } catch (e) {
    if (e instanceof InputError) throw new CliError(`[${e.code}] ${e.message}`);
    throw e;
  }
  await writeOutputs(bundle, values.html, values.json, values);
  return 0;
}

async function runDiff(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {} });
  if (positionals.length !== 2) throw new CliError('usage : rempart ad diff <avant.json> <apres.json>');
  const load = async (p: string) => {
    try {
      return parseBundle(await readInput(p));
    } catch (e) {
      if (e instanceof InputError) throw new CliError(`${p} : [${e.code}] ${e.message}`);
      throw e;
    }
  };
  const d = diffAudits(await load(positionals[0] as string), await load(positionals[1] as string));
  const lines = [
    `Score global : ${d.from.globalScore} → ${d.to.globalScore} ; niveau ANSSI : ${d.from.anssiLevel} → ${d.to.anssiLevel}`,
    ...d.new.map((f) => `+ nouveau   ${f.ruleId} — ${f.title} (${f.affectedCount} objet(s), ${f.points} pts)`),
    ...d.worsened.map(
      (w) =>
        `! aggravé   ${w.after.ruleId} — ${w.before.affectedCount} → ${w.after.affectedCount} objet(s), ${w.before.points} → ${w.after.points} pts`,
    ),
    ...d.improved.map(
      (w) => `~ amélioré  ${w.after.ruleId} — ${w.before.affectedCount} → ${w.after.affectedCount} objet(s)`,
    ),
    ...d.fixed.map((f) => `- corrigé   ${f.ruleId} — ${f.title}`),
    ...d.unknown.map((f) => `? non évalué dans le second audit : ${f.ruleId}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export const ad: Command = {
  name: 'ad',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (!sub || (wantsHelp(argv) && !['audit', 'import', 'diff'].includes(sub))) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (wantsHelp(rest)) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    try {
      if (sub === 'audit') return await runAuditCommand(rest);
      if (sub === 'import') return await runImport(rest);
      if (sub === 'diff') return await runDiff(rest);
    } catch (e) {
      if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
        throw new CliError(e.message);
      throw e;
    }
    throw new CliError(`sous-commande inconnue : ${sub} (audit, import, diff)`);
  },
};
