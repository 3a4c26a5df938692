import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditBundle, runAudit } from '../src/audit.js';
import { CollectError, collectFromLdap, type LdapSourceOptions } from '../src/sources/ldap-source.js';
import { type SambaDc, startSambaDc } from './samba-dc.js';

let dc: SambaDc;
let serverName: string;
const log: string[] = [];

function options(patch: Partial<LdapSourceOptions> = {}): LdapSourceOptions {
  return {
    url: 'ldaps://127.0.0.1',
    bindDn: dc.adminDn,
    password: dc.adminPass,
    caFile: dc.caFile,
    tlsServerName: serverName,
    progress: (m) => log.push(m),
    ...patch,
  };
}
async function audit(patch: Partial<LdapSourceOptions> = {}): Promise<AuditBundle> {
  return runAudit(await collectFromLdap(options(patch)));
}
const failed = (b: AuditBundle) => new Set(b.findings.filter((f) => f.status === 'failed').map((f) => f.ruleId));
const unicodePwd = (p: string) => Buffer.from(`"${p}"`, 'utf16le').toString('base64');
async function sidOf(name: string): Promise<string> {
  const out = await dc.tool(['user', 'show', name, '--attributes=objectSid']);
  return /objectSid: (S-[\d-]+)/.exec(out)?.[1] ?? '';
}

beforeAll(async () => {
  dc = await startSambaDc();
  const cert = new X509Certificate(readFileSync(join(dc.dir, 'private', 'tls', 'cert.pem')));
  serverName = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? '';
  expect(serverName).not.toBe('');
}, 180_000);

afterAll(async () => {
  await dc?.stop();
});

describe('audit of a real Samba AD DC', () => {
  let hardened: AuditBundle;
  const PLANTED = [
    'P-Kerberoasting',
    'S-NoPreAuthAdmin',
    'S-NoPreAuth',
    'P-ServiceDomainAdmin',
    'S-PwdNeverExpires',
    'P-AdminNum',
    'P-UnconstrainedDelegation',
    'P-DelegationDCt2a4d',
    'P-ConstrainedDelegationT2A4D',
    'S-Reversible',
    'S-DesEnabled',
    'S-Guest',
    'S-ADRegistration',
    'P-ProtectedUsers',
    'A-DsHeuristicsAnonymous',
    'P-AdminSDHolderACL',
    'P-DomainRootACL',
    'P-DCsync',
  ];

  it('collects the freshly provisioned domain completely, with security descriptors', async () => {
    const snap = await collectFromLdap(options());
    expect(snap.incomplete).toEqual([]);
    expect(snap.domain.dnsName).toBe('hopital.test');
    expect(snap.users.map((u) => u.samAccountName)).toEqual(
      expect.arrayContaining(['Administrator', 'krbtgt', 'Guest']),
    );
    expect(snap.computers.length).toBeGreaterThanOrEqual(1);
    expect(snap.securityDescriptors.map((s) => s.role)).toEqual(
      expect.arrayContaining(['domainRoot', 'adminSdHolder']),
    );
    expect(snap.domain.machineAccountQuota).toBe(10);
    const b = runAudit(snap);
    // Samba's default machine quota (10) is a real finding of a fresh domain.
    expect(failed(b)).toContain('S-ADRegistration');
    expect(log.some((l) => l.startsWith('phase users'))).toBe(true);
  });

  it('one connection and four parallel connections collect the same directory', async () => {
    const one = await collectFromLdap(options({ connections: 1 }));
    const four = await collectFromLdap(options({ connections: 4 }));
    const shape = (s: typeof one) => ({
      users: s.users.map((u) => u.dn).sort(),
      computers: s.computers.map((c) => c.dn).sort(),
      groups: s.groups.map((g) => `${g.dn}:${[...g.members].sort().join('|')}`).sort(),
      sds: s.securityDescriptors.map((d) => d.role).sort(),
      templates: s.certificateTemplates.length,
      gpos: s.gpos.length,
      incomplete: s.incomplete,
    });
    expect(shape(four)).toEqual(shape(one));
    expect(one.users.length).toBeGreaterThan(3);
  });

  it('after hardening the defaults, none of the weaknesses to plant is raised', async () => {
    await dc.ldapModify(
      `dn: ${dc.baseDn}\nchangetype: modify\nreplace: ms-DS-MachineAccountQuota\nms-DS-MachineAccountQuota: 0\n`,
    );
    await dc.tool(['user', 'create', 'alice', 'Alice-Pass-2026!']);
    hardened = await audit();
    expect(hardened.incomplete).toEqual([]);
    const raised = failed(hardened);
    for (const id of PLANTED) expect(raised.has(id), id).toBe(false);
  });

  it('finds every planted weakness', async () => {
    const base = dc.baseDn;
    // Privileged service account with an SPN, no pre-authentication, non-expiring password.
    await dc.tool(['user', 'create', 'svc-sql', 'Svc-Sql-Pass-2026!']);
    await dc.tool(['group', 'addmembers', 'Domain Admins', 'svc-sql']);
    await dc.tool(['spn', 'add', 'MSSQLSvc/sql.hopital.test:1433', 'svc-sql']);
    await dc.ldapModify(
      `dn: CN=svc-sql,CN=Users,${base}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: ${0x200 | 0x400000 | 0x10000}\n`,
    );
    // 51 more Domain Admins, bulk-added over LDAP.
    let ldif = '';
    for (let i = 0; i < 51; i++) {
      ldif += `dn: CN=adm${i},CN=Users,${base}\nchangetype: add\nobjectClass: user\nsAMAccountName: adm${i}\nunicodePwd:: ${unicodePwd(`Adm-Pass-${i}-2026!`)}\nuserAccountControl: 512\n\n`;
    }
    ldif += `dn: CN=Domain Admins,CN=Users,${base}\nchangetype: modify\nadd: member\n${Array.from({ length: 51 }, (_, i) => `member: CN=adm${i},CN=Users,${base}`).join('\n')}\n\n`;
    // Unconstrained delegation; constrained delegation with protocol transition to the DC's LDAP service.
    const dcHost = serverName.toLowerCase();
    ldif += `dn: CN=SRV-UNC,CN=Computers,${base}\nchangetype: add\nobjectClass: computer\nsAMAccountName: SRV-UNC$\nuserAccountControl: ${0x1000 | 0x80000}\n\n`;
    ldif += `dn: CN=SRV-CD,CN=Computers,${base}\nchangetype: add\nobjectClass: computer\nsAMAccountName: SRV-CD$\nuserAccountControl: ${0x1000 | 0x1000000}\nmsDS-AllowedToDelegateTo: ldap/${dcHost}\n\n`;
    // Reversible encryption and DES-only accounts.
    ldif += `dn: CN=rev,CN=Users,${base}\nchangetype: add\nobjectClass: user\nsAMAccountName: rev\nunicodePwd:: ${unicodePwd('Rev-Pass-2026!')}\nuserAccountControl: ${0x200 | 0x80}\n\n`;
    ldif += `dn: CN=des,CN=Users,${base}\nchangetype: add\nobjectClass: user\nsAMAccountName: des\nunicodePwd:: ${unicodePwd('Des-Pass-2026!')}\nuserAccountControl: ${0x200 | 0x200000}\n\n`;
    // Default machine-account quota back; weak dSHeuristics (anonymous LDAP operations).
    ldif += `dn: ${base}\nchangetype: modify\nreplace: ms-DS-MachineAccountQuota\nms-DS-MachineAccountQuota: 10\n\n`;
    ldif += `dn: CN=Directory Service,CN=Windows NT,CN=Services,CN=Configuration,${base}\nchangetype: modify\nreplace: dSHeuristics\ndSHeuristics: 0000002\n\n`;
    await dc.ldapModify(ldif);
    await dc.tool(['user', 'enable', 'Guest']);
    // Dangerous ACEs: full control for alice on AdminSDHolder; WriteDacl for Authenticated Users and DCSync for alice on the domain root.
    const alice = await sidOf('alice');
    expect(alice).toMatch(/^S-1-5-21-/);
    await dc.tool(['dsacl', 'set', `--objectdn=CN=AdminSDHolder,CN=System,${base}`, `--sddl=(A;;GA;;;${alice})`]);
    await dc.tool(['dsacl', 'set', `--objectdn=${base}`, '--sddl=(A;;WD;;;AU)']);
    await dc.tool([
      'dsacl',
      'set',
      `--objectdn=${base}`,
      `--sddl=(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;${alice})`,
    ]);

    const planted = await audit();
    expect(planted.incomplete).toEqual([]);
    const raised = failed(planted);
    const missing = PLANTED.filter((id) => !raised.has(id));
    expect(missing).toEqual([]);
    const find = (id: string) => planted.findings.find((f) => f.ruleId === id);
    expect(find('P-Kerberoasting')?.affected.map((a) => a.name)).toContain('svc-sql');
    expect(find('P-AdminNum')?.affectedCount).toBeGreaterThan(50);
    expect(find('P-UnconstrainedDelegation')?.affected.map((a) => a.name)).toEqual(['SRV-UNC$']);
    expect(find('P-DelegationDCt2a4d')?.affected.map((a) => a.name)).toEqual(['SRV-CD$']);
    expect(find('P-AdminSDHolderACL')?.affected.map((a) => a.name)).toContain('alice');
    expect(find('P-DCsync')?.affected.map((a) => a.name)).toContain('alice');
    expect(find('P-DomainRootACL')?.affected.map((a) => a.detail)).toContain(
      'modification des permissions (WriteDacl)',
    );
    expect(planted.anssiLevel).toBe(1);
    expect(planted.scores.global).toBe(100);
    expect(hardened.scores.global).toBeLessThan(planted.scores.global);
  });

  it('a phase the account may not read is marked incomplete and its rules are not evaluated', async () => {
    const alice = await sidOf('alice');
    await dc.tool(['dsacl', 'set', `--objectdn=CN=AdminSDHolder,CN=System,${dc.baseDn}`, `--sddl=(D;;RC;;;${alice})`]);
    const b = await audit({ bindDn: `CN=alice,CN=Users,${dc.baseDn}`, password: 'Alice-Pass-2026!' });
    expect(b.incomplete.map((i) => i.phase)).toContain('securityDescriptors');
    const f = b.findings.find((x) => x.ruleId === 'P-AdminSDHolderACL');
    expect(f?.status).toBe('not_evaluated');
    expect(f?.note).toMatch(/securityDescriptors/);
  });
});

describe('rempart ad CLI against the DC', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const main = new URL('../../cli/src/main.ts', import.meta.url).pathname;
      const p = spawn(process.execPath, ['--import', 'tsx', main, 'ad', ...args], { env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      p.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  it('audits with a password file, writes the HTML and JSON, and diffs two audits', async () => {
    const work = mkdtempSync(join(tmpdir(), 'rempart-ad-cli-'));
    try {
      const pw = join(work, 'pw');
      writeFileSync(pw, `${dc.adminPass}\n`, { mode: 0o600 });
      const common = [
        '--url',
        'ldaps://127.0.0.1',
        '--bind-dn',
        dc.adminDn,
        '--ca',
        dc.caFile,
        '--tls-server-name',
        serverName,
      ];
      const first = await cli([
        'audit',
        ...common,
        '--password-file',
        pw,
        '--json',
        join(work, 'a.json'),
        '--html',
        join(work, 'a.html'),
      ]);
      expect(first.stderr).toContain('phase users');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/niveau ANSSI \d\/5, score global \d+\/100/);
      const html = readFileSync(join(work, 'a.html'), 'utf8');
      expect(html).toContain('Niveau ANSSI atteint');
      const bundle = JSON.parse(readFileSync(join(work, 'a.json'), 'utf8'));
      expect(bundle.rulesetVersion).toBeTruthy();
      await dc.tool(['user', 'create', 'asrep-cli', 'Asrep-Cli-2026!']);
      await dc.ldapModify(
        `dn: CN=asrep-cli,CN=Users,${dc.baseDn}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: ${0x200 | 0x400000}\n`,
      );
      const second = await cli(['audit', ...common, '--password-env', 'AD_PW', '--json', join(work, 'b.json')], {
        AD_PW: dc.adminPass,
      });
      expect(second.code).toBe(0);
      const diff = await cli(['diff', join(work, 'a.json'), join(work, 'b.json')]);
      expect(diff.code).toBe(0);
      expect(diff.stdout).toMatch(/S-NoPreAuth/);
      const refused = await cli(['audit', ...common, '--password', 'x', '--json', join(work, 'c.json')]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--password est refusé/);
      const badCreds = await cli(['audit', ...common, '--password-env', 'AD_PW', '--json', join(work, 'd.json')], {
        AD_PW: 'wrong',
      });
      expect(badCreds.code).toBe(2);
      expect(badCreds.stderr).toMatch(/LDAP_BIND/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('collector errors', () => {
  let hanging: Server;
  let hangingPort = 0;
  const held: Socket[] = [];
  beforeAll(async () => {
    hanging = createServer((s) => void held.push(s));
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    hangingPort = (hanging.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => hanging.close(r));
  });
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'resolved';
    } catch (e) {
      expect(e).toBeInstanceOf(CollectError);
      return (e as CollectError).code;
    }
  };

  it('wrong credentials give LDAP_BIND', async () => {
    expect(await code(collectFromLdap(options({ password: 'wrong-password' })))).toBe('LDAP_BIND');
  });
  it('a DC certificate not signed by a trusted CA gives LDAP_TLS when --ca is missing', async () => {
    expect(await code(collectFromLdap(options({ caFile: undefined })))).toBe('LDAP_TLS');
  });
  it('StartTLS on port 389 works with the CA file', async () => {
    const snap = await collectFromLdap(options({ url: 'ldap://127.0.0.1', startTls: true }));
    expect(snap.users.length).toBeGreaterThan(3);
  });
  it('plain ldap:// without StartTLS is refused before sending the password', async () => {
    expect(await code(collectFromLdap(options({ url: 'ldap://127.0.0.1' })))).toBe('LDAP_CONFIG');
  });
  it('a DC that accepts and never answers times out', async () => {
    expect(
      await code(
        collectFromLdap(
          options({ url: `ldaps://127.0.0.1:${hangingPort}`, connectTimeoutMs: 1500, phaseTimeoutMs: 1500 }),
        ),
      ),
    ).toBe('LDAP_TIMEOUT');
  });
  it('an unreachable DC gives LDAP_CONNECT', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    expect(await code(collectFromLdap(options({ url: `ldaps://127.0.0.1:${port}`, connectTimeoutMs: 1500 })))).toBe(
      'LDAP_CONNECT',
    );
  });
});
