import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditBundle, runAudit } from '../src/audit.js';
import { sidFromBytes } from '../src/ldap-values.js';
import { CollectError, collectFromLdap, type LdapSourceOptions } from '../src/sources/ldap-source.js';
import { encodeAce, encodeObjectAce, encodeSd } from './builders.js';
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

// ---- AD CS and trusts, planted in the real directory.

/** Runs fn with an LDAPS connection bound as Administrator. */
async function asAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({
    url: 'ldaps://127.0.0.1',
    tlsOptions: { ca: [readFileSync(dc.caFile)], servername: serverName },
    strictDN: false,
  });
  await c.bind(dc.adminDn, dc.adminPass);
  try {
    return await fn(c);
  } finally {
    await c.unbind().catch(() => {});
  }
}
type Values = string | string[] | Buffer | Buffer[];
const toAttributes = (record: Record<string, Values>) =>
  Object.entries(record).map(
    ([type, v]) => new Attribute({ type, values: (Array.isArray(v) ? v : [v]) as Buffer[] | string[] }),
  );
async function ldapAdd(entries: [string, Record<string, Values>][]): Promise<void> {
  await asAdmin(async (c) => {
    for (const [dn, record] of entries) await c.add(dn, toAttributes(record));
  });
}
async function domainSid(): Promise<string> {
  const r = await asAdmin((c) =>
    c.search(dc.baseDn, { scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] }),
  );
  return sidFromBytes(r.searchEntries[0]?.objectSid as Buffer) ?? '';
}
const pks = () => `CN=Public Key Services,CN=Services,CN=Configuration,${dc.baseDn}`;
const templateDn = (name: string) => `CN=${name},CN=Certificate Templates,${pks()}`;
const caDn = (name: string) => `CN=${name},CN=Enrollment Services,${pks()}`;
const ENROLL = '0e10c968-78fb-11d2-90d4-00c04f79dc55';
const EKU = {
  clientAuth: '1.3.6.1.5.5.7.3.2',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  email: '1.3.6.1.5.5.7.3.4',
  efs: '1.3.6.1.4.1.311.10.3.4',
  any: '2.5.29.37.0',
};
/**
 * A pKICertificateTemplate: admins and SYSTEM in full control, Authenticated Users read, then the given
 * ACEs (Samba adds the ACEs inherited from CN=Certificate Templates).
 */
function aTemplate(
  sid: string,
  t: { nameFlag?: number; enrollmentFlag?: number; raSignatures?: number; ekus?: string[]; aces: number[][] },
): Record<string, Values> {
  const da = `${sid}-512`;
  return {
    objectClass: 'pKICertificateTemplate',
    'msPKI-Certificate-Name-Flag': String(t.nameFlag ?? 0),
    'msPKI-Enrollment-Flag': String(t.enrollmentFlag ?? 0),
    'msPKI-RA-Signature': String(t.raSignatures ?? 0),
    ...(t.ekus?.length ? { pKIExtendedKeyUsage: t.ekus } : {}),
    nTSecurityDescriptor: Buffer.from(
      encodeSd(da, da, [
        encodeAce(0, 0, 0xf01ff, da),
        encodeAce(0, 0, 0xf01ff, 'S-1-5-18'),
        encodeAce(0, 0, 0x20094, 'S-1-5-11'),
        ...t.aces,
      ]),
    ),
  };
}
const enroll = (sid: string) => encodeObjectAce(5, 0x100, sid, ENROLL);
/** A self-signed CA certificate (DER) made by openssl: the key size and the signature hash are the point. */
async function caCertificate(cn: string, key: string, hash: string): Promise<Buffer> {
  const work = mkdtempSync(join(tmpdir(), 'rempart-ca-'));
  try {
    const out = join(work, 'ca.der');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      key,
      `-${hash}`,
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-days',
      '3650',
      '-keyout',
      join(work, 'key.pem'),
      '-out',
      out,
      '-outform',
      'DER',
    ]);
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
/** A pKIEnrollmentService (enterprise CA) publishing templates. */
const anEnrollmentService = (cert: Buffer, templates: string[]): Record<string, Values> => ({
  objectClass: 'pKIEnrollmentService',
  cACertificate: cert,
  certificateTemplates: templates,
  dNSHostName: `pki.${dc.realm.toLowerCase()}`,
});
/**
 * A trustedDomain under CN=System. Samba refuses LSA object classes over LDAP ("LSA objectclasses cannot be
 * created or changed over LDAP"), and `samba-tool domain trust create` needs the other domain's DC: the
 * object is written to sam.ldb as the local system, with the attributes an LSA-created trust has.
 */
function trustLdif(
  name: string,
  t: { flatName: string; direction: number; type: number; attributes: number; encTypes?: number; rid: number },
) {
  return [
    `dn: CN=${name},CN=System,${dc.baseDn}`,
    'changetype: add',
    'objectClass: trustedDomain',
    `trustPartner: ${name}`,
    `flatName: ${t.flatName}`,
    `trustDirection: ${t.direction}`,
    `trustType: ${t.type}`,
    `trustAttributes: ${t.attributes}`,
    `securityIdentifier: S-1-5-21-1000-2000-${t.rid}`,
    ...(t.encTypes !== undefined ? [`msDS-SupportedEncryptionTypes: ${t.encTypes}`] : []),
    '',
    '',
  ].join('\n');
}
const TRUST = {
  FOREST_TRANSITIVE: 0x8,
  QUARANTINED: 0x4,
  TREAT_AS_EXTERNAL: 0x40,
  NO_TGT_DELEG: 0x200,
  TGT_DELEG: 0x800,
};
const AES = 0x18;

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
    'A-CertTempAuthEnrollWithName',
    'A-CertTempAnyPurpose',
    'A-CertTempControl',
    'A-CertWeakHash',
    'A-CertWeakRsa',
    'T-SIDFiltering',
    'T-SIDFilteringDomain',
    'T-Inactive',
    'T-TGTDelegation',
    'T-Downlevel',
    'T-AlgsAES',
  ];
  /** The planted AD CS and trust objects each of those rules must name, and only them. */
  const PLANTED_OBJECTS: Record<string, string[]> = {
    'A-CertTempAuthEnrollWithName': ['ESC1-Usurpation'],
    'A-CertTempAnyPurpose': ['Sans-EKU', 'Tout-Usage'],
    'A-CertTempControl': ['ESC4-Modifiable'],
    'A-CertWeakHash': ['CA-SHA1'],
    'A-CertWeakRsa': ['CA-RSA1024', 'NTAuthCertificates'],
    'T-SIDFiltering': ['foret-sidhistory.test'],
    'T-SIDFilteringDomain': ['externe.test'],
    'T-Inactive': ['ancien.test'],
    'T-TGTDelegation': ['foret-tgt.test'],
    'T-Downlevel': ['NT4DOM'],
    'T-AlgsAES': ['rc4.test'],
  };
  const SAFE_TEMPLATES = ['Utilisateur-Sain', 'Approbation-Gestionnaire', 'Admins-Seulement'];

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
    // A hardened PKI: templates close to the vulnerable ones but safe (subject built from the directory,
    // manager approval, enrollment for admins only), a CA with RSA 2048 / SHA-256 in the enrollment
    // services and in NTAuth; a forest trust with SID filtering, no TGT delegation and AES.
    const sid = await domainSid();
    const safeCert = await caCertificate('CA-Saine', 'rsa:2048', 'sha256');
    await ldapAdd([
      [
        templateDn('Utilisateur-Sain'),
        // SUBJECT_ALT_REQUIRE_UPN | SUBJECT_ALT_REQUIRE_EMAIL | SUBJECT_REQUIRE_EMAIL | SUBJECT_REQUIRE_DIRECTORY_PATH
        aTemplate(sid, {
          nameFlag: 0xa6000000 | 0,
          ekus: [EKU.clientAuth, EKU.email, EKU.efs],
          aces: [enroll(`${sid}-513`)],
        }),
      ],
      [
        templateDn('Approbation-Gestionnaire'),
        aTemplate(sid, { nameFlag: 1, enrollmentFlag: 0x2, ekus: [EKU.clientAuth], aces: [enroll(`${sid}-513`)] }),
      ],
      [
        templateDn('Admins-Seulement'),
        aTemplate(sid, { nameFlag: 1, ekus: [EKU.clientAuth], aces: [enroll(`${sid}-512`)] }),
      ],
      [caDn('CA-Saine'), anEnrollmentService(safeCert, SAFE_TEMPLATES)],
      [
        `CN=NTAuthCertificates,${pks()}`,
        {
          objectClass: 'certificationAuthority',
          cACertificate: safeCert,
          authorityRevocationList: Buffer.from([0]),
          certificateRevocationList: Buffer.from([0]),
        },
      ],
    ]);
    await dc.samLdb(
      trustLdif('sain.test', {
        flatName: 'SAIN',
        direction: 3,
        type: 2,
        attributes: TRUST.FOREST_TRANSITIVE | TRUST.NO_TGT_DELEG,
        encTypes: AES,
        rid: 1,
      }),
    );
    const snap = await collectFromLdap(options());
    hardened = runAudit(snap);
    expect(hardened.incomplete).toEqual([]);
    // The collector reads the planted PKI and trust objects.
    const templates = snap.certificateTemplates.filter((t) => SAFE_TEMPLATES.includes(t.name));
    expect(templates.map((t) => t.name).sort()).toEqual([...SAFE_TEMPLATES].sort());
    for (const t of templates) {
      expect(t.securityDescriptorError, t.name).toBeUndefined();
      expect(
        t.securityDescriptor?.dacl?.aces.some((a) => a.objectType === ENROLL),
        t.name,
      ).toBe(true);
    }
    expect(templates.find((t) => t.name === 'Utilisateur-Sain')).toMatchObject({
      dn: templateDn('Utilisateur-Sain'),
      nameFlag: 0xa6000000,
      extendedKeyUsages: [EKU.clientAuth, EKU.email, EKU.efs],
    });
    expect(templates.find((t) => t.name === 'Approbation-Gestionnaire')?.enrollmentFlag).toBe(2);
    expect(
      snap.certificationAuthorities.map((c) => [
        c.store,
        c.name,
        Buffer.from(c.certificates[0] ?? []).equals(safeCert),
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['enrollment', 'CA-Saine', true],
        ['ntauth', 'NTAuthCertificates', true],
      ]),
    );
    expect(snap.publishedTemplates).toEqual(expect.arrayContaining(SAFE_TEMPLATES));
    expect(snap.trusts).toEqual([
      expect.objectContaining({
        dn: `CN=sain.test,CN=System,${dc.baseDn}`,
        name: 'sain.test',
        direction: 3,
        type: 2,
        attributes: 0x208,
        supportedEncryptionTypes: AES,
      }),
    ]);
    expect(Date.now() - (snap.trusts[0]?.whenChanged?.getTime() ?? 0)).toBeLessThan(3_600_000);
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

    // AD CS: an ESC1 template, an any-purpose and a no-EKU template open to every user, a template every
    // user may rewrite (ESC4); a CA signed with SHA-1, a CA with an RSA 1024 key also trusted in NTAuth.
    const sid = await domainSid();
    const [sha1Cert, rsa1024Cert] = await Promise.all([
      caCertificate('CA-SHA1', 'rsa:2048', 'sha1'),
      caCertificate('CA-RSA1024', 'rsa:1024', 'sha256'),
    ]);
    await ldapAdd([
      [
        templateDn('ESC1-Usurpation'),
        aTemplate(sid, { nameFlag: 1, ekus: [EKU.clientAuth], aces: [enroll(`${sid}-513`)] }),
      ],
      [templateDn('Tout-Usage'), aTemplate(sid, { ekus: [EKU.any], aces: [enroll('S-1-5-11')] })],
      [templateDn('Sans-EKU'), aTemplate(sid, { aces: [enroll(`${sid}-513`)] })],
      // Write of every property for Authenticated Users: enough to turn the template into an ESC1 one.
      [
        templateDn('ESC4-Modifiable'),
        aTemplate(sid, { ekus: [EKU.serverAuth], aces: [encodeAce(0, 0, 0x20, 'S-1-5-11')] }),
      ],
      [caDn('CA-SHA1'), anEnrollmentService(sha1Cert, ['ESC1-Usurpation', 'Tout-Usage'])],
      [caDn('CA-RSA1024'), anEnrollmentService(rsa1024Cert, ['Sans-EKU', 'ESC4-Modifiable'])],
    ]);
    await dc.ldapModify(
      `dn: CN=NTAuthCertificates,${pks()}\nchangetype: modify\nadd: cACertificate\ncACertificate:: ${rsa1024Cert.toString('base64')}\n`,
    );
    // Trusts: one per trust rule.
    const { FOREST_TRANSITIVE: FOREST, QUARANTINED, TREAT_AS_EXTERNAL, NO_TGT_DELEG, TGT_DELEG } = TRUST;
    await dc.samLdb(
      [
        trustLdif('foret-sidhistory.test', {
          flatName: 'FORETSID',
          direction: 3,
          type: 2,
          attributes: FOREST | TREAT_AS_EXTERNAL | NO_TGT_DELEG,
          encTypes: AES,
          rid: 2,
        }),
        trustLdif('externe.test', { flatName: 'EXTERNE', direction: 3, type: 2, attributes: 0, encTypes: AES, rid: 3 }),
        trustLdif('foret-tgt.test', {
          flatName: 'FORETTGT',
          direction: 3,
          type: 2,
          attributes: FOREST | TGT_DELEG,
          encTypes: AES,
          rid: 4,
        }),
        trustLdif('NT4DOM', {
          flatName: 'NT4DOM',
          direction: 3,
          type: 1,
          attributes: QUARANTINED,
          encTypes: AES,
          rid: 5,
        }),
        trustLdif('rc4.test', { flatName: 'RC4', direction: 3, type: 2, attributes: QUARANTINED, rid: 6 }),
        trustLdif('ancien.test', {
          flatName: 'ANCIEN',
          direction: 3,
          type: 2,
          attributes: QUARANTINED,
          encTypes: AES,
          rid: 7,
        }),
      ].join(''),
    );
    // A trust whose password has not changed for years: Samba stamps whenChanged itself, so it is set in
    // the partition file, below the modules that maintain it.
    await dc.samLdb(
      `dn: CN=ancien.test,CN=System,${dc.baseDn}\nchangetype: modify\nreplace: whenChanged\nwhenChanged: 20200101000000.0Z\n`,
      { bypassModules: true },
    );

    const planted = await audit();
    expect(planted.incomplete).toEqual([]);
    const raised = failed(planted);
    const missing = PLANTED.filter((id) => !raised.has(id));
    expect(missing).toEqual([]);
    const find = (id: string) => planted.findings.find((f) => f.ruleId === id);
    for (const [id, names] of Object.entries(PLANTED_OBJECTS)) {
      expect(
        find(id)
          ?.affected.map((a) => a.name)
          .sort(),
        id,
      ).toEqual(names);
      expect(find(id)?.note, id).toBeUndefined();
    }
    expect(find('A-CertTempAuthEnrollWithName')?.affected[0]?.dn).toBe(templateDn('ESC1-Usurpation'));
    expect(find('A-CertTempControl')?.affected[0]?.detail).toBe(
      'Utilisateurs authentifiés : écriture de toutes les propriétés',
    );
    expect(find('A-CertWeakHash')?.affected[0]).toEqual({
      name: 'CA-SHA1',
      dn: caDn('CA-SHA1'),
      detail: 'signature SHA-1',
    });
    expect(find('A-CertWeakRsa')?.affected.map((a) => a.detail)).toEqual([
      'clé RSA de 1024 bits',
      'clé RSA de 1024 bits',
    ]);
    expect(find('T-Inactive')?.affected[0]?.dn).toBe(`CN=ancien.test,CN=System,${dc.baseDn}`);
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

  it('hostile PKI values in the directory give a per-object incomplete record, never a crash or a lost finding', async () => {
    // What Samba stores as given: a truncated CA certificate, a pKIExpirationPeriod of the wrong length (no
    // rule reads it), a flags value with every bit set and an application policy that is not an OID. A
    // malformed nTSecurityDescriptor cannot be planted: Samba refuses it on write and serializes the stored
    // one on read (the collector's handling of one is covered in src/sources/ldap-source.test.ts).
    const good = await caCertificate('CA-Corrompue', 'rsa:2048', 'sha256');
    await ldapAdd([
      [caDn('CA-Corrompue'), anEnrollmentService(good.subarray(0, 100), ['Hostile'])],
      [
        templateDn('Hostile'),
        {
          objectClass: 'pKICertificateTemplate',
          'msPKI-Certificate-Name-Flag': '-1',
          'msPKI-Certificate-Application-Policy': 'pas-un-oid <script>',
          pKIExpirationPeriod: Buffer.from([0xff, 0x00, 0x7f]),
        },
      ],
    ]);
    try {
      const snap = await collectFromLdap(options());
      expect(snap.incomplete).toEqual([]);
      const hostile = snap.certificateTemplates.find((t) => t.name === 'Hostile');
      expect(hostile).toMatchObject({ nameFlag: 0xffffffff, extendedKeyUsages: ['pas-un-oid <script>'] });
      expect(hostile?.securityDescriptorError).toBeUndefined();
      expect(snap.certificationAuthorities.find((c) => c.name === 'CA-Corrompue')?.certificates[0]?.length).toBe(100);
      const b = runAudit(snap);
      expect(b.incomplete).toEqual([
        {
          phase: 'pki',
          code: 'AD_OBJECT_UNREADABLE',
          dn: caDn('CA-Corrompue'),
          reason: expect.stringMatching(/^certificat illisible/),
        },
      ]);
      for (const id of ['A-CertWeakHash', 'A-CertWeakRsa']) {
        const f = b.findings.find((x) => x.ruleId === id);
        // The readable weak CAs are still reported; the corrupt one is named as not verifiable.
        expect(f?.status, id).toBe('failed');
        expect(f?.affected.map((a) => a.name).sort(), id).toEqual(PLANTED_OBJECTS[id]);
        expect(f?.note, id).toMatch(/^données illisibles \(1 objet/);
        expect(f?.note, id).toContain(`${caDn('CA-Corrompue')} — certificat illisible`);
      }
      // Its subject flag is set but its only "EKU" is not client authentication: not an ESC1 template.
      expect(b.findings.find((x) => x.ruleId === 'A-CertTempAuthEnrollWithName')?.affected.map((a) => a.name)).toEqual(
        PLANTED_OBJECTS['A-CertTempAuthEnrollWithName'],
      );
    } finally {
      await asAdmin(async (c) => {
        await c.del(caDn('CA-Corrompue'));
        await c.del(templateDn('Hostile'));
      });
    }
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
