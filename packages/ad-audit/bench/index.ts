/**
 * Benchmark: a Samba AD DC bulk-loaded with 20,000 users, 5,000 computers and 2,000 groups; time and peak
 * RSS of a full `rempart ad audit` next to a plain paged `ldapsearch` dump of the same attributes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTED_ATTRIBUTES } from '../src/sources/ldap-source.js';
import { startSambaDc } from '../test/samba-dc.js';

const USERS = Number(process.env.BENCH_USERS ?? 20_000);
const COMPUTERS = Number(process.env.BENCH_COMPUTERS ?? 5_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 2_000);
const repo = new URL('../../../', import.meta.url).pathname;

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

const dc = await startSambaDc({ realm: 'BENCH.TEST', domain: 'BENCH' });
try {
  const cert = new X509Certificate(readFileSync(join(dc.dir, 'private', 'tls', 'cert.pem')));
  const serverName = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? '';
  const ldapEnv = { ...process.env, LDAPTLS_CACERT: dc.caFile, LDAPTLS_REQCERT: 'allow' };
  const base = dc.baseDn;
  const ldifPath = join(dc.dir, 'bulk.ldif');
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
  writeFileSync(ldifPath, chunks.join('\n'));
  const loadStart = Date.now();
  execFileSync(
    'ldapadd',
    ['-c', '-x', '-H', 'ldaps://127.0.0.1', '-D', dc.adminDn, '-w', dc.adminPass, '-f', ldifPath],
    { env: ldapEnv, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 },
  );
  console.log(
    `bulk load (ldapadd): ${USERS} users, ${COMPUTERS} computers, ${GROUPS} groups in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`,
  );

  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: repo, stdio: 'inherit' });
  const out = join(dc.dir, 'out');
  const audit = await timed(
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
      '--json',
      `${out}.json`,
      '--html',
      `${out}.html`,
    ],
    { ...process.env, BENCH_AD_PASSWORD: dc.adminPass },
  );
  if (audit.code !== 0) throw new Error(`rempart ad audit a échoué : ${audit.stderr.slice(-2000)}`);
  const bundle = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { counts: Record<string, number> };

  const dumps = [
    ['(&(objectClass=user)(!(objectClass=computer)))', COLLECTED_ATTRIBUTES.users],
    ['(objectClass=computer)', COLLECTED_ATTRIBUTES.computers],
    ['(objectClass=group)', COLLECTED_ATTRIBUTES.groups],
  ] as const;
  let dumpSeconds = 0;
  let dumpRss = 0;
  for (const [filter, attrs] of dumps) {
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
    dumpSeconds += r.seconds;
    dumpRss = Math.max(dumpRss, r.rssMiB);
  }
  console.log(
    `objects collected by the audit: ${bundle.counts.users} users, ${bundle.counts.computers} computers, ${bundle.counts.groups} groups`,
  );
  console.log(
    `rempart ad audit (collect + 94 rules + HTML + JSON): ${audit.seconds.toFixed(2)} s, peak RSS ${audit.rssMiB.toFixed(0)} MiB`,
  );
  console.log(
    `ldapsearch -E pr=1000/noprompt (users+computers+groups, same attributes): ${dumpSeconds.toFixed(2)} s, peak RSS ${dumpRss.toFixed(0)} MiB`,
  );
  console.log(`ratio audit/dump: ${(audit.seconds / dumpSeconds).toFixed(2)}×`);
} finally {
  await dc.stop();
}
