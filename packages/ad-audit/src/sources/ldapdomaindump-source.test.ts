import { describe, expect, it } from 'vitest';
import { runAudit } from '../audit.js';
import { InputError } from '../bundle.js';
import { snapshotFromLdapDomainDump } from './ldapdomaindump-source.js';

const importLdapDomainDump = (f: Record<string, string>, at?: Date) => {
  const s = snapshotFromLdapDomainDump(f);
  if (at) s.collectedAt = at;
  return s;
};

const DOM = 'S-1-5-21-1111-2222-3333';
const policy = JSON.stringify([
  {
    dn: 'DC=chu,DC=local',
    attributes: { objectSid: [DOM], 'ms-DS-MachineAccountQuota': [10], minPwdLength: [7] },
  },
]);
const user = (rid: number, sam: string, extra: Record<string, unknown[]> = {}) => ({
  dn: `CN=${sam},CN=Users,DC=chu,DC=local`,
  attributes: {
    objectSid: [`${DOM}-${rid}`],
    sAMAccountName: [sam],
    userAccountControl: [512],
    pwdLastSet: ['2026-10-01 10:00:00.123456+00:00'],
    lastLogonTimestamp: ['2026-11-20 10:00:00+00:00'],
    ...extra,
  },
});
const files = () => ({
  'domain_policy.json': policy,
  'domain_users.json': JSON.stringify([
    user(500, 'Administrator'),
    user(1105, 'svc-sql', { userAccountControl: [512 | 0x400000 | 0x10000], servicePrincipalName: ['MSSQL/db'] }),
  ]),
  'domain_computers.json': JSON.stringify([]),
  'domain_groups.json': JSON.stringify([
    {
      dn: 'CN=Domain Admins,CN=Users,DC=chu,DC=local',
      attributes: {
        objectSid: [`${DOM}-512`],
        sAMAccountName: ['Domain Admins'],
        member: ['CN=Administrator,CN=Users,DC=chu,DC=local', 'CN=svc-sql,CN=Users,DC=chu,DC=local'],
      },
    },
  ]),
  'domain_trusts.json': JSON.stringify([]),
});

describe('ldapdomaindump import', () => {
  it('reads users, groups and the domain policy into a snapshot that the rules evaluate', () => {
    const snap = importLdapDomainDump(files(), new Date('2026-11-28T00:00:00Z'));
    expect(snap.source).toBe('ldapdomaindump');
    expect(snap.users.map((u) => u.samAccountName)).toEqual(['Administrator', 'svc-sql']);
    expect(snap.users[1]?.pwdLastSet?.toISOString()).toBe('2026-10-01T10:00:00.123Z');
    expect(snap.domain.machineAccountQuota).toBe(10);
    const bundle = runAudit(snap, { now: new Date('2026-11-28T00:00:00Z') });
    const byId = new Map(bundle.findings.map((f) => [f.ruleId, f]));
    const failed = bundle.findings.filter((f) => f.status === 'failed').map((f) => f.ruleId);
    expect(failed.length).toBeGreaterThan(0);
    // svc-sql is a Domain Admin with an SPN and no pre-authentication.
    const spn = bundle.findings.find((f) => f.anssi?.includes('spn_priv'));
    expect(spn?.status).toBe('failed');
    expect(spn?.affected.map((a) => a.name)).toContain('svc-sql');
    // No security descriptors in a dump: ACL rules are not evaluated, never passed.
    const acl = [...byId.values()].filter((f) => f.note?.includes('securityDescriptors'));
    expect(acl.length).toBeGreaterThan(0);
    expect(acl.every((f) => f.status === 'not_evaluated')).toBe(true);
  });

  it('a missing users file marks the users phase incomplete instead of a clean result', () => {
    const f: Record<string, string> = files();
    delete f['domain_users.json'];
    const snap = importLdapDomainDump(f);
    expect(snap.incomplete.some((i) => i.phase === 'users')).toBe(true);
  });

  it.each([
    ['domain_policy.json', '{', 'AD_LDD_JSON'],
    ['domain_policy.json', '{"a":1}', 'AD_LDD_SCHEMA'],
    ['domain_users.json', '[null]', 'AD_LDD_SCHEMA'],
    ['domain_users.json', '[{"dn":"x","attributes":[1,2]}]', 'AD_LDD_SCHEMA'],
    ['domain_groups.json', '[{"attributes":{}}]', 'AD_LDD_SCHEMA'],
  ])('%s = %s is refused with %s', (name, text, code) => {
    const f: Record<string, string> = { ...files(), [name]: text };
    expect(() => importLdapDomainDump(f)).toThrow(InputError);
    try {
      importLdapDomainDump(f);
    } catch (e) {
      expect((e as InputError).code).toBe(code);
    }
  });

  it('values of the wrong type are ignored, never trusted', () => {
    const f = {
      ...files(),
      'domain_users.json': JSON.stringify([
        user(1200, 'bob', { userAccountControl: ['x'], pwdLastSet: [{}], servicePrincipalName: [1, 'HTTP/a'] }),
        { dn: 'CN=nosid,DC=chu,DC=local', attributes: { sAMAccountName: ['nosid'] } },
      ]),
    };
    const snap = importLdapDomainDump(f);
    expect(snap.users).toHaveLength(1);
    expect(snap.users[0]?.userAccountControl).toBe(0x200);
    expect(snap.users.map((u) => u.samAccountName)).toEqual(['bob']);
    expect(snap.users[0]?.pwdLastSet).toBeNull();
    expect(snap.users[0]?.servicePrincipalNames).toEqual(['HTTP/a']);
  });

  it('a large dump (20 000 users) is imported', () => {
    const many = Array.from({ length: 20000 }, (_, i) => user(2000 + i, `u${i}`));
    const snap = importLdapDomainDump({ ...files(), 'domain_users.json': JSON.stringify(many) });
    expect(snap.users).toHaveLength(20000);
  });
});
