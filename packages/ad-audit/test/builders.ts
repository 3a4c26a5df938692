import { type Account, blankAccount, type DirectorySnapshot, emptySnapshot, UAC } from '../src/model.js';
import type { Ace, SecurityDescriptor } from '../src/security-descriptor.js';

export const DOMAIN_SID = 'S-1-5-21-1111111111-2222222222-3333333333';
export const BASE = 'DC=chu,DC=test';
export const NOW = new Date('2026-11-20T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

export function anAccount(kind: Account['kind'], name: string, rid: number, patch: Partial<Account> = {}): Account {
  const a = blankAccount(
    kind,
    `CN=${name},CN=${kind === 'user' ? 'Users' : 'Computers'},${BASE}`,
    `${DOMAIN_SID}-${rid}`,
    kind === 'user' ? name : `${name}$`,
  );
  a.pwdLastSet = daysAgo(10);
  a.lastLogonTimestamp = daysAgo(1);
  a.whenCreated = daysAgo(400);
  return Object.assign(a, patch);
}

export function ace(sid: string, mask: number, objectType: string | null = null): Ace {
  return { type: objectType ? 5 : 0, flags: 0, mask, sid, objectType, inheritedObjectType: null };
}
export function anSd(owner: string, aces: Ace[]): SecurityDescriptor {
  return { control: 0x8004, owner, group: owner, dacl: { revision: 4, aces }, sacl: null };
}

/** A small, hardened domain where no rule fails (except informational ones). */
export function aCleanDomain(): DirectorySnapshot {
  const s = emptySnapshot({
    dn: BASE,
    sid: DOMAIN_SID,
    netbiosName: 'CHU',
    functionalLevel: 7,
    forestFunctionalLevel: 7,
    machineAccountQuota: 0,
    minPwdLength: 12,
    pwdHistoryLength: 24,
    lockoutThreshold: 10,
    dsHeuristics: '0000000001',
    recycleBinEnabled: true,
  });
  s.collectedAt = NOW;
  const admin = anAccount('user', 'Administrator', 500, {
    adminCount: 1,
    userAccountControl: UAC.NORMAL_ACCOUNT | UAC.NOT_DELEGATED,
  });
  const krbtgt = anAccount('user', 'krbtgt', 502, {
    userAccountControl: UAC.NORMAL_ACCOUNT | UAC.ACCOUNTDISABLE,
    adminCount: 1,
    pwdLastSet: daysAgo(100),
  });
  const guest = anAccount('user', 'Guest', 501, { userAccountControl: UAC.NORMAL_ACCOUNT | UAC.ACCOUNTDISABLE });
  const alice = anAccount('user', 'alice', 1105);
  s.users.push(admin, krbtgt, guest, alice);
  const dc = anAccount('computer', 'DC1', 1000, {
    userAccountControl: UAC.SERVER_TRUST_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION,
    primaryGroupId: 516,
    operatingSystem: 'Windows Server 2022 Standard',
    servicePrincipalNames: ['ldap/dc1.chu.test', 'HOST/dc1.chu.test', 'cifs/dc1.chu.test'],
    supportedEncryptionTypes: 28,
  });
  const pc = anAccount('computer', 'PC1', 1200, { operatingSystem: 'Windows 11 Entreprise', hasLapsPassword: true });
  const srv = anAccount('computer', 'SRV1', 1201, {
    operatingSystem: 'Windows Server 2022 Standard',
    hasLapsPassword: true,
  });
  s.computers.push(dc, pc, srv);
  const g = (rid: number | string, name: string, members: string[]) => ({
    dn: `CN=${name},CN=Users,${BASE}`,
    sid: typeof rid === 'number' ? `${DOMAIN_SID}-${rid}` : rid,
    samAccountName: name,
    members,
  });
  s.groups.push(
    g(512, 'Domain Admins', [admin.dn]),
    g(519, 'Enterprise Admins', []),
    g(518, 'Schema Admins', []),
    g('S-1-5-32-544', 'Administrators', [`CN=Domain Admins,CN=Users,${BASE}`]),
    g(525, 'Protected Users', [admin.dn]),
    g('S-1-5-32-554', 'Pre-Windows 2000 Compatible Access', [`CN=S-1-5-11,CN=ForeignSecurityPrincipals,${BASE}`]),
    g(1101, 'DnsAdmins', []),
    g('S-1-5-32-548', 'Account Operators', []),
  );
  s.schema.lapsWindows = true;
  const da = `${DOMAIN_SID}-512`;
  s.securityDescriptors.push(
    {
      role: 'domainRoot',
      dn: BASE,
      securityDescriptor: anSd('S-1-5-32-544', [
        ace(da, 0xf01ff),
        ace('S-1-5-11', 0x20094),
        ace('S-1-5-32-544', 0x100, '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2'),
      ]),
    },
    {
      role: 'adminSdHolder',
      dn: `CN=AdminSDHolder,CN=System,${BASE}`,
      securityDescriptor: anSd(da, [ace(da, 0xf01ff), ace('S-1-5-11', 0x20094)]),
    },
  );
  return s;
}

// ---- Binary encoders (the bytes AD sends and accepts), for parser tests and for writing over LDAP.

/** Binary SID (MS-DTYP §2.4.2.2). */
export function sidBytes(sid: string): number[] {
  const parts = sid.split('-').slice(1).map(Number);
  const [, authority, ...subs] = parts as [number, number, ...number[]];
  const out = [1, subs.length, 0, 0, 0, 0, 0, authority];
  for (const s of subs) out.push(s & 0xff, (s >>> 8) & 0xff, (s >>> 16) & 0xff, (s >>> 24) & 0xff);
  return out;
}
const u16 = (n: number) => [n & 0xff, n >> 8];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
function guidBytes(g: string): number[] {
  const h = g.replace(/-/g, '');
  const b = (i: number) => Number.parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].map(b);
}

/** Encodes a self-relative SD the way AD returns it (owner, group, DACL; ACL revision 4 when it holds object ACEs). */
export function encodeSd(owner: string, group: string, aces: number[][]): Uint8Array {
  const ownerB = sidBytes(owner);
  const groupB = sidBytes(group);
  const aceBytes = aces.flat();
  const revision = aces.some((a) => a[0] === 5 || a[0] === 6 || a[0] === 7) ? 4 : 2;
  const acl = [revision, 0, ...u16(8 + aceBytes.length), ...u16(aces.length), 0, 0, ...aceBytes];
  const ownerOff = 20;
  const groupOff = ownerOff + ownerB.length;
  const daclOff = groupOff + groupB.length;
  return Uint8Array.from([
    1,
    0,
    ...u16(0x8004),
    ...u32(ownerOff),
    ...u32(groupOff),
    ...u32(0),
    ...u32(daclOff),
    ...ownerB,
    ...groupB,
    ...acl,
  ]);
}
export function encodeAce(type: number, flags: number, mask: number, sid: string): number[] {
  const s = sidBytes(sid);
  return [type, flags, ...u16(8 + s.length), ...u32(mask), ...s];
}
/** An object ACE (ACE_OBJECT_TYPE_PRESENT) for an extended right, property or child class. */
export function encodeObjectAce(type: number, mask: number, sid: string, objectType: string): number[] {
  const s = sidBytes(sid);
  const body = [...u32(mask), ...u32(1), ...guidBytes(objectType), ...s];
  return [type, 0, ...u16(4 + body.length), ...body];
}
