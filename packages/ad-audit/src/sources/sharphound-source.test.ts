import { deflateSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../audit.js';
import { InputError } from '../bundle.js';
import { importSharpHoundZip, unzipJsonMembers } from './sharphound-source.js';

const D = 'S-1-5-21-10-20-30';
const NOW = new Date('2026-11-20T00:00:00Z');
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

function collection(version: number, extra: Record<string, unknown> = {}) {
  const users = {
    data: [
      {
        ObjectIdentifier: `${D}-500`,
        Properties: {
          samaccountname: 'Administrator',
          distinguishedname: 'CN=Administrator,CN=Users,DC=chu,DC=test',
          enabled: true,
          pwdlastset: 1_760_000_000,
          lastlogontimestamp: 1_763_000_000,
        },
      },
      {
        ObjectIdentifier: `${D}-1105`,
        Properties: {
          samaccountname: 'svc',
          distinguishedname: 'CN=svc,CN=Users,DC=chu,DC=test',
          enabled: true,
          admincount: true,
          dontreqpreauth: true,
          pwdneverexpires: true,
          serviceprincipalnames: ['MSSQLSvc/sql'],
          pwdlastset: 1_760_000_000,
          lastlogontimestamp: 1_763_000_000,
        },
      },
    ],
    meta: { type: 'users', version, count: 2, methods: 0 },
  };
  const groups = {
    data: [
      {
        ObjectIdentifier: `${D}-512`,
        Properties: { samaccountname: 'Domain Admins', distinguishedname: 'CN=Domain Admins,CN=Users,DC=chu,DC=test' },
        Members: [
          { ObjectIdentifier: `${D}-1105`, ObjectType: 'User' },
          { ObjectIdentifier: `${D}-500`, ObjectType: 'User' },
        ],
      },
      {
        ObjectIdentifier: `CHU.TEST-S-1-5-32-544`,
        Properties: { name: 'ADMINISTRATORS@CHU.TEST' },
        Members: [{ ObjectIdentifier: `${D}-512`, ObjectType: 'Group' }],
      },
    ],
    meta: { type: 'groups', version, count: 2 },
  };
  const computers = {
    data: [
      {
        ObjectIdentifier: `${D}-1200`,
        Properties: {
          samaccountname: 'SRV01$',
          unconstraineddelegation: true,
          enabled: true,
          operatingsystem: 'Windows Server 2019',
        },
        IsDC: false,
      },
    ],
    meta: { type: 'computers', version, count: 1 },
  };
  const domains = {
    data: [
      {
        ObjectIdentifier: D,
        Properties: { name: 'CHU.TEST', distinguishedname: 'DC=chu,DC=test', functionallevel: '2016' },
        Trusts: [],
      },
    ],
    meta: { type: 'domains', version, count: 1 },
  };
  return {
    '20261120_users.json': enc(users),
    '20261120_groups.json': enc(groups),
    '20261120_computers.json': enc(computers),
    '20261120_domains.json': enc(domains),
    ...extra,
  };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).code;
  }
  return undefined;
}

describe('SharpHound import', () => {
  for (const version of [5, 6]) {
    it(`reads a meta version ${version} collection; privileged SPN / no pre-auth account is found`, () => {
      const snap = importSharpHoundZip(zipSync(collection(version)));
      expect(snap.source).toBe('sharphound');
      expect(snap.users).toHaveLength(2);
      expect(snap.groups.find((g) => g.sid === 'S-1-5-32-544')?.members).toEqual([
        'CN=Domain Admins,CN=Users,DC=chu,DC=test',
      ]);
      expect(snap.incomplete.map((i) => i.phase)).toContain('securityDescriptors');
      snap.collectedAt = NOW;
      const b = runAudit(snap, { now: NOW });
      const f = (id: string) => b.findings.find((x) => x.ruleId === id);
      expect(f('P-Kerberoasting')?.status).toBe('failed');
      expect(f('P-Kerberoasting')?.affected.map((a) => a.name)).toEqual(['svc']);
      expect(f('S-NoPreAuthAdmin')?.status).toBe('failed');
      expect(f('P-UnconstrainedDelegation')?.affected.map((a) => a.name)).toEqual(['SRV01$']);
      // No raw security descriptors in a SharpHound zip: ACL rules are not evaluated, never passed.
      const acl = b.findings.filter((x) => x.note?.includes('securityDescriptors'));
      expect(acl.length).toBeGreaterThan(0);
      expect(acl.every((x) => x.status === 'not_evaluated')).toBe(true);
    });
  }

  it('a missing users collection is an incomplete phase, not a clean result', () => {
    const c = collection(6);
    delete (c as Record<string, unknown>)['20261120_users.json'];
    const snap = importSharpHoundZip(zipSync(c));
    expect(snap.incomplete.some((i) => i.phase === 'users')).toBe(true);
  });

  it('stops a zip bomb at the decompressed-size cap, whatever the headers claim', () => {
    const bomb = zipSync({ 'x_users.json': new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(codeOf(() => unzipJsonMembers(bomb, 1024 * 1024))).toBe('AD_SH_ZIP_BOMB');
  });

  it.each([
    ['not a zip', new TextEncoder().encode('hello world, this is not a zip file at all'), 'AD_SH_NOT_ZIP'],
    ['raw deflate', deflateSync(enc({ a: 1 })), 'AD_SH_NOT_ZIP'],
  ])('%s is refused', (_n, bytes, code) => {
    expect(codeOf(() => importSharpHoundZip(bytes))).toBe(code);
  });

  it('a truncated zip never crashes and never gives a clean snapshot', () => {
    const z = zipSync(collection(6));
    for (const cut of [30, 100, Math.floor(z.length / 2), z.length - 10]) {
      const code = codeOf(() => importSharpHoundZip(z.slice(0, cut)));
      expect(code).toMatch(/^AD_SH_/);
    }
  });

  it.each([
    ['invalid JSON', new TextEncoder().encode('{'), 'AD_SH_JSON'],
    ['no meta', enc({ data: [] }), 'AD_SH_SHAPE'],
    ['meta version 4', enc({ data: [], meta: { type: 'users', version: 4 } }), 'AD_SH_VERSION'],
    ['data not objects', enc({ data: [1], meta: { type: 'users', version: 6 } }), 'AD_SH_SHAPE'],
  ])('%s in a member is refused', (_n, bytes, code) => {
    expect(codeOf(() => importSharpHoundZip(zipSync(collection(6, { 'bad.json': bytes }))))).toBe(code);
  });

  it('wrong value types are ignored rather than trusted', () => {
    const users = {
      data: [
        {
          ObjectIdentifier: `${D}-1300`,
          Properties: { samaccountname: 42, enabled: 'yes', pwdlastset: 'x', serviceprincipalnames: 'HTTP/a' },
        },
        { ObjectIdentifier: 7 },
      ],
      meta: { type: 'users', version: 6 },
    };
    const snap = importSharpHoundZip(zipSync(collection(6, { '20261120_users.json': enc(users) })));
    expect(snap.users).toHaveLength(1);
    expect(snap.users[0]?.pwdLastSet).toBeNull();
    expect(snap.users[0]?.servicePrincipalNames).toEqual([]);
  });

  it('without a domains collection the import is refused', () => {
    const c = collection(6);
    delete (c as Record<string, unknown>)['20261120_domains.json'];
    expect(codeOf(() => importSharpHoundZip(zipSync(c)))).toBe('AD_SH_NO_DOMAIN');
  });
});
