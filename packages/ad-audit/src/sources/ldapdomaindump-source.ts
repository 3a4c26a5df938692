import { z } from 'zod';
import { InputError } from '../bundle.js';
import { type Account, blankAccount, type DirectorySnapshot, emptySnapshot, type Phase } from '../model.js';

const entrySchema = z.object({ dn: z.string().min(1), attributes: z.record(z.string(), z.array(z.unknown())) });
const fileSchema = z.array(entrySchema);
export type LddEntry = z.infer<typeof entrySchema>;

/** Phases ldapdomaindump does not dump: their rules are reported "non évalué". */
const MISSING: Phase[] = ['gpos', 'configuration', 'schema', 'pki', 'dns', 'securityDescriptors'];

const first = (e: LddEntry, k: string): unknown => e.attributes[k]?.[0];
const str = (e: LddEntry, k: string): string | null => {
  const v = first(e, k);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
};
const int = (e: LddEntry, k: string): number | null => {
  const v = first(e, k);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) ? n : null;
};
const date = (e: LddEntry, k: string): Date | null => {
  const v = str(e, k);
  if (!v) return null;
  const d = new Date(v.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1700 ? null : d;
};
const strs = (e: LddEntry, k: string): string[] =>
  (e.attributes[k] ?? []).filter((x): x is string => typeof x === 'string');

/** Parses one ldapdomaindump JSON file (domain_users/computers/groups/policy/trusts.json). */
export function parseLddFile(text: string, name: string): LddEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError('AD_LDD_JSON', `${name} : JSON invalide (${(e as Error).message})`);
  }
  const r = fileSchema.safeParse(data);
  if (!r.success)
    throw new InputError(
      'AD_LDD_SCHEMA',
      `${name} : format ldapdomaindump inattendu (${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message})`,
    );
  return r.data;
}

function toAccount(kind: Account['kind'], e: LddEntry): Account | null {
  const sid = str(e, 'objectSid');
  if (!sid || !/^S-1-[\d-]+$/.test(sid)) return null;
  const a = blankAccount(kind, e.dn, sid, str(e, 'sAMAccountName') ?? '');
  a.userAccountControl = (int(e, 'userAccountControl') ?? a.userAccountControl) >>> 0;
  a.pwdLastSet = date(e, 'pwdLastSet');
  a.lastLogonTimestamp = date(e, 'lastLogonTimestamp') ?? date(e, 'lastLogon');
  a.whenCreated = date(e, 'whenCreated');
  a.whenChanged = date(e, 'whenChanged');
  a.adminCount = int(e, 'adminCount');
  a.primaryGroupId = int(e, 'primaryGroupID');
  a.servicePrincipalNames = strs(e, 'servicePrincipalName');
  a.sidHistory = strs(e, 'sIDHistory');
  a.allowedToDelegateTo = strs(e, 'msDS-AllowedToDelegateTo');
  a.operatingSystem = str(e, 'operatingSystem');
  a.operatingSystemVersion = str(e, 'operatingSystemVersion');
  return a;
}

/** Builds a snapshot from ldapdomaindump files keyed by file name; absent data yields incomplete phases. */
export function snapshotFromLdapDomainDump(files: Record<string, string>): DirectorySnapshot {
  const get = (n: string) => (files[n] !== undefined ? parseLddFile(files[n] as string, n) : null);
  const users = get('domain_users.json');
  const computers = get('domain_computers.json');
  const groups = get('domain_groups.json');
  const policy = get('domain_policy.json');
  const trusts = get('domain_trusts.json');
  if (!users && !computers && !groups)
    throw new InputError('AD_LDD_EMPTY', 'aucun fichier domain_users/computers/groups.json trouvé');
  const anySid = [...(users ?? []), ...(computers ?? [])]
    .map((e) => str(e, 'objectSid'))
    .find((s) => s && /^S-1-5-21-\d+-\d+-\d+-\d+$/.test(s));
  const head = policy?.[0];
  const domainSid = (head && str(head, 'objectSid')) || anySid?.replace(/-\d+$/, '');
  if (!domainSid) throw new InputError('AD_LDD_NO_SID', 'SID du domaine introuvable dans le dump');
  const anyDn = head?.dn ?? users?.[0]?.dn ?? '';
  const baseDn = anyDn
    .split(',')
    .filter((p) => /^dc=/i.test(p.trim()))
    .join(',');
  const s = emptySnapshot({
    dn: baseDn,
    sid: domainSid,
    ...(head
      ? {
          machineAccountQuota: int(head, 'ms-DS-MachineAccountQuota'),
          minPwdLength: int(head, 'minPwdLength'),
          pwdHistoryLength: int(head, 'pwdHistoryLength'),
          lockoutThreshold: int(head, 'lockoutThreshold'),
          functionalLevel: int(head, 'msDS-Behavior-Version'),
        }
      : {}),
  });
  s.source = 'ldapdomaindump';
  const missing = new Set<Phase>(MISSING);
  if (!head) missing.add('domain');
  if (!users) missing.add('users');
  if (!computers) missing.add('computers');
  if (!groups) missing.add('groups');
  if (!trusts) missing.add('trusts');
  for (const phase of missing)
    s.incomplete.push({ phase, code: 'NOT_IN_SOURCE', reason: 'absent du dump ldapdomaindump' });
  for (const e of users ?? []) {
    const a = toAccount('user', e);
    if (a) s.users.push(a);
  }
  for (const e of computers ?? []) {
    const a = toAccount('computer', e);
    if (a) s.computers.push(a);
  }
  for (const e of groups ?? []) {
    const sid = str(e, 'objectSid');
    if (sid)
      s.groups.push({ dn: e.dn, sid, samAccountName: str(e, 'sAMAccountName') ?? '', members: strs(e, 'member') });
  }
  for (const e of trusts ?? []) {
    s.trusts.push({
      dn: e.dn,
      name: str(e, 'name') ?? e.dn,
      direction: int(e, 'trustDirection') ?? 0,
      type: int(e, 'trustType') ?? 0,
      attributes: int(e, 'trustAttributes') ?? 0,
      whenChanged: date(e, 'whenChanged'),
      supportedEncryptionTypes: null,
    });
  }
  return s;
}
