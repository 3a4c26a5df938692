/**
 * Benchmark: a Samba AD DC bulk-loaded with 20,000 users, 5,000 computers and 2,000 groups; time and peak
 * RSS of a full `rempart ad audit` next to a plain paged `ldapsearch` dump of the same attributes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { COLLECTED_ATTRIBUTES } from '../src/sources/ldap-source.js';
import { startSambaDc } from '../test/samba-dc.js';

const USERS = Number(process.env.BENCH_USERS ?? 20_000);
const COMPUTERS = Number(process.env.BENCH_COMPUTERS ?? 5_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 2_000);
const repo = new URL('../../../', import.meta.url).pathname;
const loadAverage = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;

function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ seconds: number; rssMiB: number; code: number; stderr: string }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const p = spawn('/usr/bin/time', ['-v', cmd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ seconds, rssMiB: kb / 1024, code: code ?? -1, stderr });
    });
  });
}

/** The bench directory as LDIF: one OU, then users, computers and groups of ten members each. */
function benchLdif(base: string): string {
  const chunks: string[] = [`dn: OU=Bench,${base}\nobjectClass: organizationalUnit\n`];
  for (let i = 0; i < USERS; i++)
    chunks.push(
      `dn: CN=u${i},OU=Bench,${base}\nobjectClass: user\nsAMAccountName: u${i}\nuserAccountControl: ${i % 50 === 0 ? 0x10200 : 0x202}\n`,
    );
  for (let i = 0; i < COMPUTERS; i++)
    chunks.push(
      `dn: CN=pc${i},OU=Bench,${base}\nobjectClass: computer\nsAMAccountName: pc${i}$\noperatingSystem: ${i % 10 === 0 ? 'Windows 7 Professional' : 'Windows 11 Enterprise'}\n`,
    );
  for (let i = 0; i < GROUPS; i++) {
    const members = Array.from({ length: 10 }, (_, k) => `member: CN=u${(i * 10 + k) % USERS},OU=Bench,${base}`).join(
      '\n',
    );
    chunks.push(`dn: CN=g${i},OU=Bench,${base}\nobjectClass: group\nsAMAccountName: g${i}\n${members}\n`);
  }
  return chunks.join('\n');
}

// Bulk load while samba is stopped, straight into sam.ldb through Samba's own dsdb modules in one
// transaction (bench/load-ldif.py): the entries get their SIDs and AD defaults exactly as over LDAP,
// without a network round trip and a commit per entry.
const dc = await startSambaDc({
  realm: 'BENCH.TEST',
  domain: 'BENCH',
  async beforeStart({ dir, confFile, samLdb, baseDn }) {
    const ldifPath = join(dir, 'bulk.ldif');
    writeFileSync(ldifPath, benchLdif(baseDn));
    const loadStart = Date.now();
    const added = execFileSync(
      '/usr/bin/python3',
      [new URL('./load-ldif.py', import.meta.url).pathname, confFile, samLdb, ldifPath],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    ).trim();
    console.log(
      `bulk load (offline, sam.ldb via Samba dsdb, one transaction): ${added} entries (${USERS} users, ${COMPUTERS} computers, ${GROUPS} groups) in ${((Date.now() - loadStart) / 1000).toFixed(1)} s — ${loadAverage()}`,
    );
  },
});
try {
  const cert = new X509Certificate(readFileSync(join(dc.dir, 'private', 'tls', 'cert.pem')));
  const serverName = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? '';
  const ldapEnv = { ...process.env, LDAPTLS_CACERT: dc.caFile, LDAPTLS_REQCERT: 'allow' };
  const base = dc.baseDn;

  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: repo, stdio: 'inherit' });
  const out = join(dc.dir, 'out');
  const runAuditCli = async (connections: number) => {
    const r = await timed(
      process.execPath,
      [
        join(repo, 'packages/cli/dist/main.js'),
        'ad',
        'audit',
        '--url',
        'ldaps://127.0.0.1',
        '--bind-dn',
        dc.adminDn,
        '--password-env',
        'BENCH_AD_PASSWORD',
        '--ca',
        dc.caFile,
        '--tls-server-name',
        serverName,
        '--connections',
        String(connections),
        '--json',
        `${out}.json`,
        '--html',
        `${out}.html`,
      ],
      { ...process.env, BENCH_AD_PASSWORD: dc.adminPass },
    );
    if (r.code !== 0) throw new Error(`rempart ad audit a échoué : ${r.stderr.slice(-2000)}`);
    const bundle = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as {
      counts: Record<string, number>;
      incomplete: unknown[];
    };
    // The loaded objects must all come back, with their SIDs (the collector drops an entry without one).
    if (bundle.counts.users! < USERS || bundle.counts.computers! < COMPUTERS || bundle.counts.groups! < GROUPS)
      throw new Error(`collecte partielle : ${JSON.stringify(bundle.counts)}`);
    if (bundle.incomplete.length > 0) throw new Error(`collecte incomplète : ${JSON.stringify(bundle.incomplete)}`);
    const phases = [...r.stderr.matchAll(/^(phase \S+ terminée en \d+ ms|règles .*|résultats .*)$/gm)].map((m) => m[1]);
    return { ...r, bundle, phases, load: loadAverage() };
  };

  const dumps = [
    ['(&(objectClass=user)(!(objectClass=computer)))', COLLECTED_ATTRIBUTES.users],
    ['(objectClass=computer)', COLLECTED_ATTRIBUTES.computers],
    ['(objectClass=group)', COLLECTED_ATTRIBUTES.groups],
  ] as const;
  const dump = async ([filter, attrs]: (typeof dumps)[number]) => {
    const r = await timed(
      'ldapsearch',
      [
        '-LLL',
        '-x',
        '-H',
        'ldaps://127.0.0.1',
        '-D',
        dc.adminDn,
        '-w',
        dc.adminPass,
        '-E',
        'pr=1000/noprompt',
        '-b',
        base,
        filter,
        ...attrs,
      ],
      ldapEnv,
    );
    if (r.code !== 0) throw new Error(`ldapsearch a échoué : ${r.stderr.slice(-1000)}`);
    return r;
  };
  const dumpSequential = async () => {
    let seconds = 0;
    let rssMiB = 0;
    for (const d of dumps) {
      const r = await dump(d);
      seconds += r.seconds;
      rssMiB = Math.max(rssMiB, r.rssMiB);
    }
    return { seconds, rssMiB, load: loadAverage() };
  };
  const dumpParallel = async () => {
    const started = process.hrtime.bigint();
    const rs = await Promise.all(dumps.map(dump));
    return {
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      rssMiB: rs.reduce((s, r) => s + r.rssMiB, 0),
      load: loadAverage(),
    };
  };

  // Same run, interleaved so that a change of machine load hits both sides alike.
  const audit = await runAuditCli(4);
  const seq = await dumpSequential();
  const auditOne = await runAuditCli(1);
  const par = await dumpParallel();
  const b = audit.bundle.counts;
  console.log(`objects collected by the audit: ${b.users} users, ${b.computers} computers, ${b.groups} groups`);
  console.log(`  phases (4 connections): ${audit.phases.join(' ; ')}`);
  console.log(`  phases (1 connection): ${auditOne.phases.join(' ; ')}`);
  console.log(
    `rempart ad audit, 4 parallel LDAP connections (collect + 94 rules + HTML + JSON): ${audit.seconds.toFixed(2)} s, peak RSS ${audit.rssMiB.toFixed(0)} MiB — ${audit.load}`,
  );
  console.log(
    `ldapsearch -E pr=1000/noprompt, 3 searches one after the other (users, computers, groups; same attributes): ${seq.seconds.toFixed(2)} s, peak RSS ${seq.rssMiB.toFixed(0)} MiB — ${seq.load}`,
  );
  console.log(
    `rempart ad audit, 1 LDAP connection (--connections 1): ${auditOne.seconds.toFixed(2)} s, peak RSS ${auditOne.rssMiB.toFixed(0)} MiB — ${auditOne.load}`,
  );
  console.log(
    `ldapsearch -E pr=1000/noprompt, the 3 searches at once: ${par.seconds.toFixed(2)} s, RSS sum ${par.rssMiB.toFixed(0)} MiB — ${par.load}`,
  );
  console.log(
    `ratio audit (4 connections) / sequential dump: ${(audit.seconds / seq.seconds).toFixed(2)}× (target ≤ 1.5×); ` +
      `audit (1 connection) / sequential dump: ${(auditOne.seconds / seq.seconds).toFixed(2)}×; ` +
      `audit (4 connections) / parallel dump: ${(audit.seconds / par.seconds).toFixed(2)}×`,
  );
} finally {
  await dc.stop();
}
