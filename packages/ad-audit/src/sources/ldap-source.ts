import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { type ConnectionOptions, checkServerIdentity } from 'node:tls';
import { BerWriter, Client, Control, type Entry, InvalidCredentialsError, NoSuchObjectError } from 'ldapts';
import { fileTimeToDate, generalizedTimeToDate, sidFromBytes, toInt } from '../ldap-values.js';
import {
  type Account,
  blankAccount,
  type CertificateTemplate,
  type DirectorySnapshot,
  type DnsZone,
  emptySnapshot,
  type Phase,
  type SensitiveObjectSd,
} from '../model.js';
import { parseSecurityDescriptor, type SecurityDescriptor, SecurityDescriptorError } from '../security-descriptor.js';

export type CollectErrorCode =
  | 'LDAP_CONNECT'
  | 'LDAP_TIMEOUT'
  | 'LDAP_TLS'
  | 'LDAP_BIND'
  | 'LDAP_CONFIG'
  | 'LDAP_ROOTDSE';

/** A collection failure that prevents any audit (connection, TLS, bind, rootDSE). */
export class CollectError extends Error {
  constructor(
    readonly code: CollectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CollectError';
  }
}

export interface LdapSourceOptions {
  /** ldaps://host[:636] or ldap://host[:389] (then startTls is required unless allowPlaintext). */
  url: string;
  bindDn: string;
  password: string;
  /** PEM file of the CA that signed the DC certificate. */
  caFile?: string;
  startTls?: boolean;
  /** Name expected in the DC certificate when the URL holds an IP address or an alias. */
  tlsServerName?: string;
  /** Certificate verification; on unless explicitly disabled. */
  rejectUnauthorized?: boolean;
  connectTimeoutMs?: number;
  phaseTimeoutMs?: number;
  pageSize?: number;
  /**
   * LDAP connections used at once (1–4, default 4): users, computers, groups and the small phases each
   * get their own connection so the DC builds the next page while we decode the previous one. 1 runs
   * every phase in turn on one connection, for a DC that must be spared.
   */
  connections?: number;
  progress?: (message: string) => void;
}

/** LDAP_SERVER_SD_FLAGS_OID: ask for OWNER|GROUP|DACL (7) so non-admins can read DACLs (no SACL). */
class SdFlagsControl extends Control {
  constructor(private readonly flags: number) {
    super('1.2.840.113556.1.4.801', { critical: false });
  }
  protected override writeControl(writer: BerWriter): void {
    const w = new BerWriter();
    w.startSequence();
    w.writeInt(this.flags);
    w.endSequence();
    writer.writeBuffer(w.buffer, 4);
  }
}
const SD_FLAGS = new SdFlagsControl(0x1 | 0x2 | 0x4);

const BINARY = [
  'objectSid',
  'sIDHistory',
  'nTSecurityDescriptor',
  'msDS-AllowedToActOnBehalfOfOtherIdentity',
  'dnsProperty',
  'cACertificate',
];

class PhaseTimeout extends Error {}

function str(e: Entry, name: string): string | null {
  const v = e[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return null;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}
function strs(e: Entry, name: string): string[] {
  const v = e[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}
function bufs(e: Entry, name: string): Buffer[] {
  const v = e[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(String(x))));
}
function has(e: Entry, name: string): boolean {
  const v = e[name];
  return v !== undefined && (!Array.isArray(v) || v.length > 0);
}
/** The entry's nTSecurityDescriptor, or why there is none usable (absent, or malformed: never thrown). */
function readSd(e: Entry): { sd: SecurityDescriptor; error: null } | { sd: null; error: string } {
  const b = bufs(e, 'nTSecurityDescriptor')[0];
  if (!b) return { sd: null, error: 'nTSecurityDescriptor non renvoyé (droit de lecture insuffisant ?)' };
  try {
    return { sd: parseSecurityDescriptor(b), error: null };
  } catch (err) {
    if (err instanceof SecurityDescriptorError)
      return { sd: null, error: `nTSecurityDescriptor illisible (${err.message}, ${b.length} octets)` };
    throw err;
  }
}
function sd(e: Entry): SecurityDescriptor | null {
  return readSd(e).sd;
}

export const CERTIFICATE_TEMPLATE_ATTRIBUTES = [
  'cn',
  'msPKI-Certificate-Name-Flag',
  'msPKI-Enrollment-Flag',
  'msPKI-RA-Signature',
  'pKIExtendedKeyUsage',
  'msPKI-Certificate-Application-Policy',
  'nTSecurityDescriptor',
];

/**
 * A pKICertificateTemplate entry → model. Hostile values never throw: a malformed integer reads as unset,
 * a missing or malformed security descriptor is kept as securityDescriptorError (the rules that need it
 * then report the template as undetermined instead of safe).
 */
export function certificateTemplateFromEntry(e: Entry): CertificateTemplate {
  const { sd: securityDescriptor, error } = readSd(e);
  return {
    dn: e.dn,
    name: str(e, 'cn') ?? e.dn,
    nameFlag: (toInt(str(e, 'msPKI-Certificate-Name-Flag')) ?? 0) >>> 0,
    enrollmentFlag: (toInt(str(e, 'msPKI-Enrollment-Flag')) ?? 0) >>> 0,
    raSignatures: toInt(str(e, 'msPKI-RA-Signature')) ?? 0,
    extendedKeyUsages: [
      ...new Set([...strs(e, 'pKIExtendedKeyUsage'), ...strs(e, 'msPKI-Certificate-Application-Policy')]),
    ],
    securityDescriptor,
    ...(error ? { securityDescriptorError: error } : {}),
  };
}

const ACCOUNT_ATTRS = [
  'distinguishedName',
  'objectSid',
  'sAMAccountName',
  'userAccountControl',
  'pwdLastSet',
  'lastLogonTimestamp',
  'whenCreated',
  'whenChanged',
  'adminCount',
  'primaryGroupID',
  'servicePrincipalName',
  'sIDHistory',
  'msDS-AllowedToDelegateTo',
  'msDS-AllowedToActOnBehalfOfOtherIdentity',
  'msDS-SupportedEncryptionTypes',
  'altSecurityIdentities',
  'userPassword',
  'unixUserPassword',
];
const COMPUTER_ATTRS = [
  ...ACCOUNT_ATTRS,
  'operatingSystem',
  'operatingSystemVersion',
  'ms-Mcs-AdmPwdExpirationTime',
  'msLAPS-PasswordExpirationTime',
];
/** Attributes read per collection, exported so the benchmark dumps exactly the same with ldapsearch. */
export const COLLECTED_ATTRIBUTES = {
  users: ACCOUNT_ATTRS,
  computers: COMPUTER_ATTRS,
  groups: ['distinguishedName', 'objectSid', 'sAMAccountName', 'member'],
};

function toAccount(kind: Account['kind'], e: Entry): Account | null {
  const sid = sidFromBytes(bufs(e, 'objectSid')[0]);
  if (!sid) return null;
  const a = blankAccount(kind, e.dn, sid, str(e, 'sAMAccountName') ?? '');
  a.userAccountControl = (toInt(str(e, 'userAccountControl')) ?? a.userAccountControl) >>> 0;
  a.pwdLastSet = fileTimeToDate(str(e, 'pwdLastSet'));
  a.lastLogonTimestamp = fileTimeToDate(str(e, 'lastLogonTimestamp'));
  a.whenCreated = generalizedTimeToDate(str(e, 'whenCreated'));
  a.whenChanged = generalizedTimeToDate(str(e, 'whenChanged'));
  a.adminCount = toInt(str(e, 'adminCount'));
  a.primaryGroupId = toInt(str(e, 'primaryGroupID'));
  a.servicePrincipalNames = strs(e, 'servicePrincipalName');
  a.sidHistory = bufs(e, 'sIDHistory')
    .map((b) => sidFromBytes(b))
    .filter((s): s is string => s !== null);
  a.allowedToDelegateTo = strs(e, 'msDS-AllowedToDelegateTo');
  a.hasResourceBasedDelegation = has(e, 'msDS-AllowedToActOnBehalfOfOtherIdentity');
  a.supportedEncryptionTypes = toInt(str(e, 'msDS-SupportedEncryptionTypes'));
  a.altSecurityIdentities = strs(e, 'altSecurityIdentities');
  a.hasClearTextPasswordAttribute = has(e, 'userPassword') || has(e, 'unixUserPassword');
  a.operatingSystem = str(e, 'operatingSystem');
  a.operatingSystemVersion = str(e, 'operatingSystemVersion');
  a.hasLapsPassword = has(e, 'ms-Mcs-AdmPwdExpirationTime') || has(e, 'msLAPS-PasswordExpirationTime');
  return a;
}

/** Collects a DirectorySnapshot from a domain controller over LDAPS or LDAP+StartTLS. */
export async function collectFromLdap(opts: LdapSourceOptions): Promise<DirectorySnapshot> {
  const progress = opts.progress ?? (() => {});
  const phaseTimeout = opts.phaseTimeoutMs ?? 120_000;
  const pageSize = opts.pageSize ?? 1000;
  let parsed: URL;
  try {
    parsed = new URL(opts.url);
  } catch {
    throw new CollectError('LDAP_CONFIG', `URL LDAP invalide : ${opts.url}`);
  }
  if (parsed.protocol !== 'ldaps:' && parsed.protocol !== 'ldap:')
    throw new CollectError('LDAP_CONFIG', `schéma non pris en charge : ${parsed.protocol}`);
  if (parsed.protocol === 'ldap:' && !opts.startTls)
    throw new CollectError(
      'LDAP_CONFIG',
      'ldap:// sans --starttls enverrait le mot de passe en clair : utilisez ldaps:// ou --starttls',
    );
  let ca: Buffer | undefined;
  if (opts.caFile) {
    try {
      ca = readFileSync(opts.caFile);
    } catch (e) {
      throw new CollectError('LDAP_CONFIG', `fichier CA illisible (${opts.caFile}) : ${(e as Error).message}`);
    }
  }
  const expectedName = opts.tlsServerName ?? parsed.hostname;
  const tlsOptions: ConnectionOptions = {
    ca: ca ? [ca] : undefined,
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
    servername: isIP(expectedName) ? undefined : expectedName,
    checkServerIdentity: (_host, cert) => checkServerIdentity(expectedName, cert),
  };
  const newClient = () =>
    new Client({
      url: opts.url,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      timeout: phaseTimeout,
      // ldapts wraps ldap:// sockets in TLS at connect time when tlsOptions is set: only give them for ldaps://.
      ...(parsed.protocol === 'ldaps:' ? { tlsOptions } : {}),
      strictDN: false,
    });
  const client = newClient();
  const extraClients: Client[] = [];
  const connections = Math.min(4, Math.max(1, Math.trunc(opts.connections ?? 4)));

  const classify = (e: unknown, stage: string): CollectError => {
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string }).code ?? '';
    if (e instanceof InvalidCredentialsError)
      return new CollectError('LDAP_BIND', `authentification refusée pour ${opts.bindDn} (identifiants invalides)`);
    if (/certificate|altnames|self[- ]signed|SSL|TLS|UNABLE_TO|ERR_TLS|CERT_/i.test(msg + code))
      return new CollectError(
        'LDAP_TLS',
        `échec TLS (${stage}) : ${msg} — fournissez le certificat de l'autorité avec --ca`,
      );
    if (/timeout|timed out/i.test(msg)) return new CollectError('LDAP_TIMEOUT', `délai dépassé (${stage}) : ${msg}`);
    return new CollectError('LDAP_CONNECT', `connexion impossible (${stage}) : ${msg}`);
  };

  /** StartTLS if asked, then bind: every connection we open goes through the same checks. */
  const open = async (c: Client) => {
    if (opts.startTls) {
      try {
        await c.startTLS({ ...tlsOptions });
      } catch (e) {
        throw classify(e, 'StartTLS');
      }
    }
    try {
      await c.bind(opts.bindDn, opts.password);
    } catch (e) {
      throw classify(e, 'bind');
    }
  };

  try {
    progress(`connexion à ${parsed.host}`);
    await open(client);
    let root: Entry;
    try {
      const r = await client.search('', {
        scope: 'base',
        attributes: [
          'defaultNamingContext',
          'configurationNamingContext',
          'schemaNamingContext',
          'rootDomainNamingContext',
          'domainFunctionality',
          'forestFunctionality',
        ],
      });
      root = r.searchEntries[0] as Entry;
      if (!root || !str(root, 'defaultNamingContext')) throw new Error('rootDSE sans defaultNamingContext');
    } catch (e) {
      if (e instanceof CollectError) throw e;
      throw new CollectError('LDAP_ROOTDSE', `lecture du rootDSE impossible : ${(e as Error).message}`);
    }
    const baseDn = str(root, 'defaultNamingContext') as string;
    const configDn = str(root, 'configurationNamingContext') ?? `CN=Configuration,${baseDn}`;
    const schemaDn = str(root, 'schemaNamingContext') ?? `CN=Schema,${configDn}`;

    progress('phase domain');
    const head = (
      await client.search(baseDn, {
        scope: 'base',
        attributes: [
          'objectSid',
          'ms-DS-MachineAccountQuota',
          'minPwdLength',
          'pwdHistoryLength',
          'lockoutThreshold',
          'msDS-Behavior-Version',
        ],
        explicitBufferAttributes: BINARY,
      })
    ).searchEntries[0];
    const domainSid = head ? sidFromBytes(bufs(head, 'objectSid')[0]) : null;
    if (!head || !domainSid) throw new CollectError('LDAP_ROOTDSE', `objet domaine ${baseDn} illisible`);
    const snap = emptySnapshot({
      dn: baseDn,
      sid: domainSid,
      functionalLevel: toInt(str(head, 'msDS-Behavior-Version')) ?? toInt(str(root, 'domainFunctionality')),
      forestFunctionalLevel: toInt(str(root, 'forestFunctionality')),
      forestRootDn: str(root, 'rootDomainNamingContext'),
      machineAccountQuota: toInt(str(head, 'ms-DS-MachineAccountQuota')),
      minPwdLength: toInt(str(head, 'minPwdLength')),
      pwdHistoryLength: toInt(str(head, 'pwdHistoryLength')),
      lockoutThreshold: toInt(str(head, 'lockoutThreshold')),
    });
    snap.source = 'ldap';
    snap.server = parsed.host;

    /** Paged subtree search; a missing container is an empty result, not a failure. */
    const eachOn = async (
      on: Client,
      base: string,
      filter: string,
      attributes: string[],
      onEntry: (e: Entry) => void,
      withSd = false,
      scope: 'sub' | 'base' | 'one' = 'sub',
    ) => {
      try {
        const pages = on
          .searchPaginated(
            base,
            { scope, filter, attributes, explicitBufferAttributes: BINARY, paged: { pageSize } },
            withSd ? [SD_FLAGS] : [],
          )
          [Symbol.asyncIterator]();
        // ldapts sends the next page request only when asked for the next page: ask before converting
        // this one, so the DC builds page n+1 while we turn page n into accounts.
        let next = pages.next();
        for (;;) {
          const page = await next;
          if (page.done) break;
          next = pages.next();
          // If onEntry throws, the prefetched page may fail unobserved: keep that from crashing the process.
          next.catch(() => {});
          for (const e of page.value.searchEntries) onEntry(e);
        }
      } catch (e) {
        if (e instanceof NoSuchObjectError) return;
        throw e;
      }
    };
    const each = (...args: Parameters<typeof eachOn> extends [Client, ...infer R] ? R : never) =>
      eachOn(client, ...args);
    /** A connection of its own for a large phase; the main one when a single connection is asked. */
    const laneClient = async (): Promise<Client> => {
      if (connections === 1 || extraClients.length >= connections - 1) return client;
      const c = newClient();
      extraClients.push(c);
      await open(c);
      return c;
    };
    const phase = async (name: Phase, run: () => Promise<void>) => {
      const started = Date.now();
      progress(`phase ${name}…`);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          run(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new PhaseTimeout(`plus de ${phaseTimeout} ms`)), phaseTimeout);
          }),
        ]);
        progress(`phase ${name} terminée en ${Date.now() - started} ms`);
      } catch (e) {
        const code =
          e instanceof PhaseTimeout
            ? 'PHASE_TIMEOUT'
            : ((e as { constructor: { name: string } }).constructor?.name ?? 'ERROR');
        snap.incomplete.push({ phase: name, code, reason: (e as Error).message });
        progress(`phase ${name} incomplète : ${(e as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    };

    await phase('configuration', async () => {
      await each(
        `CN=Directory Service,CN=Windows NT,CN=Services,${configDn}`,
        '(objectClass=*)',
        ['dSHeuristics'],
        (e) => {
          snap.domain.dsHeuristics = str(e, 'dSHeuristics');
        },
        false,
        'base',
      );
      let enabled: string[] = [];
      await each(
        `CN=Partitions,${configDn}`,
        '(objectClass=*)',
        ['msDS-EnabledFeature'],
        (e) => {
          enabled = strs(e, 'msDS-EnabledFeature');
        },
        false,
        'base',
      );
      snap.domain.recycleBinEnabled = enabled.some((f) => /Recycle Bin Feature/i.test(f));
      let domains = 0;
      await each(
        `CN=Partitions,${configDn}`,
        '(&(objectClass=crossRef)(systemFlags:1.2.840.113556.1.4.803:=2))',
        ['nETBIOSName', 'nCName'],
        (e) => {
          domains++;
          if ((str(e, 'nCName') ?? '').toLowerCase() === baseDn.toLowerCase())
            snap.domain.netbiosName = str(e, 'nETBIOSName');
        },
        false,
        'one',
      );
      snap.domain.domainsInForest = Math.max(1, domains);
      await each(`CN=System,${baseDn}`, '(objectClass=nTFRSReplicaSet)', ['cn'], () => {
        snap.ntfrsReplicaSets++;
      });
    });
    const users = () =>
      phase('users', async () => {
        const on = await laneClient();
        await eachOn(on, baseDn, '(&(objectClass=user)(!(objectClass=computer)))', ACCOUNT_ATTRS, (e) => {
          const a = toAccount('user', e);
          if (a) snap.users.push(a);
        });
      });
    const computers = () =>
      phase('computers', async () => {
        const on = await laneClient();
        await eachOn(on, baseDn, '(objectClass=computer)', COMPUTER_ATTRS, (e) => {
          const a = toAccount('computer', e);
          if (a) snap.computers.push(a);
        });
      });
    const groups = () =>
      phase('groups', async () => {
        const on = await laneClient();
        const ranged: { members: string[]; dn: string; key: string }[] = [];
        await eachOn(on, baseDn, '(objectClass=group)', COLLECTED_ATTRIBUTES.groups, (e) => {
          const sid = sidFromBytes(bufs(e, 'objectSid')[0]);
          if (!sid) return;
          // AD returns large groups (> 1500 members) as member;range=0-1499: fetch the rest, never drop it.
          const rangeKey = Object.keys(e).find((k) => /^member;range=/i.test(k));
          const members = rangeKey ? strs(e, rangeKey) : strs(e, 'member');
          snap.groups.push({ dn: e.dn, sid, samAccountName: str(e, 'sAMAccountName') ?? '', members });
          if (rangeKey) ranged.push({ members, dn: e.dn, key: rangeKey });
        });
        for (const g of ranged) {
          let key = g.key;
          for (let guard = 0; guard < 10_000; guard++) {
            const m = /range=(\d+)-(\*|\d+)$/i.exec(key);
            if (!m || m[2] === '*') break;
            const next = `member;range=${Number(m[2]) + 1}-*`;
            const r = await on.search(g.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [next] });
            const entry = r.searchEntries[0];
            const k = entry ? Object.keys(entry).find((x) => /^member;range=/i.test(x)) : undefined;
            if (!entry || !k) throw new Error(`récupération par tranches des membres de ${g.dn} interrompue`);
            g.members.push(...strs(entry, k));
            key = k;
          }
        }
      });
    const smallPhases = async () => {
      await phase('trusts', async () => {
        await each(
          baseDn,
          '(objectClass=trustedDomain)',
          ['cn', 'trustDirection', 'trustType', 'trustAttributes', 'whenChanged', 'msDS-SupportedEncryptionTypes'],
          (e) => {
            snap.trusts.push({
              dn: e.dn,
              name: str(e, 'cn') ?? e.dn,
              direction: toInt(str(e, 'trustDirection')) ?? 0,
              type: toInt(str(e, 'trustType')) ?? 0,
              attributes: toInt(str(e, 'trustAttributes')) ?? 0,
              whenChanged: generalizedTimeToDate(str(e, 'whenChanged')),
              supportedEncryptionTypes: toInt(str(e, 'msDS-SupportedEncryptionTypes')),
            });
          },
        );
      });
      await phase('gpos', async () => {
        await each(
          `CN=Policies,CN=System,${baseDn}`,
          '(objectClass=groupPolicyContainer)',
          ['cn', 'displayName', 'gPCFileSysPath', 'flags'],
          (e) => {
            snap.gpos.push({
              dn: e.dn,
              name: str(e, 'cn') ?? '',
              displayName: str(e, 'displayName'),
              fileSysPath: str(e, 'gPCFileSysPath'),
              flags: toInt(str(e, 'flags')),
            });
          },
        );
      });
      await phase('schema', async () => {
        await each(
          schemaDn,
          '(|(lDAPDisplayName=ms-Mcs-AdmPwd)(lDAPDisplayName=msLAPS-Password)(lDAPDisplayName=msLAPS-EncryptedPassword))',
          ['lDAPDisplayName'],
          (e) => {
            const n = str(e, 'lDAPDisplayName') ?? '';
            if (n === 'ms-Mcs-AdmPwd') snap.schema.lapsLegacy = true;
            else snap.schema.lapsWindows = true;
          },
          false,
          'one',
        );
      });
      await phase('pki', async () => {
        const pks = `CN=Public Key Services,CN=Services,${configDn}`;
        await each(
          `CN=Certificate Templates,${pks}`,
          '(objectClass=pKICertificateTemplate)',
          CERTIFICATE_TEMPLATE_ATTRIBUTES,
          (e) => {
            const t = certificateTemplateFromEntry(e);
            if (t.securityDescriptorError) progress(`modèle de certificat ${t.dn} : ${t.securityDescriptorError}`);
            snap.certificateTemplates.push(t);
          },
          true,
        );
        await each(
          `CN=Enrollment Services,${pks}`,
          '(objectClass=pKIEnrollmentService)',
          ['cn', 'cACertificate', 'certificateTemplates'],
          (e) => {
            snap.certificationAuthorities.push({
              dn: e.dn,
              name: str(e, 'cn') ?? '',
              certificates: bufs(e, 'cACertificate'),
              store: 'enrollment',
            });
            snap.publishedTemplates.push(...strs(e, 'certificateTemplates'));
          },
        );
        await each(
          `CN=NTAuthCertificates,${pks}`,
          '(objectClass=*)',
          ['cn', 'cACertificate'],
          (e) => {
            snap.certificationAuthorities.push({
              dn: e.dn,
              name: 'NTAuthCertificates',
              certificates: bufs(e, 'cACertificate'),
              store: 'ntauth',
            });
          },
          false,
          'base',
        );
        for (const [container, store] of [
          ['Certification Authorities', 'root'],
          ['AIA', 'aia'],
        ] as const) {
          await each(
            `CN=${container},${pks}`,
            '(objectClass=certificationAuthority)',
            ['cn', 'cACertificate'],
            (e) => {
              snap.certificationAuthorities.push({
                dn: e.dn,
                name: str(e, 'cn') ?? '',
                certificates: bufs(e, 'cACertificate'),
                store,
              });
            },
            false,
            'one',
          );
        }
      });
      await phase('dns', async () => {
        const forestRoot = snap.domain.forestRootDn ?? baseDn;
        for (const base of [
          `DC=DomainDnsZones,${baseDn}`,
          `DC=ForestDnsZones,${forestRoot}`,
          `CN=MicrosoftDNS,CN=System,${baseDn}`,
        ]) {
          await each(
            base,
            '(objectClass=dnsZone)',
            ['name', 'dnsProperty', 'nTSecurityDescriptor'],
            (e) => {
              const name = str(e, 'name') ?? '';
              const { sd: securityDescriptor, error } = readSd(e);
              const zone: DnsZone = {
                dn: e.dn,
                name,
                allowUpdate: allowUpdateOf(bufs(e, 'dnsProperty')),
                securityDescriptor,
                ...(error ? { securityDescriptorError: error } : {}),
              };
              if (error) progress(`zone DNS ${e.dn} : ${error}`);
              snap.dnsZones.push(zone);
            },
            true,
          );
        }
      });
      await phase('securityDescriptors', async () => {
        const targets: [SensitiveObjectSd['role'], string][] = [
          ['domainRoot', baseDn],
          ['adminSdHolder', `CN=AdminSDHolder,CN=System,${baseDn}`],
          ['domainControllers', `OU=Domain Controllers,${baseDn}`],
          ['configuration', configDn],
          ['schema', schemaDn],
        ];
        const missing: string[] = [];
        for (const [role, dn] of targets) {
          let found: SecurityDescriptor | null = null;
          await each(
            dn,
            '(objectClass=*)',
            ['nTSecurityDescriptor'],
            (e) => {
              found = sd(e);
            },
            true,
            'base',
          );
          if (found) snap.securityDescriptors.push({ role, dn, securityDescriptor: found });
          else if (role === 'domainRoot' || role === 'adminSdHolder') missing.push(dn);
        }
        if (missing.length > 0)
          throw new Error(`nTSecurityDescriptor illisible (droits insuffisants ?) : ${missing.join(' ; ')}`);
      });
    };
    // With several connections the lanes run at once (lanes beyond the connection count share the main
    // one, which LDAP message ids allow); with one, strictly one phase after the other.
    const lanes = [users, computers, groups, smallPhases];
    if (connections === 1) for (const lane of lanes) await lane();
    else await Promise.all(lanes.map((lane) => lane()));
    progress(
      `collecte terminée : ${snap.users.length} utilisateurs, ${snap.computers.length} ordinateurs, ${snap.groups.length} groupes`,
    );
    return snap;
  } catch (e) {
    if (e instanceof CollectError) throw e;
    throw classify(e, 'collecte');
  } finally {
    await Promise.all([client, ...extraClients].map((c) => c.unbind().catch(() => {})));
  }
}

/** Reads DSPROPERTY_ZONE_ALLOW_UPDATE (id 2) from dnsProperty values (MS-DNSP §2.3.2.1). */
export function allowUpdateOf(values: Uint8Array[]): number | null {
  for (const v of values) {
    if (v.length < 21) continue;
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    const dataLength = view.getUint32(0, true);
    const id = view.getUint32(16, true);
    if (id === 2 && dataLength >= 1) return v[20] as number;
  }
  return null;
}
