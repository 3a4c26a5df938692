import { Unzip, UnzipInflate } from 'fflate';
import { InputError } from '../bundle.js';
import {
  type Account,
  blankAccount,
  type DirectorySnapshot,
  emptySnapshot,
  type Group,
  type Phase,
  type Trust,
  UAC,
} from '../model.js';

/** Largest collection zip read from disk. */
export const MAX_SHARPHOUND_ZIP_BYTES = 512 * 1024 * 1024;
/** Cap on the total decompressed size: a zip bomb stops here, whatever the sizes its headers claim. */
export const MAX_SHARPHOUND_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;
/** Cap on the number of entries in the zip. */
export const MAX_SHARPHOUND_ENTRIES = 1000;

type Json = Record<string, unknown>;
type CollectionType = 'users' | 'computers' | 'groups' | 'domains';

/** Decompresses the JSON members of a zip, stopping at the decompressed-size cap. */
export function unzipJsonMembers(
  zip: Uint8Array,
  maxDecompressed = MAX_SHARPHOUND_DECOMPRESSED_BYTES,
): Map<string, string> {
  if (zip.length > MAX_SHARPHOUND_ZIP_BYTES)
    throw new InputError('AD_SH_TOO_LARGE', 'archive SharpHound trop volumineuse');
  if (zip.length < 22 || zip[0] !== 0x50 || zip[1] !== 0x4b)
    throw new InputError('AD_SH_NOT_ZIP', 'ce fichier n’est pas une archive zip');
  if (!hasEndOfCentralDirectory(zip))
    throw new InputError('AD_SH_TRUNCATED', 'archive zip tronquée (fin de répertoire central absente)');
  const chunks = new Map<string, Uint8Array[]>();
  const unfinished = new Set<string>();
  let total = 0;
  let entries = 0;
  let failure: InputError | null = null;
  const unzip = new Unzip((file) => {
    if (failure) return;
    entries++;
    if (entries > MAX_SHARPHOUND_ENTRIES) {
      failure = new InputError('AD_SH_TOO_MANY_ENTRIES', `plus de ${MAX_SHARPHOUND_ENTRIES} fichiers dans l’archive`);
      return;
    }
    if (!/\.json$/i.test(file.name)) return;
    const parts: Uint8Array[] = [];
    chunks.set(file.name, parts);
    unfinished.add(file.name);
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) {
        failure = new InputError('AD_SH_CORRUPT', `${file.name} : décompression impossible (${err.message})`);
        return;
      }
      total += data.length;
      if (total > maxDecompressed) {
        failure = new InputError(
          'AD_SH_ZIP_BOMB',
          `contenu décompressé supérieur à ${maxDecompressed} octets : archive refusée (bombe zip ?)`,
        );
        file.terminate();
        return;
      }
      parts.push(data);
      if (final) unfinished.delete(file.name);
    };
    try {
      file.start();
    } catch (e) {
      failure = new InputError('AD_SH_CORRUPT', `${file.name} : ${(e as Error).message}`);
    }
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(zip, true);
  } catch (e) {
    if (!failure) failure = new InputError('AD_SH_CORRUPT', `archive zip illisible : ${(e as Error).message}`);
  }
  if (failure) throw failure;
  if (unfinished.size > 0)
    throw new InputError('AD_SH_TRUNCATED', `archive zip tronquée : ${[...unfinished].join(', ')} incomplet`);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const out = new Map<string, string>();
  for (const [name, parts] of chunks) {
    const size = parts.reduce((n, p) => n + p.length, 0);
    const buf = new Uint8Array(size);
    let off = 0;
    for (const p of parts) {
      buf.set(p, off);
      off += p.length;
    }
    out.set(name, decoder.decode(buf).replace(/^\uFEFF/, ''));
  }
  return out;
}

/** The end-of-central-directory record must sit in the last 64 KiB + 22 bytes of a whole zip. */
function hasEndOfCentralDirectory(zip: Uint8Array): boolean {
  const stop = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= stop; i--)
    if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 0x05 && zip[i + 3] === 0x06) return true;
  return false;
}

function obj(v: unknown): Json | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}
function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
/** SharpHound writes times as Unix seconds; 0 and -1 mean never. */
function epoch(v: unknown): Date | null {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 253402300799) return null;
  return new Date(v * 1000);
}
/** Builtin groups come as "DOMAIN.FQDN-S-1-5-32-544". */
function cleanSid(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const m = /(S-1-\d+(?:-\d+)+)$/.exec(s);
  return m ? (m[1] as string) : null;
}

interface Collection {
  type: CollectionType;
  version: number;
  data: Json[];
}

function parseCollection(name: string, text: string): Collection | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError('AD_SH_JSON', `${name} : JSON invalide (${(e as Error).message})`);
  }
  const root = obj(raw);
  const meta = obj(root?.meta);
  if (!root || !meta || !Array.isArray(root.data))
    throw new InputError('AD_SH_SHAPE', `${name} : objets "data" et "meta" attendus (format SharpHound)`);
  const version = meta.version;
  if (version !== 5 && version !== 6)
    throw new InputError('AD_SH_VERSION', `${name} : meta.version ${String(version)} non prise en charge (5 ou 6)`);
  const type = String(meta.type ?? '').toLowerCase();
  if (!['users', 'computers', 'groups', 'domains'].includes(type)) return null;
  const data = root.data.map((d, i) => {
    const o = obj(d);
    if (!o) throw new InputError('AD_SH_SHAPE', `${name} : data[${i}] n’est pas un objet`);
    return o;
  });
  return { type: type as CollectionType, version, data };
}

const FLAG_PROPS: [string, number][] = [
  ['dontreqpreauth', UAC.DONT_REQ_PREAUTH],
  ['passwordnotreqd', UAC.PASSWD_NOTREQD],
  ['unconstraineddelegation', UAC.TRUSTED_FOR_DELEGATION],
  ['trustedtoauth', UAC.TRUSTED_TO_AUTH_FOR_DELEGATION],
  ['pwdneverexpires', UAC.DONT_EXPIRE_PASSWORD],
  ['sensitive', UAC.NOT_DELEGATED],
  ['smartcardrequired', UAC.SMARTCARD_REQUIRED],
  ['usedeskeyonly', UAC.USE_DES_KEY_ONLY],
  ['encryptedtextpwdallowed', UAC.ENCRYPTED_TEXT_PWD_ALLOWED],
];

function account(kind: Account['kind'], o: Json): Account | null {
  const sid = cleanSid(o.ObjectIdentifier);
  const p = obj(o.Properties) ?? {};
  if (!sid) return null;
  const name = str(p.samaccountname) ?? str(p.name)?.split('@')[0] ?? sid;
  const acc = blankAccount(kind, str(p.distinguishedname) ?? `sid:${sid}`, sid, name);
  const isDc = kind === 'computer' && o.IsDC === true;
  let uac = kind === 'user' ? UAC.NORMAL_ACCOUNT : isDc ? UAC.SERVER_TRUST_ACCOUNT : UAC.WORKSTATION_TRUST_ACCOUNT;
  if (p.enabled === false) uac |= UAC.ACCOUNTDISABLE;
  for (const [k, bit] of FLAG_PROPS) if (p[k] === true) uac |= bit;
  acc.userAccountControl = uac;
  acc.pwdLastSet = epoch(p.pwdlastset);
  acc.lastLogonTimestamp = epoch(p.lastlogontimestamp);
  acc.whenCreated = epoch(p.whencreated);
  acc.adminCount = p.admincount === true ? 1 : p.admincount === false ? 0 : null;
  const pg = cleanSid(o.PrimaryGroupSID);
  acc.primaryGroupId = pg ? Number(pg.slice(pg.lastIndexOf('-') + 1)) : isDc ? 516 : acc.primaryGroupId;
  acc.servicePrincipalNames = strs(p.serviceprincipalnames);
  acc.sidHistory = strs(p.sidhistory);
  acc.allowedToDelegateTo = strs(p.allowedtodelegate);
  acc.hasResourceBasedDelegation = Array.isArray(o.AllowedToAct) && o.AllowedToAct.length > 0;
  acc.supportedEncryptionTypes = typeof p.supportedencryptiontypes === 'number' ? p.supportedencryptiontypes : null;
  acc.hasClearTextPasswordAttribute = ['userpassword', 'unixpassword', 'unicodepassword', 'sfupassword'].some(
    (k) => typeof p[k] === 'string' && (p[k] as string).length > 0,
  );
  acc.operatingSystem = str(p.operatingsystem);
  acc.hasLapsPassword = p.haslaps === true;
  return acc;
}

const TRUST_DIRECTION: Record<string, number> = { Disabled: 0, Inbound: 1, Outbound: 2, Bidirectional: 3 };
const FUNCTIONAL_LEVEL: Record<string, number> = {
  '2000 Mixed/Native': 0,
  '2003 Interim': 1,
  '2003': 2,
  '2008': 3,
  '2008 R2': 4,
  '2012': 5,
  '2012 R2': 6,
  '2016': 7,
  '2025': 10,
};

function trust(t: Json): Trust | null {
  const name = str(t.TargetDomainName);
  if (!name) return null;
  const dir = typeof t.TrustDirection === 'number' ? t.TrustDirection : TRUST_DIRECTION[String(t.TrustDirection)];
  // TRUST_ATTRIBUTE_QUARANTINED_DOMAIN (0x4) is SID filtering; 0x8 forest transitive.
  let attributes = 0;
  if (t.SidFilteringEnabled === true) attributes |= 0x4;
  if (t.TrustType === 'Forest' || t.TrustType === 2) attributes |= 0x8;
  if (t.TGTDelegationEnabled === true) attributes |= 0x800;
  return {
    dn: `trust:${name}`,
    name,
    direction: dir ?? 0,
    type: 2,
    attributes,
    whenChanged: null,
    supportedEncryptionTypes: null,
  };
}

/** Alias kept for callers using the snapshotFrom* naming of the other sources. */
export const unzipJsonEntries = unzipJsonMembers;

/**
 * Builds a snapshot from a SharpHound / BloodHound CE collection zip (meta version 5 or 6).
 * SharpHound keeps no schema, PKI, DNS, GPO settings nor raw security descriptors in the form our
 * rules read: those phases are recorded as incomplete so their rules are "non évalué".
 */
export function importSharpHoundZip(zip: Uint8Array, opts: { maxDecompressed?: number } = {}): DirectorySnapshot {
  const members = unzipJsonMembers(zip, opts.maxDecompressed);
  const byType = new Map<CollectionType, Collection>();
  for (const [name, text] of members) {
    const c = parseCollection(name, text);
    if (!c) continue;
    const prev = byType.get(c.type);
    if (prev) prev.data.push(...c.data);
    else byType.set(c.type, c);
  }
  const domains = byType.get('domains')?.data ?? [];
  const dom = domains[0];
  const domainSid = dom ? cleanSid(dom.ObjectIdentifier) : null;
  if (!dom || !domainSid)
    throw new InputError('AD_SH_NO_DOMAIN', 'aucun fichier domains.json exploitable dans l’archive : domaine inconnu');
  const dp = obj(dom.Properties) ?? {};
  const dn =
    str(dp.distinguishedname) ??
    `DC=${String(str(dp.name) ?? 'domaine')
      .split('.')
      .join(',DC=')}`;
  const snap = emptySnapshot({ dn, sid: domainSid });
  snap.source = 'sharphound';
  if (str(dp.name)) snap.domain.dnsName = (dp.name as string).toLowerCase();
  const fl = FUNCTIONAL_LEVEL[String(dp.functionallevel ?? '')];
  snap.domain.functionalLevel = fl ?? null;
  if (typeof dp.machineaccountquota === 'number') snap.domain.machineAccountQuota = dp.machineaccountquota;
  if (typeof dp.minpwdlength === 'number') snap.domain.minPwdLength = dp.minpwdlength;
  if (typeof dp.lockoutthreshold === 'number') snap.domain.lockoutThreshold = dp.lockoutthreshold;
  if (typeof dp.dsheuristics === 'string') snap.domain.dsHeuristics = dp.dsheuristics;
  snap.domain.domainsInForest = Math.max(1, domains.length);
  snap.trusts = (Array.isArray(dom.Trusts) ? dom.Trusts : [])
    .map((t) => obj(t))
    .filter((t): t is Json => t !== null)
    .map(trust)
    .filter((t): t is Trust => t !== null);

  const need = (t: CollectionType, phase: Phase) => {
    const c = byType.get(t);
    if (!c) snap.incomplete.push({ phase, code: 'AD_SH_MISSING', reason: `collection ${t} absente de l’archive` });
    return c?.data ?? [];
  };
  snap.users = need('users', 'users')
    .map((o) => account('user', o))
    .filter((a): a is Account => a !== null);
  snap.computers = need('computers', 'computers')
    .map((o) => account('computer', o))
    .filter((a): a is Account => a !== null);
  const groupData = need('groups', 'groups');
  const dnBySid = new Map<string, string>();
  for (const a of [...snap.users, ...snap.computers]) dnBySid.set(a.sid, a.dn);
  const groups: { g: Group; members: unknown }[] = [];
  for (const o of groupData) {
    const sid = cleanSid(o.ObjectIdentifier);
    if (!sid) continue;
    const p = obj(o.Properties) ?? {};
    const g: Group = {
      dn: str(p.distinguishedname) ?? `sid:${sid}`,
      sid,
      samAccountName: str(p.samaccountname) ?? str(p.name)?.split('@')[0] ?? sid,
      members: [],
    };
    dnBySid.set(sid, g.dn);
    groups.push({ g, members: o.Members });
  }
  for (const { g, members } of groups) {
    if (!Array.isArray(members)) continue;
    for (const m of members) {
      const sid = cleanSid(obj(m)?.ObjectIdentifier);
      if (sid) g.members.push(dnBySid.get(sid) ?? `sid:${sid}`);
    }
  }
  snap.groups = groups.map((x) => x.g);
  for (const phase of ['gpos', 'configuration', 'schema', 'pki', 'dns', 'securityDescriptors'] as const)
    snap.incomplete.push({ phase, code: 'AD_SH_NOT_COLLECTED', reason: 'donnée absente d’une collecte SharpHound' });
  return snap;
}

/** Same as importSharpHoundZip, named like snapshotFromLdapDomainDump. */
export const snapshotFromSharpHoundZip = importSharpHoundZip;
