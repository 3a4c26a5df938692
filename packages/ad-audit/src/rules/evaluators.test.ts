import { describe, expect, it } from 'vitest';
import { aCleanDomain, ace, anAccount, anSd, BASE, DOMAIN_SID, NOW } from '../../test/builders.js';
import { runAudit } from '../audit.js';
import { type DirectorySnapshot, UAC } from '../model.js';
import { EVALUATORS } from './evaluators.js';
import { loadDefaultRuleSet } from './ruleset.js';

const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const user = (s: DirectorySnapshot, name: string) => s.users.find((u) => u.samAccountName === name)!;
const comp = (s: DirectorySnapshot, name: string) => s.computers.find((u) => u.samAccountName === `${name}$`)!;
const group = (s: DirectorySnapshot, name: string) => s.groups.find((g) => g.samAccountName === name)!;
function addAdmin(s: DirectorySnapshot, name: string, patch: Parameters<typeof anAccount>[3] = {}) {
  const a = anAccount('user', name, 3000 + s.users.length, { adminCount: 1, ...patch });
  s.users.push(a);
  group(s, 'Domain Admins').members.push(a.dn);
  return a;
}
function addServer(s: DirectorySnapshot, name: string, patch: Parameters<typeof anAccount>[3] = {}) {
  const c = anAccount('computer', name, 4000 + s.computers.length, {
    operatingSystem: 'Windows Server 2019',
    hasLapsPassword: true,
    ...patch,
  });
  s.computers.push(c);
  return c;
}
const setOs = (os: string) => (s: DirectorySnapshot) => void addServer(s, 'OLD', { operatingSystem: os });
const trust =
  (attributes: number, patch: Partial<DirectorySnapshot['trusts'][number]> = {}) =>
  (s: DirectorySnapshot) =>
    void s.trusts.push({
      dn: `CN=other.test,CN=System,${BASE}`,
      name: 'other.test',
      direction: 3,
      type: 2,
      attributes,
      whenChanged: daysAgo(1),
      supportedEncryptionTypes: 24,
      ...patch,
    });
const heur = (pos: number, c: string) => (s: DirectorySnapshot) => {
  s.domain.dsHeuristics = '0000000001000000000000'
    .split('')
    .map((x, i) => (i === pos - 1 ? c : x))
    .join('');
};
const template = (patch: Partial<DirectorySnapshot['certificateTemplates'][number]>) => (s: DirectorySnapshot) =>
  void s.certificateTemplates.push({
    dn: `CN=Tpl,CN=Certificate Templates,CN=Public Key Services,CN=Services,CN=Configuration,${BASE}`,
    name: 'Tpl',
    nameFlag: 0,
    enrollmentFlag: 0,
    raSignatures: 0,
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
    securityDescriptor: anSd(`${DOMAIN_SID}-512`, [
      ace(`${DOMAIN_SID}-513`, 0x100, '0e10c968-78fb-11d2-90d4-00c04f79dc55'),
    ]),
    ...patch,
  });

/** One planting per rule: applied to the clean domain it must make exactly that rule fail. */
const PLANT: Record<string, (s: DirectorySnapshot) => void> = {
  'S-Inactive': (s) => {
    for (let i = 0; i < 3; i++)
      s.users.push(anAccount('user', `old${i}`, 5000 + i, { lastLogonTimestamp: daysAgo(400) }));
  },
  'S-C-Inactive': (s) => void addServer(s, 'GONE', { lastLogonTimestamp: daysAgo(300), pwdLastSet: daysAgo(10) }),
  'S-PwdNeverExpires': (s) => {
    user(s, 'alice').userAccountControl |= UAC.DONT_EXPIRE_PASSWORD;
  },
  'S-PwdNotRequired': (s) => {
    user(s, 'alice').userAccountControl |= UAC.PASSWD_NOTREQD;
  },
  'S-NoPreAuth': (s) => {
    user(s, 'alice').userAccountControl |= UAC.DONT_REQ_PREAUTH;
  },
  'S-DesEnabled': (s) => {
    user(s, 'alice').userAccountControl |= UAC.USE_DES_KEY_ONLY;
  },
  'S-AesNotEnabled': (s) =>
    Object.assign(user(s, 'alice'), { servicePrincipalNames: ['http/app'], supportedEncryptionTypes: 4 }),
  'S-Reversible': (s) => {
    user(s, 'alice').userAccountControl |= UAC.ENCRYPTED_TEXT_PWD_ALLOWED;
  },
  'S-PwdLastSet-45': (s) => void addServer(s, 'S45', { pwdLastSet: daysAgo(60) }),
  'S-PwdLastSet-90': (s) => void addServer(s, 'S90', { pwdLastSet: daysAgo(120) }),
  'S-PwdLastSet-DC': (s) => {
    comp(s, 'DC1').pwdLastSet = daysAgo(100);
  },
  'S-DC-Inactive': (s) => {
    comp(s, 'DC1').lastLogonTimestamp = daysAgo(100);
  },
  'S-DCRegistration': (s) => void addServer(s, 'FAKE', { primaryGroupId: 516 }),
  'S-PrimaryGroup': (s) => {
    user(s, 'alice').primaryGroupId = 1105;
  },
  'S-C-PrimaryGroup': (s) => {
    comp(s, 'PC1').primaryGroupId = 513;
  },
  'S-PrimaryGroupPrivileged': (s) => {
    user(s, 'alice').primaryGroupId = 512;
  },
  'S-ADRegistration': (s) => {
    s.domain.machineAccountQuota = 10;
  },
  'S-DC-Obsolete': (s) => {
    comp(s, 'DC1').operatingSystem = 'Windows Server 2008 R2 Standard';
  },
  'S-OS-XP': setOs('Windows XP Professional'),
  'S-OS-Vista': setOs('Windows Vista Business'),
  'S-OS-Win7': setOs('Windows 7 Professionnel'),
  'S-OS-Win8': setOs('Windows 8.1 Pro'),
  'S-OS-W10': setOs('Windows 10 Entreprise'),
  'S-OS-2000': setOs('Windows 2000 Server'),
  'S-OS-2003': setOs('Windows Server 2003'),
  'S-OS-2008': setOs('Windows Server 2008 R2 Enterprise'),
  'S-OS-2012': setOs('Windows Server 2012 R2 Standard'),
  'S-FunctionalLevel1': (s) => {
    s.domain.functionalLevel = 2;
  },
  'S-FunctionalLevel3': (s) => {
    s.domain.functionalLevel = 5;
  },
  'S-FunctionalLevel4': (s) => {
    s.domain.forestFunctionalLevel = 6;
  },
  'S-SIDHistory': (s) => {
    user(s, 'alice').sidHistory = ['S-1-5-21-9-9-9-1234'];
  },
  'S-SIDHistoryDangerous': (s) => {
    user(s, 'alice').sidHistory = [`${DOMAIN_SID}-512`];
  },
  'S-Guest': (s) => {
    user(s, 'Guest').userAccountControl = UAC.NORMAL_ACCOUNT;
  },
  'S-KrbtgtRODCOrphan': (s) => void s.users.push(anAccount('user', 'krbtgt_12345', 6000, { userAccountControl: 514 })),
  'S-AltSecurityIdentities': (s) => {
    user(s, 'alice').altSecurityIdentities = ['X509:<I>CN=CA<S>CN=alice'];
  },
  'S-RecentObjects': (s) => {
    user(s, 'alice').whenCreated = daysAgo(2);
  },
  'S-SmartcardExpire': (s) => {
    user(s, 'alice').userAccountControl |= UAC.SMARTCARD_REQUIRED | UAC.DONT_EXPIRE_PASSWORD;
  },
  'P-AdminNum': (s) => {
    for (let i = 0; i < 51; i++) addAdmin(s, `adm${i}`, { userAccountControl: UAC.NORMAL_ACCOUNT | UAC.NOT_DELEGATED });
    for (const u of s.users.filter((x) => x.samAccountName.startsWith('adm')))
      group(s, 'Protected Users').members.push(u.dn);
  },
  'P-AdminSDHolder': (s) => {
    const a = addAdmin(s, 'noac', { adminCount: null, userAccountControl: UAC.NORMAL_ACCOUNT | UAC.NOT_DELEGATED });
    group(s, 'Protected Users').members.push(a.dn);
  },
  'P-AdminPwdTooOld': (s) => {
    user(s, 'Administrator').pwdLastSet = daysAgo(1200);
  },
  'P-Inactive': (s) => {
    user(s, 'Administrator').lastLogonTimestamp = daysAgo(400);
  },
  'P-ServiceDomainAdmin': (s) => {
    user(s, 'Administrator').userAccountControl |= UAC.DONT_EXPIRE_PASSWORD;
  },
  'P-Kerberoasting': (s) => {
    user(s, 'Administrator').servicePrincipalNames = ['MSSQLSvc/sql.chu.test'];
  },
  'S-NoPreAuthAdmin': (s) => {
    user(s, 'Administrator').userAccountControl |= UAC.DONT_REQ_PREAUTH;
  },
  'P-ReversiblePriv': (s) => {
    user(s, 'Administrator').userAccountControl |= UAC.ENCRYPTED_TEXT_PWD_ALLOWED;
  },
  'P-UnconstrainedDelegation': (s) => {
    comp(s, 'SRV1').userAccountControl |= UAC.TRUSTED_FOR_DELEGATION;
  },
  'P-DelegationDCt2a4d': (s) =>
    Object.assign(comp(s, 'SRV1'), {
      userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION,
      allowedToDelegateTo: ['ldap/dc1.chu.test'],
    }),
  'P-DelegationDCa2d2': (s) => {
    comp(s, 'SRV1').allowedToDelegateTo = ['cifs/dc1.chu.test'];
  },
  'P-ConstrainedDelegationT2A4D': (s) =>
    Object.assign(comp(s, 'SRV1'), {
      userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION,
      allowedToDelegateTo: ['http/web.chu.test'],
    }),
  'P-DelegationDCsourcedeleg': (s) => {
    comp(s, 'DC1').hasResourceBasedDelegation = true;
  },
  'P-Delegated': (s) => {
    user(s, 'Administrator').userAccountControl = UAC.NORMAL_ACCOUNT;
    group(s, 'Protected Users').members = [];
  },
  'P-ProtectedUsers': (s) => {
    addAdmin(s, 'opsadmin', { userAccountControl: UAC.NORMAL_ACCOUNT | UAC.NOT_DELEGATED });
    group(s, 'Protected Users').members = [];
  },
  'P-RecycleBin': (s) => {
    s.domain.recycleBinEnabled = false;
  },
  'P-AdminSDHolderACL': (s) =>
    void s.securityDescriptors[1]!.securityDescriptor.dacl!.aces.push(ace(`${DOMAIN_SID}-1105`, 0xf01ff)),
  'P-DomainRootACL': (s) => void s.securityDescriptors[0]!.securityDescriptor.dacl!.aces.push(ace('S-1-5-11', 0x40000)),
  'P-DomainControllersACL': (s) =>
    void s.securityDescriptors.push({
      role: 'domainControllers',
      dn: `OU=Domain Controllers,${BASE}`,
      securityDescriptor: anSd(`${DOMAIN_SID}-512`, [ace(`${DOMAIN_SID}-513`, 0x10000000)]),
    }),
  'P-DCsync': (s) =>
    void s.securityDescriptors[0]!.securityDescriptor.dacl!.aces.push(
      ace(`${DOMAIN_SID}-1105`, 0x100, '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2'),
    ),
  'P-Owner': (s) => {
    s.securityDescriptors[1]!.securityDescriptor.owner = `${DOMAIN_SID}-1105`;
  },
  'P-DnsAdmins': (s) => void group(s, 'DnsAdmins').members.push(user(s, 'alice').dn),
  'P-OperatorsEmpty': (s) => void group(s, 'Account Operators').members.push(user(s, 'alice').dn),
  'P-SchemaAdmin': (s) => void group(s, 'Schema Admins').members.push(user(s, 'Administrator').dn),
  'P-GroupLoop': (s) => {
    s.groups.push(
      { dn: `CN=A,${BASE}`, sid: `${DOMAIN_SID}-7001`, samAccountName: 'A', members: [`CN=B,${BASE}`] },
      { dn: `CN=B,${BASE}`, sid: `${DOMAIN_SID}-7002`, samAccountName: 'B', members: [`CN=A,${BASE}`] },
    );
  },
  'P-PrivilegedPwdNotRequired': (s) => {
    user(s, 'Administrator').userAccountControl |= UAC.PASSWD_NOTREQD;
  },
  'P-AdminDesOnly': (s) => {
    user(s, 'Administrator').userAccountControl |= UAC.USE_DES_KEY_ONLY;
  },
  'T-SIDFiltering': trust(0x8 | 0x40 | 0x200),
  'T-SIDFilteringDomain': trust(0),
  'T-Inactive': trust(0x4, { whenChanged: daysAgo(90) }),
  'T-TGTDelegation': trust(0x8 | 0x800),
  'T-Downlevel': trust(0x4, { type: 1 }),
  'T-AlgsAES': trust(0x4, { supportedEncryptionTypes: null }),
  'A-Krbtgt': (s) => {
    user(s, 'krbtgt').pwdLastSet = daysAgo(800);
  },
  'A-PreWin2000Anonymous': (s) =>
    void group(s, 'Pre-Windows 2000 Compatible Access').members.push(`CN=S-1-5-7,CN=ForeignSecurityPrincipals,${BASE}`),
  'A-PreWin2000Other': (s) => void group(s, 'Pre-Windows 2000 Compatible Access').members.push(user(s, 'alice').dn),
  'A-DsHeuristicsAnonymous': heur(7, '2'),
  'A-DsHeuristicsAllowAnonNSPI': heur(8, '1'),
  'A-DsHeuristicsAdminSDExMask': heur(16, 'f'),
  'A-DsHeuristicsDoListObject': heur(3, '1'),
  'A-DsHeuristicsLDAPSecurity': heur(13, '1'),
  'A-DsHeuristicsNoUniqueness': heur(21, '1'),
  'A-LAPS-Not-Installed': (s) => {
    s.schema = { lapsLegacy: false, lapsWindows: false };
  },
  'A-LAPS-Coverage': (s) => {
    comp(s, 'PC1').hasLapsPassword = false;
  },
  'A-MinPwdLen': (s) => {
    s.domain.minPwdLength = 7;
  },
  'A-LockoutThreshold': (s) => {
    s.domain.lockoutThreshold = 0;
  },
  'A-PwdHistory': (s) => {
    s.domain.pwdHistoryLength = 5;
  },
  'A-UnixPwd': (s) => {
    user(s, 'alice').hasClearTextPasswordAttribute = true;
  },
  'A-DnsZoneUpdate1': (s) =>
    void s.dnsZones.push({ dn: `DC=chu.test,${BASE}`, name: 'chu.test', allowUpdate: 1, securityDescriptor: null }),
  'A-DnsZoneAUCreateChild': (s) =>
    void s.dnsZones.push({
      dn: `DC=chu.test,${BASE}`,
      name: 'chu.test',
      allowUpdate: 2,
      securityDescriptor: anSd('S-1-5-18', [ace('S-1-1-0', 0x1)]),
    }),
  'A-CertTempAuthEnrollWithName': template({ nameFlag: 1 }),
  'A-CertTempAnyPurpose': template({ extendedKeyUsages: ['2.5.29.37.0'] }),
  'A-CertTempControl': template({ securityDescriptor: anSd(`${DOMAIN_SID}-512`, [ace('S-1-5-11', 0x20)]) }),
  'A-CertWeakHash': (s) =>
    void s.certificationAuthorities.push({
      dn: 'CN=CA',
      name: 'CA',
      store: 'ntauth',
      certificates: [
        Uint8Array.from([
          0x30, 0x10, 0x30, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05,
        ]),
      ],
    }),
  'A-CertWeakRsa': (s) =>
    void s.certificationAuthorities.push({ dn: 'CN=CA', name: 'CA', store: 'root', certificates: [WEAK_RSA_CERT] }),
  'A-NTFRSOnSysvol': (s) => {
    s.ntfrsReplicaSets = 1;
  },
  'A-GpoDisabled': (s) =>
    void s.gpos.push({
      dn: `CN={X},CN=Policies,CN=System,${BASE}`,
      name: '{X}',
      displayName: 'Ancienne',
      fileSysPath: null,
      flags: 3,
    }),
};

// A self-signed 1024-bit RSA certificate (generated with openssl for this test, no private key kept).
const WEAK_RSA_CERT = Buffer.from(
  [
    'MIIB+jCCAWOgAwIBAgIUIKyggexhx4LGqj0oQXCafeP8q7gwDQYJKoZIhvcNAQELBQAwDzENMAsGA1UEAwwEd2VhazAeFw0yNjEx',
    'MjgyMzIzNDZaFw0yNjExMjkyMzIzNDZaMA8xDTALBgNVBAMMBHdlYWswgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBALzwUAQQ',
    'cdHQxr3XgJ8KwEtTMQ/ARN9kPqbdW1bV+BwlJnmt7pnp/XjZMa6BYJV0/1dpdOzvp+dkPiPQSBSvOt73BWvMNWUS8t7r3Qn7bkzE',
    'dSROI9L/uBkD3PbDhsVe89JHlxyp0WPs7//vUioA0+rTgOlagkhRdwmww+FI2vnPAgMBAAGjUzBRMB0GA1UdDgQWBBRv46sBy3w0',
    'hEV4Llxyvl4M3k6/2zAfBgNVHSMEGDAWgBRv46sBy3w0hEV4Llxyvl4M3k6/2zAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEB',
    'CwUAA4GBAKu/NTX0uURLRNxCnIFURXwlrl+828taV6NJ0aDFr4HvBKScs8C++FVWgbDhbILKCOu8cXqH0jZNvVo7AkrxGWbMiseA',
    'PtTeu1DykijPCSsmzlL0363l4q923MvLWau/SBaD3o98zSUC1B3JqgU19E5HyNI37zrcrJSwWTnftpjr',
  ].join(''),
  'base64',
);

const ruleSet = loadDefaultRuleSet();
const informational = new Set(
  ruleSet.rules.filter((r) => r.computation.type === 'presence' && r.computation.points === 0).map((r) => r.id),
);

describe('AD rule set', () => {
  it('has at least 60 control points, one evaluator per id and no orphan evaluator', () => {
    expect(ruleSet.rules.length).toBeGreaterThanOrEqual(60);
    const ids = ruleSet.rules.map((r) => r.id);
    expect(ids.filter((id) => !EVALUATORS[id])).toEqual([]);
    expect(Object.keys(EVALUATORS).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('the clean domain fails no scored rule and reaches ANSSI level 5', () => {
    const b = runAudit(aCleanDomain(), { now: NOW });
    expect(
      b.findings.filter((f) => f.status === 'failed' && !informational.has(f.ruleId)).map((f) => f.ruleId),
    ).toEqual([]);
    expect(b.anssiLevel).toBe(5);
    expect(b.scores.global).toBe(0);
  });

  for (const rule of ruleSet.rules) {
    it(`${rule.id} is raised when planted, and only then`, () => {
      const plant = PLANT[rule.id];
      expect(plant, `no planting for ${rule.id}`).toBeDefined();
      const s = aCleanDomain();
      plant?.(s);
      const b = runAudit(s, { now: NOW });
      const f = b.findings.find((x) => x.ruleId === rule.id)!;
      expect(f.status).toBe('failed');
      expect(f.affectedCount).toBeGreaterThan(0);
      expect(runAudit(aCleanDomain(), { now: NOW }).findings.find((x) => x.ruleId === rule.id)?.status).toEqual(
        informational.has(rule.id) ? expect.any(String) : 'passed',
      );
    });
  }
});

describe('objects a rule cannot judge', () => {
  const withCa = (certificates: Uint8Array[]) => {
    const s = aCleanDomain();
    s.certificationAuthorities.push({ dn: `CN=CA-X,${BASE}`, name: 'CA-X', store: 'enrollment', certificates });
    return s;
  };
  const finding = (s: DirectorySnapshot, id: string) => runAudit(s, { now: NOW }).findings.find((f) => f.ruleId === id);

  it('a CA certificate that does not parse makes the CA rules not evaluated, naming the CA', () => {
    const s = withCa([WEAK_RSA_CERT.subarray(0, 200)]);
    for (const id of ['A-CertWeakRsa', 'A-CertWeakHash']) {
      expect(finding(s, id)?.status, id).toBe('not_evaluated');
      expect(finding(s, id)?.note, id).toMatch(/^données illisibles .*CN=CA-X.*certificat illisible/);
    }
  });

  it('a readable weak certificate still fails beside an unreadable one', () => {
    const f = finding(withCa([WEAK_RSA_CERT, Uint8Array.from([0x30, 0x03, 0x02, 0x01])]), 'A-CertWeakRsa');
    expect(f?.status).toBe('failed');
    expect(f?.affected).toEqual([{ name: 'CA-X', dn: `CN=CA-X,${BASE}`, detail: 'clé RSA de 1024 bits' }]);
    expect(f?.note).toMatch(/données illisibles \(1 objet/);
  });

  it('an ESC1 template no enterprise CA publishes cannot be enrolled in: not raised, unless publication is unknown', () => {
    const esc1 = template({ name: 'Usurpation', nameFlag: 0x1 });
    const published = (names: string[]) => {
      const s = withCa([]);
      s.publishedTemplates.push(...names);
      esc1(s);
      return finding(s, 'A-CertTempAuthEnrollWithName')?.status;
    };
    expect(published([])).toBe('passed');
    expect(published(['usurpation'])).toBe('failed');
    // No enterprise CA collected (an offline source): publication unknown, the template counts.
    const offline = aCleanDomain();
    esc1(offline);
    expect(finding(offline, 'A-CertTempAuthEnrollWithName')?.status).toBe('failed');
  });

  it('a DNS zone whose descriptor could not be read makes the zone ACL rule not evaluated, naming the zone', () => {
    const s = aCleanDomain();
    s.dnsZones.push({
      dn: `DC=chu.local,CN=MicrosoftDNS,DC=DomainDnsZones,${BASE}`,
      name: 'chu.local',
      allowUpdate: 2,
      securityDescriptor: null,
      securityDescriptorError: 'descripteur tronqué',
    });
    const f = finding(s, 'A-DnsZoneAUCreateChild');
    expect(f?.status).toBe('not_evaluated');
    expect(f?.note).toMatch(/chu\.local.*descripteur tronqué/);
    expect(finding(s, 'A-DnsZoneUpdate1')?.status).toBe('passed');
  });

  it('a template without a descriptor that no rule shape matches does not block the ESC1 rule', () => {
    const s = aCleanDomain();
    template({ nameFlag: 0, securityDescriptor: null, securityDescriptorError: 'absent' })(s);
    expect(finding(s, 'A-CertTempAuthEnrollWithName')?.status).toBe('passed');
    expect(finding(s, 'A-CertTempControl')?.status).toBe('not_evaluated');
  });
});
