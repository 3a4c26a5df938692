import { X509Certificate } from 'node:crypto';
import { DirectoryIndex, privilegedGroups } from '../membership.js';
import { type Account, type CertificateTemplate, type DirectorySnapshot, UAC } from '../model.js';
import type { SecurityDescriptor } from '../security-descriptor.js';
import { dangerousAces, EXTENDED_RIGHTS, holdersOf, isEveryoneLike, trustedSids } from './acl.js';

export interface AffectedObject {
  name: string;
  dn?: string;
  detail?: string;
}

/** What an evaluator measured: affected objects and, for threshold rules, the measured value. */
export interface Measure {
  affected: AffectedObject[];
  /** Count, percentage or age the computation compares with its thresholds; defaults to affected.length. */
  value?: number;
  /**
   * Objects the rule could not judge because their data is missing or malformed (an unreadable security
   * descriptor, a certificate that does not parse): the rule cannot pass while this list is not empty.
   */
  undetermined?: AffectedObject[];
}

export interface EvalContext {
  snap: DirectorySnapshot;
  idx: DirectoryIndex;
  now: number;
  privileged: Account[];
  dcs: Account[];
}

export type Evaluator = (ctx: EvalContext) => Measure;

const DAY = 86_400_000;
const enabled = (a: Account) => !(a.userAccountControl & UAC.ACCOUNTDISABLE);
const flag = (a: Account, f: number) => (a.userAccountControl & f) !== 0;
const obj = (a: { samAccountName: string; dn: string }, detail?: string): AffectedObject =>
  detail ? { name: a.samAccountName, dn: a.dn, detail } : { name: a.samAccountName, dn: a.dn };
const ageDays = (ctx: EvalContext, d: Date | null) => (d ? (ctx.now - d.getTime()) / DAY : Number.POSITIVE_INFINITY);
const isDc = (a: Account) => flag(a, UAC.SERVER_TRUST_ACCOUNT) || a.primaryGroupId === 516;
const isRodc = (a: Account) => flag(a, UAC.PARTIAL_SECRETS_ACCOUNT) || a.primaryGroupId === 521;
const isServer = (a: Account) => a.kind === 'computer' && /server/i.test(a.operatingSystem ?? '') && !isDc(a);
/** Inactive: no logon for 180 days, or never used and created more than 180 days ago (PingCastle advice). */
const inactive = (ctx: EvalContext, a: Account) =>
  a.lastLogonTimestamp ? ageDays(ctx, a.lastLogonTimestamp) > 180 : ageDays(ctx, a.whenCreated) > 180;
const rid = (sid: string) => Number(sid.slice(sid.lastIndexOf('-') + 1));
const pct = (n: number, d: number) => (d === 0 ? 0 : (100 * n) / d);
const list = (accounts: Account[], detail?: (a: Account) => string) => ({
  affected: accounts.map((a) => obj(a, detail?.(a))),
});
const heuristic = (ctx: EvalContext, pos: number) => (ctx.snap.domain.dsHeuristics ?? '').charAt(pos - 1);
const none: Measure = { affected: [] };

function osRule(pattern: RegExp): Evaluator {
  return (ctx) =>
    list(
      ctx.snap.computers.filter((c) => enabled(c) && !isDc(c) && pattern.test(c.operatingSystem ?? '')),
      (c) => c.operatingSystem ?? '',
    );
}

function dsHeuristic(pos: number, bad: (c: string) => boolean, label: string): Evaluator {
  return (ctx) =>
    bad(heuristic(ctx, pos))
      ? { affected: [{ name: 'dSHeuristics', detail: `${label} (valeur « ${ctx.snap.domain.dsHeuristics} »)` }] }
      : none;
}

function sdOf(ctx: EvalContext, role: string) {
  return ctx.snap.securityDescriptors.find((s) => s.role === role);
}

function aclRule(role: 'domainRoot' | 'adminSdHolder' | 'domainControllers' | 'configuration' | 'schema'): Evaluator {
  return (ctx) => {
    const s = sdOf(ctx, role);
    if (!s) return none;
    return {
      affected: dangerousAces(s.securityDescriptor, trustedSids(ctx.snap)).map((a) => ({
        name: principalName(ctx, a.sid),
        dn: s.dn,
        detail: a.right,
      })),
    };
  };
}

function principalName(ctx: EvalContext, sid: string): string {
  const WELL_KNOWN: Record<string, string> = {
    'S-1-1-0': 'Tout le monde',
    'S-1-5-11': 'Utilisateurs authentifiés',
    'S-1-5-7': 'Anonyme',
    'S-1-5-32-545': 'Utilisateurs (BUILTIN)',
    'S-1-5-32-554': 'Accès compatible pré-Windows 2000',
  };
  return (
    WELL_KNOWN[sid] ??
    ctx.idx.accountsBySid.get(sid)?.samAccountName ??
    ctx.idx.groupsBySid.get(sid)?.samAccountName ??
    sid
  );
}

/** DC service principal names, to spot constrained delegation towards a DC. */
function dcSpnHosts(ctx: EvalContext): Set<string> {
  const hosts = new Set<string>();
  for (const dc of ctx.dcs) {
    hosts.add(dc.samAccountName.replace(/\$$/, '').toLowerCase());
    for (const spn of dc.servicePrincipalNames) hosts.add((spn.split('/')[1] ?? '').split(':')[0]?.toLowerCase() ?? '');
  }
  hosts.delete('');
  return hosts;
}
const targetsDc = (_ctx: EvalContext, hosts: Set<string>, a: Account) =>
  a.allowedToDelegateTo.some((spn) => hosts.has((spn.split('/')[1] ?? '').split(':')[0]?.toLowerCase() ?? ''));

/** Outer signature algorithm OID of a DER certificate, read with a minimal DER walk. */
export function signatureAlgorithmOid(der: Uint8Array): string | null {
  let p = 0;
  const len = (): number => {
    const first = der[p++];
    if (first === undefined) throw new Error('truncated');
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n > 4) throw new Error('length');
    let l = 0;
    for (let i = 0; i < n; i++) l = l * 256 + (der[p++] ?? 0);
    return l;
  };
  try {
    if (der[p++] !== 0x30) return null;
    len();
    if (der[p++] !== 0x30) return null;
    const tbsLength = len();
    p += tbsLength;
    if (der[p++] !== 0x30) return null;
    len();
    if (der[p++] !== 0x06) return null;
    const l = len();
    const bytes = der.subarray(p, p + l);
    if (bytes.length !== l || l === 0) return null;
    const parts = [Math.floor((bytes[0] as number) / 40), (bytes[0] as number) % 40];
    let v = 0;
    for (let i = 1; i < bytes.length; i++) {
      const b = bytes[i] as number;
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) {
        parts.push(v);
        v = 0;
      }
    }
    return parts.join('.');
  } catch {
    return null;
  }
}
const WEAK_SIG: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'MD5',
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.3.14.3.2.29': 'SHA-1',
  '1.2.840.10040.4.3': 'SHA-1 (DSA)',
};

function caCertificates(ctx: EvalContext) {
  return ctx.snap.certificationAuthorities.flatMap((ca) => ca.certificates.map((der) => ({ ca, der })));
}
/** RSA modulus size in bits; null for another key type; an Error when the certificate does not parse. */
function rsaBits(der: Uint8Array): number | null | Error {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
  return cert.publicKey.asymmetricKeyDetails?.modulusLength ?? null;
}
/** An object whose security descriptor could not be read, for a rule's undetermined list. */
const unreadableSd = (o: { name: string; dn: string; securityDescriptorError?: string }): AffectedObject => ({
  name: o.name,
  dn: o.dn,
  detail: o.securityDescriptorError ?? 'descripteur de sécurité absent',
});
const unreadableCert = (ca: { name: string; dn: string }, why: string): AffectedObject => ({
  name: ca.name,
  dn: ca.dn,
  detail: `certificat illisible (${why})`,
});

const CLIENT_AUTH_EKUS = new Set(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.2.3.4', '1.3.6.1.4.1.311.20.2.2', '2.5.29.37.0']);
const lowPrivEnroll = (ctx: EvalContext, sd: SecurityDescriptor) =>
  holdersOf(sd, EXTENDED_RIGHTS.ENROLL).filter((s) => isEveryoneLike(s, ctx.snap.domain.sid));

/**
 * Whether a template can be enrolled in: published by an enterprise CA. When the collection knows no
 * enterprise CA (an offline source without the configuration partition), publication is unknown and every
 * template counts.
 */
function enrollable(ctx: EvalContext): (t: CertificateTemplate) => boolean {
  if (!ctx.snap.certificationAuthorities.some((ca) => ca.store === 'enrollment')) return () => true;
  const published = new Set(ctx.snap.publishedTemplates.map((n) => n.toLowerCase()));
  return (t) => published.has(t.name.toLowerCase());
}

/**
 * A certificate-template rule: `shape` says whether the template is a candidate from its flags and EKUs
 * alone, `judge` reads its security descriptor. A candidate without a usable descriptor is undetermined.
 * With `enrolment`, only templates a CA publishes are candidates: nobody can enroll in the others.
 */
function templateRule(
  shape: (t: CertificateTemplate) => boolean,
  judge: (ctx: EvalContext, t: CertificateTemplate, sd: SecurityDescriptor) => AffectedObject[],
  { enrolment }: { enrolment: boolean },
): Evaluator {
  return (ctx) => {
    const affected: AffectedObject[] = [];
    const undetermined: AffectedObject[] = [];
    const canEnroll = enrolment ? enrollable(ctx) : () => true;
    for (const t of ctx.snap.certificateTemplates) {
      if (!shape(t) || !canEnroll(t)) continue;
      if (t.securityDescriptor) affected.push(...judge(ctx, t, t.securityDescriptor));
      else undetermined.push(unreadableSd(t));
    }
    return { affected, undetermined };
  };
}
const noApproval = (t: CertificateTemplate) => !(t.enrollmentFlag & 0x2) && t.raSignatures === 0;

/** One evaluator per rule id of the rule file. */
export const EVALUATORS: Record<string, Evaluator> = {
  // ---- StaleObjects
  'S-Inactive': (ctx) => {
    const users = ctx.snap.users.filter(enabled);
    const dormant = users.filter((u) => inactive(ctx, u) || ageDays(ctx, u.pwdLastSet) > 3 * 365);
    return { ...list(dormant), value: pct(dormant.length, users.length) };
  },
  'S-C-Inactive': (ctx) => {
    const comps = ctx.snap.computers.filter((c) => enabled(c) && !isDc(c));
    const dormant = comps.filter((c) => inactive(ctx, c));
    return { ...list(dormant), value: pct(dormant.length, comps.length) };
  },
  'S-PwdNeverExpires': (ctx) => list(ctx.snap.users.filter((u) => enabled(u) && flag(u, UAC.DONT_EXPIRE_PASSWORD))),
  'S-PwdNotRequired': (ctx) =>
    list([...ctx.snap.users, ...ctx.snap.computers].filter((a) => enabled(a) && flag(a, UAC.PASSWD_NOTREQD))),
  'S-NoPreAuth': (ctx) => list(ctx.snap.users.filter((u) => enabled(u) && flag(u, UAC.DONT_REQ_PREAUTH))),
  'S-DesEnabled': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter(
        (a) =>
          enabled(a) &&
          (flag(a, UAC.USE_DES_KEY_ONLY) ||
            (a.supportedEncryptionTypes !== null &&
              (a.supportedEncryptionTypes & 0x3) !== 0 &&
              (a.supportedEncryptionTypes & 0x18) === 0)),
      ),
    ),
  'S-AesNotEnabled': (ctx) =>
    list(
      [...ctx.snap.users.filter((u) => u.servicePrincipalNames.length > 0), ...ctx.dcs].filter(
        (a) => enabled(a) && a.supportedEncryptionTypes !== null && (a.supportedEncryptionTypes & 0x18) === 0,
      ),
    ),
  'S-Reversible': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter((a) => enabled(a) && flag(a, UAC.ENCRYPTED_TEXT_PWD_ALLOWED)),
    ),
  'S-PwdLastSet-45': (ctx) =>
    list(
      ctx.snap.computers.filter(
        (c) => enabled(c) && isServer(c) && ageDays(ctx, c.pwdLastSet) > 45 && !inactive(ctx, c),
      ),
    ),
  'S-PwdLastSet-90': (ctx) =>
    list(
      ctx.snap.computers.filter(
        (c) => enabled(c) && isServer(c) && ageDays(ctx, c.pwdLastSet) > 90 && !inactive(ctx, c),
      ),
    ),
  'S-PwdLastSet-DC': (ctx) => list(ctx.dcs.filter((c) => ageDays(ctx, c.pwdLastSet) > 45)),
  'S-DC-Inactive': (ctx) =>
    list(ctx.dcs.filter((c) => c.lastLogonTimestamp !== null && ageDays(ctx, c.lastLogonTimestamp) > 45)),
  'S-DCRegistration': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter((a) => {
        const uacDc = flag(a, UAC.SERVER_TRUST_ACCOUNT);
        const pgDc = a.primaryGroupId === 516 || a.primaryGroupId === 521;
        return uacDc !== pgDc || (uacDc && a.kind === 'user');
      }),
      (a) => `userAccountControl=0x${a.userAccountControl.toString(16)}, primaryGroupID=${a.primaryGroupId}`,
    ),
  'S-PrimaryGroup': (ctx) =>
    list(
      ctx.snap.users.filter(
        (u) => enabled(u) && u.primaryGroupId !== null && u.primaryGroupId !== 513 && u.primaryGroupId !== 514,
      ),
      (u) => `primaryGroupID=${u.primaryGroupId}`,
    ),
  'S-C-PrimaryGroup': (ctx) =>
    list(
      ctx.snap.computers.filter(
        (c) => enabled(c) && c.primaryGroupId !== null && ![515, 516, 521].includes(c.primaryGroupId),
      ),
      (c) => `primaryGroupID=${c.primaryGroupId}`,
    ),
  'S-PrimaryGroupPrivileged': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter(
        (a) => a.primaryGroupId !== null && [512, 518, 519, 544, 548, 549, 550, 551].includes(a.primaryGroupId),
      ),
      (a) => `primaryGroupID=${a.primaryGroupId}`,
    ),
  'S-ADRegistration': (ctx) => {
    const q = ctx.snap.domain.machineAccountQuota;
    return q !== null && q > 0
      ? {
          affected: [
            { name: ctx.snap.domain.dnsName, dn: ctx.snap.domain.dn, detail: `ms-DS-MachineAccountQuota=${q}` },
          ],
        }
      : none;
  },
  'S-DC-Obsolete': (ctx) =>
    list(
      ctx.dcs.filter((c) => /200[038]|2012|NT 4|2000/.test(c.operatingSystem ?? '')),
      (c) => c.operatingSystem ?? '',
    ),
  'S-OS-XP': osRule(/Windows XP/i),
  'S-OS-Vista': osRule(/Windows Vista/i),
  'S-OS-Win7': osRule(/Windows 7/i),
  'S-OS-Win8': osRule(/Windows 8/i),
  'S-OS-W10': osRule(/Windows 10/i),
  'S-OS-2000': osRule(/Windows (Server )?2000/i),
  'S-OS-2003': osRule(/Server 2003/i),
  'S-OS-2008': osRule(/Server 2008/i),
  'S-OS-2012': osRule(/Server 2012/i),
  'S-FunctionalLevel1': (ctx) =>
    (ctx.snap.domain.functionalLevel ?? 99) < 3
      ? {
          affected: [
            { name: ctx.snap.domain.dnsName, detail: `msDS-Behavior-Version=${ctx.snap.domain.functionalLevel}` },
          ],
        }
      : none,
  'S-FunctionalLevel3': (ctx) =>
    (ctx.snap.domain.functionalLevel ?? 99) < 6
      ? {
          affected: [
            { name: ctx.snap.domain.dnsName, detail: `msDS-Behavior-Version=${ctx.snap.domain.functionalLevel}` },
          ],
        }
      : none,
  'S-FunctionalLevel4': (ctx) =>
    (ctx.snap.domain.forestFunctionalLevel ?? 99) < 7
      ? {
          affected: [
            { name: ctx.snap.domain.dnsName, detail: `niveau de forêt=${ctx.snap.domain.forestFunctionalLevel}` },
          ],
        }
      : none,
  'S-SIDHistory': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers, ...[]].filter((a) => a.sidHistory.length > 0),
      (a) => a.sidHistory.join(', '),
    ),
  'S-SIDHistoryDangerous': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter((a) =>
        a.sidHistory.some((s) => s.startsWith(`${ctx.snap.domain.sid}-`) || rid(s) < 1000 || s.startsWith('S-1-5-32-')),
      ),
      (a) => a.sidHistory.join(', '),
    ),
  'S-Guest': (ctx) =>
    list(ctx.snap.users.filter((u) => rid(u.sid) === 501 && u.sid.startsWith(ctx.snap.domain.sid) && enabled(u))),
  'S-KrbtgtRODCOrphan': (ctx) =>
    list(ctx.snap.users.filter((u) => /^krbtgt_\d+$/i.test(u.samAccountName) && !ctx.dcs.some(isRodc))),
  'S-AltSecurityIdentities': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter((a) => a.altSecurityIdentities.length > 0),
      (a) => a.altSecurityIdentities.join(' ; '),
    ),
  'S-RecentObjects': (ctx) => {
    const recent = [...ctx.snap.users, ...ctx.snap.computers].filter((a) => ageDays(ctx, a.whenCreated) <= 10);
    return list(recent.slice(0, 500), (a) => `créé le ${a.whenCreated?.toISOString().slice(0, 10)}`);
  },
  'S-SmartcardExpire': (ctx) =>
    list(
      ctx.snap.users.filter((u) => enabled(u) && flag(u, UAC.SMARTCARD_REQUIRED) && flag(u, UAC.DONT_EXPIRE_PASSWORD)),
    ),
  // ---- PrivilegedAccounts
  'P-AdminNum': (ctx) => {
    const counted = ctx.privileged.filter((a) => a.kind === 'user' && enabled(a) && rid(a.sid) !== 500);
    return { ...list(counted), value: counted.length };
  },
  'P-AdminSDHolder': (ctx) => list(ctx.privileged.filter((a) => a.kind === 'user' && a.adminCount !== 1)),
  'P-AdminPwdTooOld': (ctx) =>
    list(
      ctx.privileged.filter((a) => a.kind === 'user' && enabled(a) && ageDays(ctx, a.pwdLastSet) > 3 * 365),
      (a) => `mot de passe changé le ${a.pwdLastSet?.toISOString().slice(0, 10) ?? 'jamais'}`,
    ),
  'P-Inactive': (ctx) => {
    const admins = ctx.privileged.filter((a) => a.kind === 'user' && enabled(a));
    const idle = admins.filter((a) => inactive(ctx, a));
    return { ...list(idle), value: pct(idle.length, admins.length) };
  },
  'P-ServiceDomainAdmin': (ctx) =>
    list(ctx.privileged.filter((a) => a.kind === 'user' && enabled(a) && flag(a, UAC.DONT_EXPIRE_PASSWORD))),
  'P-Kerberoasting': (ctx) =>
    list(
      ctx.privileged.filter((a) => a.kind === 'user' && enabled(a) && a.servicePrincipalNames.length > 0),
      (a) => a.servicePrincipalNames.join(', '),
    ),
  'S-NoPreAuthAdmin': (ctx) =>
    list(ctx.privileged.filter((a) => a.kind === 'user' && enabled(a) && flag(a, UAC.DONT_REQ_PREAUTH))),
  'P-ReversiblePriv': (ctx) => list(ctx.privileged.filter((a) => flag(a, UAC.ENCRYPTED_TEXT_PWD_ALLOWED))),
  'P-UnconstrainedDelegation': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter(
        (a) => enabled(a) && flag(a, UAC.TRUSTED_FOR_DELEGATION) && !isDc(a),
      ),
    ),
  'P-DelegationDCt2a4d': (ctx) => {
    const hosts = dcSpnHosts(ctx);
    return list(
      [...ctx.snap.users, ...ctx.snap.computers].filter(
        (a) => flag(a, UAC.TRUSTED_TO_AUTH_FOR_DELEGATION) && targetsDc(ctx, hosts, a),
      ),
      (a) => a.allowedToDelegateTo.join(', '),
    );
  },
  'P-DelegationDCa2d2': (ctx) => {
    const hosts = dcSpnHosts(ctx);
    return list(
      [...ctx.snap.users, ...ctx.snap.computers].filter(
        (a) => !flag(a, UAC.TRUSTED_TO_AUTH_FOR_DELEGATION) && targetsDc(ctx, hosts, a),
      ),
      (a) => a.allowedToDelegateTo.join(', '),
    );
  },
  'P-ConstrainedDelegationT2A4D': (ctx) =>
    list(
      [...ctx.snap.users, ...ctx.snap.computers].filter(
        (a) => flag(a, UAC.TRUSTED_TO_AUTH_FOR_DELEGATION) && a.allowedToDelegateTo.length > 0 && !isDc(a),
      ),
      (a) => a.allowedToDelegateTo.join(', '),
    ),
  'P-DelegationDCsourcedeleg': (ctx) => list(ctx.dcs.filter((a) => a.hasResourceBasedDelegation)),
  'P-Delegated': (ctx) => {
    const pu = ctx.idx.groupByRid(525);
    const protectedSids = new Set(pu ? ctx.idx.effectiveMembers(pu).map((a) => a.sid) : []);
    return list(
      ctx.privileged.filter(
        (a) => a.kind === 'user' && enabled(a) && !flag(a, UAC.NOT_DELEGATED) && !protectedSids.has(a.sid),
      ),
    );
  },
  'P-ProtectedUsers': (ctx) => {
    const pu = ctx.idx.groupByRid(525);
    const protectedSids = new Set(pu ? ctx.idx.effectiveMembers(pu).map((a) => a.sid) : []);
    // The RID-500 account stays out: it is the break-glass account, usable when Kerberos is broken.
    return list(
      ctx.privileged.filter((a) => a.kind === 'user' && enabled(a) && rid(a.sid) !== 500 && !protectedSids.has(a.sid)),
    );
  },
  'P-RecycleBin': (ctx) =>
    ctx.snap.domain.recycleBinEnabled === false
      ? { affected: [{ name: ctx.snap.domain.dnsName, detail: 'corbeille AD désactivée' }] }
      : none,
  'P-AdminSDHolderACL': aclRule('adminSdHolder'),
  'P-DomainRootACL': aclRule('domainRoot'),
  'P-DomainControllersACL': aclRule('domainControllers'),
  'P-DCsync': (ctx) => {
    const s = sdOf(ctx, 'domainRoot');
    if (!s) return none;
    const trusted = trustedSids(ctx.snap);
    return {
      affected: holdersOf(s.securityDescriptor, EXTENDED_RIGHTS.GET_CHANGES_ALL)
        .filter((sid) => !trusted.has(sid))
        .map((sid) => ({ name: principalName(ctx, sid), detail: 'DS-Replication-Get-Changes-All' })),
    };
  },
  'P-Owner': (ctx) => {
    const trusted = trustedSids(ctx.snap);
    return {
      affected: ctx.snap.securityDescriptors
        .filter((s) => s.securityDescriptor.owner !== null && !trusted.has(s.securityDescriptor.owner))
        .map((s) => ({
          name: s.dn,
          dn: s.dn,
          detail: `propriétaire ${principalName(ctx, s.securityDescriptor.owner as string)}`,
        })),
    };
  },
  'P-DnsAdmins': (ctx) => {
    const g = ctx.snap.groups.find((x) => x.samAccountName.toLowerCase() === 'dnsadmins');
    return g ? list(ctx.idx.effectiveMembers(g)) : none;
  },
  'P-OperatorsEmpty': (ctx) => {
    const out: Account[] = [];
    for (const s of ['S-1-5-32-548', 'S-1-5-32-549', 'S-1-5-32-550', 'S-1-5-32-551']) {
      const g = ctx.idx.groupsBySid.get(s);
      if (g) out.push(...ctx.idx.effectiveMembers(g));
    }
    return list([...new Set(out)]);
  },
  'P-SchemaAdmin': (ctx) => {
    const g = ctx.idx.groupByRid(518);
    return g ? list(ctx.idx.effectiveMembers(g)) : none;
  },
  'P-GroupLoop': (ctx) => ({ affected: ctx.idx.groupLoops().map((g) => ({ name: g.samAccountName, dn: g.dn })) }),
  'P-PrivilegedPwdNotRequired': (ctx) => list(ctx.privileged.filter((a) => flag(a, UAC.PASSWD_NOTREQD))),
  'P-AdminDesOnly': (ctx) => list(ctx.privileged.filter((a) => flag(a, UAC.USE_DES_KEY_ONLY))),
  // ---- Trusts
  'T-SIDFiltering': (ctx) =>
    list(ctx.snap.trusts.filter((t) => t.attributes & 0x8 && (t.attributes & 0x40) !== 0).map(trustAsAccount)),
  'T-SIDFilteringDomain': (ctx) =>
    list(
      ctx.snap.trusts
        .filter(
          (t) =>
            t.direction & 0x2 &&
            !(t.attributes & 0x8) &&
            !(t.attributes & 0x20) &&
            !(t.attributes & 0x4) &&
            t.type === 2,
        )
        .map(trustAsAccount),
    ),
  'T-Inactive': (ctx) =>
    list(ctx.snap.trusts.filter((t) => t.whenChanged !== null && ageDays(ctx, t.whenChanged) > 40).map(trustAsAccount)),
  'T-TGTDelegation': (ctx) =>
    list(
      ctx.snap.trusts
        .filter((t) => t.attributes & 0x8 && (t.attributes & 0x800 || !(t.attributes & 0x200)))
        .map(trustAsAccount),
    ),
  'T-Downlevel': (ctx) => list(ctx.snap.trusts.filter((t) => t.type === 1).map(trustAsAccount)),
  'T-AlgsAES': (ctx) =>
    list(
      ctx.snap.trusts
        .filter((t) => t.supportedEncryptionTypes === null || (t.supportedEncryptionTypes & 0x18) === 0)
        .map(trustAsAccount),
    ),
  // ---- Anomalies
  'A-Krbtgt': (ctx) => {
    const k = ctx.snap.users.find((u) => u.sid === `${ctx.snap.domain.sid}-502`);
    if (!k) return none;
    const days = ageDays(ctx, k.pwdLastSet);
    return {
      affected: [obj(k, `mot de passe changé il y a ${Number.isFinite(days) ? Math.floor(days) : '∞'} jours`)],
      value: days,
    };
  },
  'A-PreWin2000Anonymous': (ctx) => {
    const g = ctx.idx.groupsBySid.get('S-1-5-32-554');
    return {
      affected: (g?.members ?? [])
        .filter((m) => /S-1-1-0|S-1-5-7/.test(m))
        .map((m) => ({ name: m.includes('S-1-5-7') ? 'Anonyme' : 'Tout le monde', dn: m })),
    };
  },
  'A-PreWin2000Other': (ctx) => {
    const g = ctx.idx.groupsBySid.get('S-1-5-32-554');
    return {
      affected: (g?.members ?? []).filter((m) => !/S-1-5-11|S-1-1-0|S-1-5-7/.test(m)).map((m) => ({ name: m, dn: m })),
    };
  },
  'A-DsHeuristicsAnonymous': dsHeuristic(7, (c) => c === '2', 'opérations LDAP anonymes autorisées (7e caractère = 2)'),
  'A-DsHeuristicsAllowAnonNSPI': dsHeuristic(8, (c) => c !== '' && c !== '0', 'accès NSPI anonyme (8e caractère)'),
  'A-DsHeuristicsAdminSDExMask': dsHeuristic(
    16,
    (c) => c !== '' && c !== '0',
    'groupes d’opérateurs exclus de la protection AdminSDHolder (16e caractère)',
  ),
  'A-DsHeuristicsDoListObject': dsHeuristic(3, (c) => c === '1', 'mode List Object activé (3e caractère)'),
  'A-DsHeuristicsLDAPSecurity': dsHeuristic(
    13,
    (c) => c === '1',
    'changement de mot de passe autorisé sur connexion non chiffrée (13e caractère)',
  ),
  'A-DsHeuristicsNoUniqueness': dsHeuristic(
    21,
    (c) => c === '1',
    'contrôle d’unicité des UPN/SPN désactivé (21e caractère)',
  ),
  'A-LAPS-Not-Installed': (ctx) =>
    !ctx.snap.schema.lapsLegacy && !ctx.snap.schema.lapsWindows
      ? { affected: [{ name: 'schéma', detail: 'ni ms-Mcs-AdmPwd ni msLAPS-Password dans le schéma' }] }
      : none,
  'A-LAPS-Coverage': (ctx) => {
    if (!ctx.snap.schema.lapsLegacy && !ctx.snap.schema.lapsWindows) return none;
    const comps = ctx.snap.computers.filter((c) => enabled(c) && !isDc(c));
    const missing = comps.filter((c) => !c.hasLapsPassword);
    return { ...list(missing), value: pct(missing.length, comps.length) };
  },
  'A-MinPwdLen': (ctx) => {
    const l = ctx.snap.domain.minPwdLength;
    return l !== null && l < 8 ? { affected: [{ name: ctx.snap.domain.dnsName, detail: `minPwdLength=${l}` }] } : none;
  },
  'A-LockoutThreshold': (ctx) =>
    ctx.snap.domain.lockoutThreshold === 0
      ? { affected: [{ name: ctx.snap.domain.dnsName, detail: 'lockoutThreshold=0 (aucun verrouillage)' }] }
      : none,
  'A-PwdHistory': (ctx) => {
    const h = ctx.snap.domain.pwdHistoryLength;
    return h !== null && h < 12
      ? { affected: [{ name: ctx.snap.domain.dnsName, detail: `pwdHistoryLength=${h}` }] }
      : none;
  },
  'A-UnixPwd': (ctx) => list([...ctx.snap.users, ...ctx.snap.computers].filter((a) => a.hasClearTextPasswordAttribute)),
  'A-DnsZoneUpdate1': (ctx) => ({
    affected: ctx.snap.dnsZones
      .filter((z) => z.allowUpdate === 1)
      .map((z) => ({ name: z.name, dn: z.dn, detail: 'mises à jour dynamiques non sécurisées' })),
  }),
  'A-DnsZoneAUCreateChild': (ctx) => ({
    affected: ctx.snap.dnsZones
      .filter((z) =>
        (z.securityDescriptor?.dacl?.aces ?? []).some(
          (a) => (a.type === 0 || a.type === 5) && a.mask & 0x1 && a.sid === 'S-1-1-0',
        ),
      )
      .map((z) => ({ name: z.name, dn: z.dn, detail: 'Tout le monde peut créer des enregistrements' })),
    undetermined: ctx.snap.dnsZones.filter((z) => z.securityDescriptor === null).map(unreadableSd),
  }),
  'A-CertTempAuthEnrollWithName': templateRule(
    (t) =>
      (t.nameFlag & 0x1) !== 0 &&
      noApproval(t) &&
      (t.extendedKeyUsages.length === 0 || t.extendedKeyUsages.some((e) => CLIENT_AUTH_EKUS.has(e))),
    (ctx, t, sd) =>
      lowPrivEnroll(ctx, sd).length > 0
        ? [
            {
              name: t.name,
              dn: t.dn,
              detail: 'le demandeur choisit le sujet, authentification client, inscription ouverte',
            },
          ]
        : [],
    { enrolment: true },
  ),
  'A-CertTempAnyPurpose': templateRule(
    (t) => (t.extendedKeyUsages.length === 0 || t.extendedKeyUsages.includes('2.5.29.37.0')) && noApproval(t),
    (ctx, t, sd) => (lowPrivEnroll(ctx, sd).length > 0 ? [{ name: t.name, dn: t.dn }] : []),
    { enrolment: true },
  ),
  'A-CertTempControl': templateRule(
    () => true,
    (ctx, t, sd) =>
      dangerousAces(sd, trustedSids(ctx.snap))
        .filter((a) => isEveryoneLike(a.sid, ctx.snap.domain.sid))
        .map((a) => ({ name: t.name, dn: t.dn, detail: `${principalName(ctx, a.sid)} : ${a.right}` })),
    // Whoever may rewrite a template may also get it published later: judged published or not.
    { enrolment: false },
  ),
  'A-CertWeakHash': (ctx) => {
    const affected: AffectedObject[] = [];
    const undetermined: AffectedObject[] = [];
    for (const { ca, der } of caCertificates(ctx)) {
      const oid = signatureAlgorithmOid(der);
      if (oid === null) undetermined.push(unreadableCert(ca, 'algorithme de signature introuvable'));
      else if (WEAK_SIG[oid]) affected.push({ name: ca.name, dn: ca.dn, detail: `signature ${WEAK_SIG[oid]}` });
    }
    return { affected, undetermined };
  },
  'A-CertWeakRsa': (ctx) => {
    const affected: AffectedObject[] = [];
    const undetermined: AffectedObject[] = [];
    for (const { ca, der } of caCertificates(ctx)) {
      const bits = rsaBits(der);
      if (bits instanceof Error) undetermined.push(unreadableCert(ca, bits.message));
      else if (bits !== null && bits < 2048)
        affected.push({ name: ca.name, dn: ca.dn, detail: `clé RSA de ${bits} bits` });
    }
    return { affected, undetermined };
  },
  'A-NTFRSOnSysvol': (ctx) =>
    ctx.snap.ntfrsReplicaSets > 0
      ? { affected: [{ name: 'SYSVOL', detail: `${ctx.snap.ntfrsReplicaSets} jeu(x) de réplication NTFRS` }] }
      : none,
  'A-GpoDisabled': (ctx) => ({
    affected: ctx.snap.gpos
      .filter((g) => g.flags === 3)
      .map((g) => ({ name: g.displayName ?? g.name, dn: g.dn, detail: 'GPO entièrement désactivée' })),
  }),
};

function trustAsAccount(t: DirectorySnapshot['trusts'][number]): Account {
  return { samAccountName: t.name, dn: t.dn } as Account;
}

/** Builds the evaluation context (index, privileged accounts, DCs) once per audit. */
export function evalContext(snap: DirectorySnapshot, now = snap.collectedAt.getTime()): EvalContext {
  const idx = new DirectoryIndex(snap);
  const privileged = new Map<string, Account>();
  for (const g of privilegedGroups(idx))
    for (const a of idx.effectiveMembers(g)) if (!isDc(a)) privileged.set(a.sid, a);
  return { snap, idx, now, privileged: [...privileged.values()], dcs: snap.computers.filter(isDc) };
}
